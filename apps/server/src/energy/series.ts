/**
 * The shapes the energy logic consumes and produces, close to telemetry rollup rows: a reading is
 * `{ ts, value }` (the unit is the metric's: kWh for counters, kW for power), and energy is
 * attached to a half-open time range so it can be re-bucketed or priced without losing any.
 */
import { type EpochMs, type Instant, toEpochMs } from './local-time.js';

export interface SeriesPoint {
  ts: Instant;
  value: number;
}

/** Energy that flowed during `[start, end)`. */
export interface EnergyInterval {
  start: EpochMs;
  end: EpochMs;
  energyKwh: number;
}

export interface TimedValue {
  ts: EpochMs;
  value: number;
}

/**
 * Normalises timestamps and checks the order: rollup rows are unique on (device, metric, ts), so
 * a repeated or earlier timestamp means the caller passed the wrong rows, and guessing which
 * reading is right would hide that.
 */
export function toTimedValues(points: readonly SeriesPoint[], seriesName: string): TimedValue[] {
  return points.map((point, index) => {
    const ts = toEpochMs(point.ts);
    if (!Number.isFinite(point.value)) {
      throw new RangeError(`${seriesName}[${index}].value is not a finite number`);
    }
    if (index > 0 && ts <= toEpochMs(points[index - 1]!.ts)) {
      throw new RangeError(`${seriesName}[${index}].ts is not after the previous reading`);
    }
    return { ts, value: point.value };
  });
}
