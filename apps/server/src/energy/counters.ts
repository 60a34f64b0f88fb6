/**
 * Energy from cumulative counters (`energy_kwh`, `import_kwh`, `export_kwh`).
 *
 * Reset rule: a counter that goes backwards (device reboot, meter reset or replacement) starts a
 * new segment. The reading after the drop is the new baseline and the interval across the drop
 * contributes 0 kWh. Counting the new reading "from 0" would be right only for a reset to exactly
 * zero at the very moment of the drop; a replaced meter starts at its own factory reading and a
 * rebooted device may restore a stale value, so that guess can invent energy. Losing at most one
 * interval per reset is bounded, and the interval is flagged so it can be reviewed.
 *
 * Plausibility: an increase faster than `maxPlausibleKw` (e.g. 10× the device's rated power) is a
 * glitch or a swapped meter, not energy. It is flagged, not counted, and also starts a new segment
 * so the absurd reading is never used as a baseline that makes later intervals look negative.
 *
 * Bucketing: a delta between two readings is spread over fixed buckets in proportion to time, the
 * only assumption available without finer data; what falls outside the buckets is returned
 * separately so buckets plus outside always equal the total.
 */
import { type EpochMs, HOUR_MS } from './local-time.js';
import { type EnergyInterval, type SeriesPoint, toTimedValues } from './series.js';

export type CounterIntervalStatus = 'counted' | 'reset' | 'implausible';

export interface CounterInterval extends EnergyInterval {
  status: CounterIntervalStatus;
  /** The raw difference between the two readings, kept for review when it was not counted. */
  readingDeltaKwh: number;
}

export interface CounterOptions {
  /** Highest average power (kW) the metered flow can reach; faster increases are not counted. */
  maxPlausibleKw?: number;
}

export interface CounterEnergy {
  energyKwh: number;
  resets: number;
  implausibleJumps: number;
  intervals: CounterInterval[];
}

export interface BucketedEnergy {
  buckets: EnergyInterval[];
  /** Energy of intervals (or parts of them) before the first edge or after the last one. */
  outsideKwh: number;
}

/** Rated power alone is not a ceiling (meters see inrush, sizing errors); 10× is clearly absurd. */
export function maxPlausibleKwForRatedPower(ratedPowerKw: number): number {
  return 10 * ratedPowerKw;
}

export function counterIntervals(
  readings: readonly SeriesPoint[],
  options: CounterOptions = {},
): CounterInterval[] {
  const maxPlausibleKw = options.maxPlausibleKw ?? Number.POSITIVE_INFINITY;
  if (!(maxPlausibleKw > 0)) throw new RangeError('maxPlausibleKw must be positive');
  const points = toTimedValues(readings, 'readings');
  return points.slice(1).map((point, index): CounterInterval => {
    const previous = points[index]!;
    const readingDeltaKwh = point.value - previous.value;
    const averageKw = readingDeltaKwh / ((point.ts - previous.ts) / HOUR_MS);
    const status: CounterIntervalStatus =
      readingDeltaKwh < 0 ? 'reset' : averageKw > maxPlausibleKw ? 'implausible' : 'counted';
    return {
      start: previous.ts,
      end: point.ts,
      energyKwh: status === 'counted' ? readingDeltaKwh : 0,
      status,
      readingDeltaKwh,
    };
  });
}

export function counterEnergy(
  readings: readonly SeriesPoint[],
  options: CounterOptions = {},
): CounterEnergy {
  const intervals = counterIntervals(readings, options);
  return {
    energyKwh: intervals.reduce((total, interval) => total + interval.energyKwh, 0),
    resets: intervals.filter((interval) => interval.status === 'reset').length,
    implausibleJumps: intervals.filter((interval) => interval.status === 'implausible').length,
    intervals,
  };
}

/**
 * Spreads each interval's energy over the buckets `[edges[i], edges[i + 1])` in proportion to the
 * time it overlaps them. The last share of each interval takes the remainder, so nothing is lost
 * or created by rounding.
 */
export function distributeIntoBuckets(
  intervals: readonly EnergyInterval[],
  edges: readonly EpochMs[],
): BucketedEnergy {
  edges.forEach((edge, index) => {
    if (index > 0 && edge <= edges[index - 1]!) throw new RangeError('edges must increase');
  });
  const buckets = edges.slice(1).map((end, index) => ({ start: edges[index]!, end, energyKwh: 0 }));
  let outsideKwh = 0;
  for (const interval of intervals) {
    const shares = bucketShares(interval, edges);
    let assignedKwh = 0;
    shares.forEach((share, shareIndex) => {
      const isLast = shareIndex === shares.length - 1;
      const energyKwh = isLast ? interval.energyKwh - assignedKwh : interval.energyKwh * share.part;
      assignedKwh += energyKwh;
      if (share.bucketIndex === undefined) outsideKwh += energyKwh;
      else buckets[share.bucketIndex]!.energyKwh += energyKwh;
    });
  }
  return { buckets, outsideKwh };
}

interface BucketShare {
  /** `undefined` for the part outside all buckets. */
  bucketIndex: number | undefined;
  /** Fraction of the interval's duration. */
  part: number;
}

function bucketShares(interval: EnergyInterval, edges: readonly EpochMs[]): BucketShare[] {
  const durationMs = interval.end - interval.start;
  if (durationMs < 0) throw new RangeError('an interval ends before it starts');
  const firstEdge = edges[0];
  const lastEdge = edges[edges.length - 1];
  if (firstEdge === undefined || lastEdge === undefined || edges.length < 2) {
    return [{ bucketIndex: undefined, part: 1 }];
  }
  if (durationMs === 0) {
    // An instantaneous amount belongs wholly to the bucket containing it.
    const inside = interval.start >= firstEdge && interval.start < lastEdge;
    return [{ bucketIndex: inside ? bucketIndexAt(interval.start, edges) : undefined, part: 1 }];
  }
  const shares: BucketShare[] = [];
  const insideStart = Math.max(interval.start, firstEdge);
  const insideEnd = Math.min(interval.end, lastEdge);
  let outsideMs = durationMs;
  if (insideStart < insideEnd) {
    for (let index = bucketIndexAt(insideStart, edges); edges[index]! < insideEnd; index++) {
      const overlapMs =
        Math.min(insideEnd, edges[index + 1]!) - Math.max(insideStart, edges[index]!);
      shares.push({ bucketIndex: index, part: overlapMs / durationMs });
      outsideMs -= overlapMs;
    }
  }
  if (outsideMs > 0) shares.push({ bucketIndex: undefined, part: outsideMs / durationMs });
  return shares;
}

/** Index `i` of the bucket `[edges[i], edges[i + 1])` containing `instant` (binary search). */
function bucketIndexAt(instant: EpochMs, edges: readonly EpochMs[]): number {
  let low = 0;
  let high = edges.length - 2;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (edges[middle]! <= instant) low = middle;
    else high = middle - 1;
  }
  return low;
}
