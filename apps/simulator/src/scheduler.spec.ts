import type { TelemetryMessage } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import { createFleet } from './fleet.js';
import type { PublishOutcome } from './mqtt/device-connection.js';
import { emptyPublishCounts, type TelemetrySink } from './runner.js';
import { SimClock, sliceCountFor, sliceItems, TickScheduler } from './scheduler.js';
import type { SimulatedSite } from './site.js';

class RecordingSink implements TelemetrySink {
  readonly messages: { realMs: number; message: TelemetryMessage }[] = [];
  constructor(
    private readonly clock: { realMs: number },
    private readonly outcome: PublishOutcome = 'sent',
  ) {}

  publishTelemetry(message: TelemetryMessage): PublishOutcome {
    this.messages.push({ realMs: this.clock.realMs, message });
    return this.outcome;
  }
}

function setup(sites: SimulatedSite[], intervalMs: number, sliceCount?: number) {
  const clock = { realMs: Date.parse('2025-06-21T10:00:00Z') };
  const sinks = new Map<string, RecordingSink>();
  for (const device of sites.flatMap((site) => site.devices)) {
    sinks.set(device.deviceId, new RecordingSink(clock));
  }
  const counts = emptyPublishCounts();
  const simClock = new SimClock(clock.realMs, intervalMs, 1);
  const scheduler = new TickScheduler(sites, sinks, counts, {
    intervalMs,
    clock: simClock,
    firstTickMs: clock.realMs,
    ...(sliceCount ? { sliceCount } : {}),
  });
  const runUntil = (realMs: number, stepMs: number) => {
    while (clock.realMs <= realMs) {
      scheduler.runDue(clock.realMs);
      clock.realMs += stepMs;
    }
  };
  return { clock, sinks, counts, scheduler, runUntil };
}

describe('sliceItems', () => {
  it('puts every item in exactly one slice, the slices differing by at most one', () => {
    const items = Array.from({ length: 103 }, (_, index) => index);
    const slices = sliceItems(items, 10);

    expect(slices).toHaveLength(10);
    expect(slices.flat().sort((a, b) => a - b)).toEqual(items);
    const sizes = slices.map((slice) => slice.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sliceItems([1, 2], 10)).toEqual([[1], [2]]);
    expect(sliceItems([], 4)).toEqual([[]]);
  });

  it('slices a tick into 50 ms steps, never more slices than sites', () => {
    expect(sliceCountFor(1_000, 5_000)).toBe(20);
    expect(sliceCountFor(1_000, 3)).toBe(3);
    expect(sliceCountFor(100, 5_000)).toBe(2);
    expect(sliceCountFor(40, 5_000)).toBe(1);
  });
});

describe('TickScheduler', () => {
  it('publishes each device exactly once per tick, spread over the interval', () => {
    const sites = createFleet(50, 3, 6);
    const { sinks, counts, scheduler, runUntil, clock } = setup(sites, 1_000);
    const startMs = clock.realMs;
    expect(scheduler.sliceCount).toBe(20);

    // Five ticks, the driver waking every 10 ms.
    runUntil(startMs + 4_999, 10);

    expect(scheduler.progress.ticks).toBe(5);
    expect(counts.sent).toBe(50 * 6 * 5);
    const publishMoments = new Set<number>();
    for (const sink of sinks.values()) {
      expect(sink.messages).toHaveLength(5);
      sink.messages.forEach(({ realMs, message }, tick) => {
        // Tick n runs during [start + n s, start + (n + 1) s) …
        expect(realMs).toBeGreaterThanOrEqual(startMs + tick * 1_000);
        expect(realMs).toBeLessThan(startMs + (tick + 1) * 1_000);
        // … and every device of one tick carries that tick's timestamp.
        expect(message.ts).toBe(new Date(startMs + tick * 1_000).toISOString());
        publishMoments.add(realMs - startMs - tick * 1_000);
      });
    }
    // Twenty slices: devices published at twenty different moments of each second.
    expect(publishMoments.size).toBe(20);
  });

  it('never bursts after a stall: missed ticks are dropped, not replayed', () => {
    const sites = createFleet(10, 3, 3);
    const { sinks, scheduler, clock } = setup(sites, 1_000, 5);
    const startMs = clock.realMs;

    expect(scheduler.runDue(startMs)).toBe(1);
    // The event loop stalls for 10 s, then wakes: at most one tick's worth of slices run.
    expect(scheduler.runDue(startMs + 10_000)).toBe(5);
    expect(scheduler.runDue(startMs + 10_000)).toBe(0);
    expect(scheduler.progress.lateTicks).toBeGreaterThan(0);
    for (const sink of sinks.values()) expect(sink.messages.length).toBeLessThanOrEqual(2);
  });

  it('counts every outcome', () => {
    const sites = createFleet(4, 1, 3);
    const clock = { realMs: 0 };
    const sinks = new Map<string, TelemetrySink>(
      sites.flatMap((site) =>
        site.devices.map((device) => [
          device.deviceId,
          new RecordingSink(clock, device.kind === 'battery' ? 'busy' : 'sent'),
        ]),
      ),
    );
    const counts = emptyPublishCounts();
    const nowMs = Date.parse('2025-06-21T10:00:00Z');
    const scheduler = new TickScheduler(sites, sinks, counts, {
      intervalMs: 1_000,
      clock: new SimClock(nowMs, 1_000, 1),
      firstTickMs: nowMs,
    });
    scheduler.runDue(nowMs + 999);

    expect(counts).toEqual({ sent: 8, offline: 0, busy: 4 });
  });
});

describe('SimClock', () => {
  it('runs the past at speed, then follows the wall clock', () => {
    const realStart = Date.parse('2025-06-21T12:00:00Z');
    const firstMs = realStart - 3_600_000;
    const clock = new SimClock(firstMs, 1_000, 600);
    const instants = Array.from({ length: 12 }, (_, tick) =>
      clock.advance(realStart + tick * 1_000),
    );

    // Ten simulated minutes per one-second tick, from the first instant on …
    expect(instants.slice(0, 7).map((instant) => instant.atMs - firstMs)).toEqual([
      0, 600_000, 1_200_000, 1_800_000, 2_400_000, 3_000_000, 3_600_000,
    ]);
    expect(instants[1]!.dtSeconds).toBe(600);
    expect(clock.isLive).toBe(true);
    // … until simulated time reaches real time: then timestamps are the real time.
    expect(instants[7]).toEqual({ atMs: realStart + 7_000, dtSeconds: 7 });
    expect(instants.at(-1)).toEqual({ atMs: realStart + 11_000, dtSeconds: 1 });
  });

  it('is live from the first tick when it starts now', () => {
    const realStart = Date.parse('2025-06-21T12:00:00Z');
    const clock = new SimClock(realStart, 5_000, 1);

    expect(clock.advance(realStart)).toEqual({ atMs: realStart, dtSeconds: 5 });
    expect(clock.isLive).toBe(true);
  });

  it('never passes real time, and never goes back', () => {
    const realStart = Date.parse('2025-06-21T12:00:00Z');
    const clock = new SimClock(realStart - 5_000, 1_000, 3_600);
    let previous = -Infinity;
    for (let tick = 0; tick < 20; tick += 1) {
      const realMs = realStart + tick * 1_000 - (tick === 10 ? 5_000 : 0);
      const { atMs } = clock.advance(realMs);
      expect(atMs).toBeGreaterThan(previous);
      expect(atMs).toBeLessThanOrEqual(Math.max(realMs, previous + 1));
      previous = atMs;
    }
  });

  it('caps the physics step after a long pause, keeping real timestamps', () => {
    const realStart = Date.parse('2025-06-21T12:00:00Z');
    const clock = new SimClock(realStart, 1_000, 1);
    clock.advance(realStart);
    const afterSleep = clock.advance(realStart + 3_600_000);

    expect(afterSleep.atMs).toBe(realStart + 3_600_000);
    expect(afterSleep.dtSeconds).toBe(10);
  });
});
