/**
 * Energy from power readings (kW), for flows that have no counter.
 *
 * Between two readings the power is taken to change linearly (trapezoidal rule), the best guess
 * from two samples. The sign split follows that line: a segment from +2 kW to −2 kW is half import
 * and half export, not zero, which is what the grid and battery flows need (OpenEMS signs: grid
 * > 0 import, battery > 0 discharge).
 *
 * Readings further apart than `maxGapMs` mean the device was silent: that gap is not integrated
 * (a silent device is not credited with its last power for hours), and there is no extrapolation
 * before the first or after the last reading. `coveredMs` reports how much of the range had data,
 * so callers can show coverage instead of a silently low number.
 */
import { type EpochMs, HOUR_MS, MINUTE_MS, type TimeRange, assertRange } from './local-time.js';
import { type SeriesPoint, type TimedValue, toTimedValues } from './series.js';

/** Longer than any sane reporting period, short enough not to bridge an outage. */
export const DEFAULT_MAX_GAP_MS = 15 * MINUTE_MS;

export interface PowerIntegrationOptions {
  maxGapMs?: number;
}

export interface SignedEnergy {
  /** Energy while the power was above zero, kWh (≥ 0). */
  positiveKwh: number;
  /** Energy while the power was below zero, as a magnitude in kWh (≥ 0). */
  negativeKwh: number;
  /** Time of the range between readings no further apart than `maxGapMs`. */
  coveredMs: number;
}

export interface GridEnergy {
  importKwh: number;
  exportKwh: number;
  coveredMs: number;
}

export interface BatteryEnergy {
  dischargeKwh: number;
  chargeKwh: number;
  coveredMs: number;
}

export function integratePower(
  points: readonly SeriesPoint[],
  range: TimeRange,
  options: PowerIntegrationOptions = {},
): SignedEnergy {
  return integrateTimedPower(toTimedValues(points, 'points'), range, maxGapOf(options));
}

/** One result per bucket `[edges[i], edges[i + 1])`; the buckets add up to the whole range. */
export function integratePowerIntoBuckets(
  points: readonly SeriesPoint[],
  edges: readonly EpochMs[],
  options: PowerIntegrationOptions = {},
): (TimeRange & SignedEnergy)[] {
  const timed = toTimedValues(points, 'points');
  const maxGapMs = maxGapOf(options);
  return edges.slice(1).map((end, index) => {
    const bucket = { start: edges[index]!, end };
    return { ...bucket, ...integrateTimedPower(timed, bucket, maxGapMs) };
  });
}

export function gridEnergyFromPower(
  points: readonly SeriesPoint[],
  range: TimeRange,
  options: PowerIntegrationOptions = {},
): GridEnergy {
  const energy = integratePower(points, range, options);
  return {
    importKwh: energy.positiveKwh,
    exportKwh: energy.negativeKwh,
    coveredMs: energy.coveredMs,
  };
}

export function batteryEnergyFromPower(
  points: readonly SeriesPoint[],
  range: TimeRange,
  options: PowerIntegrationOptions = {},
): BatteryEnergy {
  const energy = integratePower(points, range, options);
  return {
    dischargeKwh: energy.positiveKwh,
    chargeKwh: energy.negativeKwh,
    coveredMs: energy.coveredMs,
  };
}

function maxGapOf(options: PowerIntegrationOptions): number {
  const maxGapMs = options.maxGapMs ?? DEFAULT_MAX_GAP_MS;
  if (!(maxGapMs > 0)) throw new RangeError('maxGapMs must be positive');
  return maxGapMs;
}

function integrateTimedPower(
  points: readonly TimedValue[],
  range: TimeRange,
  maxGapMs: number,
): SignedEnergy {
  assertRange(range);
  const result: SignedEnergy = { positiveKwh: 0, negativeKwh: 0, coveredMs: 0 };
  for (let index = firstSegmentEndingAfter(points, range.start); index < points.length; index++) {
    const from = points[index - 1]!;
    const to = points[index]!;
    if (from.ts >= range.end) break;
    if (to.ts - from.ts > maxGapMs) continue;
    const clippedStart = Math.max(from.ts, range.start);
    const clippedEnd = Math.min(to.ts, range.end);
    addLinearSegment(
      result,
      clippedStart,
      valueAt(from, to, clippedStart),
      clippedEnd,
      valueAt(from, to, clippedEnd),
    );
  }
  return result;
}

/** Index of the first reading after `instant`, never 0, so `index - 1` starts a segment. */
function firstSegmentEndingAfter(points: readonly TimedValue[], instant: EpochMs): number {
  let low = 1;
  let high = points.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (points[middle]!.ts <= instant) low = middle + 1;
    else high = middle;
  }
  return low;
}

function valueAt(from: TimedValue, to: TimedValue, instant: EpochMs): number {
  return from.value + ((to.value - from.value) * (instant - from.ts)) / (to.ts - from.ts);
}

/** Adds the area under the line from (startMs, startKw) to (endMs, endKw), split at zero. */
function addLinearSegment(
  result: SignedEnergy,
  startMs: EpochMs,
  startKw: number,
  endMs: EpochMs,
  endKw: number,
): void {
  const durationMs = endMs - startMs;
  if (durationMs <= 0) return;
  result.coveredMs += durationMs;
  const crossesZero = (startKw > 0 && endKw < 0) || (startKw < 0 && endKw > 0);
  if (!crossesZero) {
    const energyKwh = (((startKw + endKw) / 2) * durationMs) / HOUR_MS;
    if (energyKwh > 0) result.positiveKwh += energyKwh;
    else result.negativeKwh -= energyKwh;
    return;
  }
  const beforeZeroMs = (durationMs * startKw) / (startKw - endKw);
  const firstKwh = (startKw / 2) * (beforeZeroMs / HOUR_MS);
  const secondKwh = (endKw / 2) * ((durationMs - beforeZeroMs) / HOUR_MS);
  for (const energyKwh of [firstKwh, secondKwh]) {
    if (energyKwh > 0) result.positiveKwh += energyKwh;
    else result.negativeKwh -= energyKwh;
  }
}
