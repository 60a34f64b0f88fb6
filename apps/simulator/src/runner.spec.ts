import type { TelemetryMessage } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import { createFleet } from './fleet.js';
import type { PublishOutcome } from './mqtt/device-connection.js';
import { elapsedSeconds, emptyPublishCounts, runTick, type TelemetrySink } from './runner.js';

class RecordingSink implements TelemetrySink {
  readonly messages: TelemetryMessage[] = [];
  constructor(private readonly outcome: PublishOutcome = 'sent') {}

  publishTelemetry(message: TelemetryMessage): PublishOutcome {
    if (this.outcome === 'sent') this.messages.push(message);
    return this.outcome;
  }
}

describe('runTick', () => {
  it('hands every device its own reading and counts the outcomes', () => {
    const sites = createFleet(2, 5);
    const sinks = new Map<string, RecordingSink>();
    for (const device of sites.flatMap((site) => site.devices)) {
      sinks.set(device.deviceId, new RecordingSink(device.kind === 'battery' ? 'offline' : 'sent'));
    }
    const counts = emptyPublishCounts();

    runTick(sites, sinks, new Date('2025-06-21T10:00:00Z'), 5, counts);

    expect(counts).toEqual({ sent: 4, offline: 2, busy: 0 });
    const pvReading = sinks.get('sim-site-0001-pv')?.messages[0];
    expect(pvReading?.metrics.power_kw).toBeGreaterThan(0);
    expect(sinks.get('sim-site-0002-meter')?.messages[0]?.metrics).toHaveProperty('import_kwh');
  });

  it('fails loudly when a device has no connection', () => {
    expect(() =>
      runTick(createFleet(1, 5), new Map(), new Date(), 5, emptyPublishCounts()),
    ).toThrow('no connection for device sim-site-0001-pv');
  });
});

describe('elapsedSeconds', () => {
  it('measures the real gap between ticks', () => {
    expect(elapsedSeconds(1_000, 6_250, 5_000)).toBe(5.25);
  });

  it('caps a long pause at ten intervals and never returns zero', () => {
    expect(elapsedSeconds(0, 3_600_000, 5_000)).toBe(50);
    expect(elapsedSeconds(1_000, 1_000, 5_000)).toBe(0.001);
  });
});
