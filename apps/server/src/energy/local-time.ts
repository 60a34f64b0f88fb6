/**
 * Calendar arithmetic in a site's IANA timezone.
 *
 * Timestamps come in as UTC `Date` objects or epoch milliseconds and go out as epoch milliseconds;
 * ranges are half-open `[start, end)` so consecutive ranges never count an instant twice.
 *
 * Days and months follow the site's local calendar: a DST day lasts 23 h or 25 h and a day may even
 * start at 01:00 where midnight does not exist. 15-minute and 1-hour buckets are aligned to UTC so
 * one stored rollup row serves every timezone; in zones with a :30 or :45 offset a local hour is
 * therefore not a 1-hour bucket, and local-hour views there are built from 15-minute buckets.
 */
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

export type EpochMs = number;
export type Instant = Date | EpochMs;

/** Half-open `[start, end)` in epoch milliseconds. */
export interface TimeRange {
  start: EpochMs;
  end: EpochMs;
}

export type BucketSize = '15m' | '1h' | '1d';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const QUARTER_HOUR_MS = 15 * MINUTE_MS;

const UTC_ALIGNED_BUCKET_MS = { '15m': QUARTER_HOUR_MS, '1h': HOUR_MS } as const;

/** Region/City names only: fixed offsets such as `+01:00` have no DST and are not site timezones. */
const TIME_ZONE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

export function toEpochMs(instant: Instant): EpochMs {
  const epochMs = instant instanceof Date ? instant.getTime() : instant;
  if (!Number.isFinite(epochMs)) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return epochMs;
}

export function isValidTimeZone(timeZone: string): boolean {
  return (
    timeZone.length <= 64 && TIME_ZONE_NAME_PATTERN.test(timeZone) && IANAZone.isValidZone(timeZone)
  );
}

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isValidTimeZone, 'an IANA timezone such as Europe/Berlin');

/** The instant seen on the site's wall clock; throws on an unknown zone rather than guessing UTC. */
export function localDateTime(instant: Instant, timeZone: string): DateTime<true> {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`not an IANA timezone: ${timeZone}`);
  const local = DateTime.fromMillis(toEpochMs(instant), { zone: timeZone });
  if (!local.isValid) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return local;
}

export function startOfLocalDay(instant: Instant, timeZone: string): EpochMs {
  return localDateTime(instant, timeZone).startOf('day').toMillis();
}

export function startOfLocalMonth(instant: Instant, timeZone: string): EpochMs {
  return localDateTime(instant, timeZone).startOf('month').toMillis();
}

/** The local calendar date (`2026-03-29`) containing the instant: the key of a daily rollup. */
export function localDate(instant: Instant, timeZone: string): string {
  return localDateTime(instant, timeZone).toISODate();
}

/** The local day after the one starting at `dayStart`, recomputed from the calendar (23/24/25 h). */
function nextLocalDayStart(dayStart: EpochMs, timeZone: string): EpochMs {
  return localDateTime(dayStart, timeZone).plus({ days: 1 }).startOf('day').toMillis();
}

/** Whole local days (as UTC ranges) that together cover `range`; an empty range covers no day. */
export function localDays(range: TimeRange, timeZone: string): TimeRange[] {
  const edges = bucketEdges(range, '1d', timeZone);
  return rangesBetweenEdges(edges);
}

/**
 * Bucket edges covering `range`: the first edge is at or before `range.start`, the last at or
 * after `range.end`. `n` edges describe `n - 1` buckets; an empty range has no edges.
 */
export function bucketEdges(range: TimeRange, size: BucketSize, timeZone: string): EpochMs[] {
  assertRange(range);
  if (range.end === range.start) return [];
  if (size === '1d') {
    const edges = [startOfLocalDay(range.start, timeZone)];
    while (edges[edges.length - 1]! < range.end) {
      edges.push(nextLocalDayStart(edges[edges.length - 1]!, timeZone));
    }
    return edges;
  }
  const bucketMs = UTC_ALIGNED_BUCKET_MS[size];
  const edges: EpochMs[] = [];
  for (let edge = Math.floor(range.start / bucketMs) * bucketMs; ; edge += bucketMs) {
    edges.push(edge);
    if (edge >= range.end) return edges;
  }
}

export function rangesBetweenEdges(edges: readonly EpochMs[]): TimeRange[] {
  return edges.slice(1).map((end, index) => ({ start: edges[index]!, end }));
}

export function assertRange(range: TimeRange): void {
  if (!Number.isFinite(range.start) || !Number.isFinite(range.end) || range.end < range.start) {
    throw new RangeError(`not a valid time range: ${range.start}..${range.end}`);
  }
}
