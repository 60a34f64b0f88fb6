import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  counterEnergy,
  counterIntervals,
  distributeIntoBuckets,
  maxPlausibleKwForRatedPower,
} from './counters.js';
import { MINUTE_MS, QUARTER_HOUR_MS } from './local-time.js';
import { type SeriesPoint } from './series.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0);
const at = (minutes: number): number => T0 + minutes * MINUTE_MS;

function readings(...pairs: [minutes: number, valueKwh: number][]): SeriesPoint[] {
  return pairs.map(([minutes, value]) => ({ ts: at(minutes), value }));
}

describe('counter energy', () => {
  it('sums the increases of a steadily rising counter', () => {
    const result = counterEnergy(readings([0, 100], [15, 101.5], [30, 103], [45, 103]));
    expect(result.energyKwh).toBeCloseTo(3, 10);
    expect(result.intervals.map((interval) => interval.energyKwh)).toEqual([1.5, 1.5, 0]);
    expect(result.resets).toBe(0);
  });

  it('treats a reset mid-series as a new baseline: no negative and no double energy', () => {
    // 100 → 102 (+2), reboot to 0.5 (baseline, 0), 0.5 → 1.5 (+1), 1.5 → 2.5 (+1).
    const result = counterEnergy(readings([0, 100], [15, 102], [30, 0.5], [45, 1.5], [60, 2.5]));
    expect(result.intervals.map((interval) => interval.status)).toEqual([
      'counted',
      'reset',
      'counted',
      'counted',
    ]);
    expect(result.intervals.map((interval) => interval.energyKwh)).toEqual([2, 0, 1, 1]);
    expect(result.intervals[1]!.readingDeltaKwh).toBe(-101.5);
    expect(result.energyKwh).toBeCloseTo(4, 10);
    expect(result.resets).toBe(1);
  });

  it('does not count the reading of a replacement meter that starts higher than zero', () => {
    const result = counterEnergy(readings([0, 5000], [15, 5001], [30, 1200], [45, 1201]));
    expect(result.energyKwh).toBeCloseTo(2, 10);
  });

  it('flags an absurd jump instead of counting it, and resumes from the new reading', () => {
    // A 10 kW inverter: at most 100 kW is plausible, i.e. 25 kWh per quarter hour.
    const options = { maxPlausibleKw: maxPlausibleKwForRatedPower(10) };
    const result = counterEnergy(
      readings([0, 10], [15, 12], [30, 999_999], [45, 1_000_001]),
      options,
    );
    expect(result.intervals.map((interval) => interval.status)).toEqual([
      'counted',
      'implausible',
      'counted',
    ]);
    expect(result.intervals[1]).toMatchObject({ energyKwh: 0, readingDeltaKwh: 999_987 });
    expect(result.energyKwh).toBe(4);
    expect(result.implausibleJumps).toBe(1);
  });

  it('counts an increase exactly at the plausible limit', () => {
    const [interval] = counterIntervals(readings([0, 0], [15, 25]), { maxPlausibleKw: 100 });
    expect(interval!.status).toBe('counted');
  });

  it('accepts Date timestamps and refuses readings out of order', () => {
    expect(
      counterEnergy([
        { ts: new Date(at(0)), value: 1 },
        { ts: new Date(at(15)), value: 2 },
      ]).energyKwh,
    ).toBe(1);
    expect(() => counterIntervals(readings([15, 1], [0, 2]))).toThrow(/readings\[1\]\.ts/);
    expect(() => counterIntervals(readings([0, 1], [0, 2]))).toThrow(RangeError);
  });

  it('gives no energy for fewer than two readings', () => {
    expect(counterEnergy([]).energyKwh).toBe(0);
    expect(counterEnergy(readings([0, 42])).intervals).toEqual([]);
  });
});

describe('distributing counter deltas into buckets', () => {
  it('splits a delta straddling a bucket edge in proportion to time', () => {
    // 3 kWh between 10:10 and 10:40: 5 min in the first quarter, 15 in the second, 10 in the third.
    const edges = [at(600), at(615), at(630), at(645)];
    const { buckets, outsideKwh } = distributeIntoBuckets(
      [{ start: at(610), end: at(640), energyKwh: 3 }],
      edges,
    );
    expect(buckets.map((bucket) => bucket.energyKwh)).toEqual([0.5, 1.5, 1]);
    expect(buckets[0]).toMatchObject({ start: at(600), end: at(615) });
    expect(outsideKwh).toBe(0);
  });

  it('keeps the part outside the buckets apart so nothing is lost', () => {
    const { buckets, outsideKwh } = distributeIntoBuckets(
      [{ start: at(50), end: at(70), energyKwh: 2 }],
      [at(60), at(120)],
    );
    expect(buckets[0]!.energyKwh).toBeCloseTo(1, 12);
    expect(outsideKwh).toBeCloseTo(1, 12);
  });

  it('makes hourly buckets add up to the counter total over a reset', () => {
    const counted = counterIntervals(
      readings([0, 7], [20, 8], [50, 9.5], [65, 0.2], [100, 1.2], [170, 3.2]),
    );
    const edges = [at(0), at(60), at(120), at(180)];
    const { buckets, outsideKwh } = distributeIntoBuckets(counted, edges);
    const total = counted.reduce((sum, interval) => sum + interval.energyKwh, 0);
    expect(total).toBeCloseTo(5.5, 10);
    expect(buckets.reduce((sum, bucket) => sum + bucket.energyKwh, 0) + outsideKwh).toBeCloseTo(
      total,
      10,
    );
    // The 100→170 min delta (2 kWh) straddles the 120 min edge: 20/70 before, 50/70 after.
    expect(buckets.map((bucket) => bucket.energyKwh)).toEqual([
      expect.closeTo(2.5, 10),
      expect.closeTo(1 + 40 / 70, 10),
      expect.closeTo(100 / 70, 10),
    ]);
  });

  it('never yields negative energy and always conserves the total (random series, random resets)', () => {
    const step = fc.record({
      minutesLater: fc.integer({ min: 1, max: 90 }),
      increaseKwh: fc.double({ min: 0, max: 50, noNaN: true }),
      resetTo: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { freq: 5 }),
    });
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.array(step, { maxLength: 60 }),
        (firstValue, steps) => {
          const series = [{ ts: T0, value: firstValue }];
          for (const { minutesLater, increaseKwh, resetTo } of steps) {
            const previous = series[series.length - 1]!;
            series.push({
              ts: previous.ts + minutesLater * MINUTE_MS,
              value: resetTo ?? previous.value + increaseKwh,
            });
          }
          const { energyKwh, intervals } = counterEnergy(series);
          expect(intervals.every((interval) => interval.energyKwh >= 0)).toBe(true);
          // Each increase counts once; each drop counts nothing.
          const increases = intervals.reduce(
            (sum, interval) => sum + Math.max(0, interval.readingDeltaKwh),
            0,
          );
          expect(energyKwh).toBeCloseTo(increases, 6);

          const lastTs = series[series.length - 1]!.ts;
          const edges: number[] = [];
          for (let edge = T0 - QUARTER_HOUR_MS; edge <= lastTs + QUARTER_HOUR_MS;) {
            edges.push(edge);
            edge += QUARTER_HOUR_MS;
          }
          const { buckets, outsideKwh } = distributeIntoBuckets(intervals, edges);
          const bucketed = buckets.reduce((sum, bucket) => sum + bucket.energyKwh, 0);
          expect(outsideKwh).toBe(0);
          expect(buckets.every((bucket) => bucket.energyKwh >= -1e-9)).toBe(true);
          expect(Math.abs(bucketed - energyKwh)).toBeLessThanOrEqual(1e-9 * (1 + energyKwh));
        },
      ),
    );
  });
});
