import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from './local-time.js';
import {
  batteryEnergyFromPower,
  gridEnergyFromPower,
  integratePower,
  integratePowerIntoBuckets,
} from './power-integration.js';
import { type SeriesPoint } from './series.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0);
const at = (minutes: number): number => T0 + minutes * MINUTE_MS;
const range = (fromMinutes: number, toMinutes: number) => ({
  start: at(fromMinutes),
  end: at(toMinutes),
});

function power(...pairs: [minutes: number, kw: number][]): SeriesPoint[] {
  return pairs.map(([minutes, value]) => ({ ts: at(minutes), value }));
}

describe('trapezoidal power integration', () => {
  it('gives 3 kWh for a constant 2 kW over 90 minutes', () => {
    const points = power([0, 2], [15, 2], [30, 2], [45, 2], [60, 2], [75, 2], [90, 2]);
    const energy = integratePower(points, range(0, 90));
    expect(energy.positiveKwh).toBeCloseTo(3, 12);
    expect(energy.negativeKwh).toBe(0);
    expect(energy.coveredMs).toBe(90 * MINUTE_MS);
  });

  it('does not integrate a gap longer than the max gap', () => {
    // Silent from 30 to 90 min: only 0–30 and 90–105 count, 45 minutes at 2 kW.
    const points = power([0, 2], [15, 2], [30, 2], [90, 2], [105, 2]);
    const energy = integratePower(points, range(0, 105), { maxGapMs: 15 * MINUTE_MS });
    expect(energy.positiveKwh).toBeCloseTo(1.5, 12);
    expect(energy.coveredMs).toBe(45 * MINUTE_MS);
    // With a max gap of an hour the same readings are bridged.
    expect(
      integratePower(points, range(0, 105), { maxGapMs: 60 * MINUTE_MS }).positiveKwh,
    ).toBeCloseTo(3.5, 12);
  });

  it('integrates a gap exactly as long as the max gap', () => {
    const energy = integratePower(power([0, 4], [15, 4]), range(0, 15));
    expect(energy.positiveKwh).toBeCloseTo(1, 12);
  });

  it('follows the straight line between readings', () => {
    // 0 → 6 kW over one hour averages 3 kW.
    expect(
      integratePower(power([0, 0], [60, 6]), range(0, 60), { maxGapMs: 60 * MINUTE_MS })
        .positiveKwh,
    ).toBeCloseTo(3, 12);
  });

  it('clips a segment to the range by interpolating at its edges', () => {
    // 0 → 4 kW over 60 min; from 30 to 60 min the power goes 2 → 4 kW, 3 kW × 0.5 h.
    const energy = integratePower(power([0, 0], [60, 4]), range(30, 60), {
      maxGapMs: 60 * MINUTE_MS,
    });
    expect(energy.positiveKwh).toBeCloseTo(1.5, 12);
    expect(energy.coveredMs).toBe(30 * MINUTE_MS);
  });

  it('splits a segment crossing zero into its positive and negative parts', () => {
    // +2 kW → −2 kW over an hour crosses zero at 30 min: 0.5 kWh each way, not 0.
    const energy = integratePower(power([0, 2], [60, -2]), range(0, 60), {
      maxGapMs: 60 * MINUTE_MS,
    });
    expect(energy.positiveKwh).toBeCloseTo(0.5, 12);
    expect(energy.negativeKwh).toBeCloseTo(0.5, 12);
  });

  it('does not extrapolate before the first or after the last reading', () => {
    const energy = integratePower(power([10, 3], [20, 3]), range(0, 60));
    expect(energy.positiveKwh).toBeCloseTo(0.5, 12);
    expect(energy.coveredMs).toBe(10 * MINUTE_MS);
    expect(integratePower([], range(0, 60))).toEqual({
      positiveKwh: 0,
      negativeKwh: 0,
      coveredMs: 0,
    });
  });

  it('reads grid import/export and battery discharge/charge with OpenEMS signs', () => {
    // Grid: import 4 kW for 15 min, then export 2 kW for 15 min (with the ramp between).
    const grid = power([0, 4], [15, 4], [16, -2], [31, -2]);
    const gridEnergy = gridEnergyFromPower(grid, range(0, 31));
    expect(gridEnergy.importKwh).toBeCloseTo(1 + (4 / 2) * (1 / 60) * (4 / 6), 12);
    expect(gridEnergy.exportKwh).toBeCloseTo(0.5 + (2 / 2) * (1 / 60) * (2 / 6), 12);

    const battery = power([0, -3], [10, -3], [20, 3], [30, 3]);
    const batteryEnergy = batteryEnergyFromPower(battery, range(0, 30));
    expect(batteryEnergy.chargeKwh).toBeCloseTo(0.5 + 0.125, 12);
    expect(batteryEnergy.dischargeKwh).toBeCloseTo(0.5 + 0.125, 12);
  });

  it('gives buckets that add up to the integral over the whole range', () => {
    const points = power([0, 1], [7, 5], [19, -3], [26, 2], [41, 0], [52, -6], [60, 1]);
    const whole = integratePower(points, range(0, 60));
    const buckets = integratePowerIntoBuckets(points, [at(0), at(15), at(30), at(45), at(60)]);
    expect(buckets).toHaveLength(4);
    const sum = (key: 'positiveKwh' | 'negativeKwh') =>
      buckets.reduce((total, bucket) => total + bucket[key], 0);
    expect(sum('positiveKwh')).toBeCloseTo(whole.positiveKwh, 12);
    expect(sum('negativeKwh')).toBeCloseTo(whole.negativeKwh, 12);
    expect(buckets[0]).toMatchObject({ start: at(0), end: at(15) });
  });

  it('refuses unordered readings and a non-positive max gap', () => {
    expect(() => integratePower(power([10, 1], [5, 1]), range(0, 60))).toThrow(/points\[1\]\.ts/);
    expect(() => integratePower(power([0, 1]), range(0, 60), { maxGapMs: 0 })).toThrow(RangeError);
  });
});
