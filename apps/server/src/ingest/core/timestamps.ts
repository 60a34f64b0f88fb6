import type { RejectReason } from './rejections.js';

/** Clocks drift; more than this ahead of the server is a device clock we cannot trust. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
const MS_PER_DAY = 86_400_000;
/** The largest instant a JavaScript Date (and so `timestamptz` through it) can hold. */
const MAX_EPOCH_MS = 8_640_000_000_000_000;
/** Before 1973 in milliseconds: such a value is almost always epoch seconds sent by mistake. */
const LIKELY_EPOCH_SECONDS_BELOW = 100_000_000_000;

/**
 * RFC 3339 / ISO-8601 extended date-time with a mandatory offset: a time without one is ambiguous
 * across DST. Seconds are optional; `+hhmm` and `+hh` offsets are accepted as devices send them.
 */
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

export type TimestampResult =
  { ok: true; epochMs: number } | { ok: false; reason: RejectReason; detail: string };

export interface TimestampWindow {
  now: Date;
  retentionDays: number;
}

/**
 * Reads a device timestamp (ISO-8601 with offset, or epoch milliseconds), rounds it to the
 * millisecond (the storage precision, and so the idempotency key's) and checks it lies in the
 * window the database keeps.
 */
export function readTimestamp(value: unknown, window: TimestampWindow): TimestampResult {
  const parsed = typeof value === 'string' ? parseIsoTimestamp(value) : parseEpochMs(value);
  if (!parsed.ok) return parsed;
  return checkWindow(parsed.epochMs, window);
}

export function checkWindow(
  epochMs: number,
  { now, retentionDays }: TimestampWindow,
): TimestampResult {
  const nowMs = now.getTime();
  if (!Number.isFinite(epochMs)) return badTimestamp('not a valid instant');
  if (epochMs - nowMs > MAX_FUTURE_SKEW_MS) {
    return {
      ok: false,
      reason: 'timestamp_in_future',
      detail: `${Math.round((epochMs - nowMs) / 1000)} s ahead of the server clock (limit ${MAX_FUTURE_SKEW_MS / 1000} s)`,
    };
  }
  if (nowMs - epochMs > retentionDays * MS_PER_DAY) {
    const hint =
      epochMs < LIKELY_EPOCH_SECONDS_BELOW
        ? '; it looks like epoch seconds, send milliseconds'
        : '';
    return {
      ok: false,
      reason: 'timestamp_too_old',
      detail: `older than the ${retentionDays}-day retention${hint}`,
    };
  }
  return { ok: true, epochMs };
}

function parseEpochMs(value: unknown): TimestampResult {
  if (typeof value !== 'number') {
    return badTimestamp(`expected an ISO-8601 string or epoch milliseconds, got ${typeOf(value)}`);
  }
  if (!Number.isFinite(value) || value < 0 || value > MAX_EPOCH_MS) {
    return badTimestamp('epoch milliseconds out of range');
  }
  return { ok: true, epochMs: Math.round(value) };
}

export function parseIsoTimestamp(text: string): TimestampResult {
  const match = ISO_TIMESTAMP.exec(text);
  if (!match) return badTimestamp('not ISO-8601 with an offset, e.g. 2026-03-29T01:30:00+01:00');
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHour, offsetMinute] =
    match;
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
    offsetHour: Number(offsetHour ?? 0),
    offsetMinute: Number(offsetMinute ?? 0),
  };
  if (!fieldsInRange(fields)) return badTimestamp('no such date or time');

  // setUTCFullYear rather than Date.UTC, which reads years 0–99 as 1900–1999.
  const instant = new Date(0);
  instant.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  instant.setUTCHours(fields.hour, fields.minute, fields.second, roundedMilliseconds(fraction));
  const offsetMinutes = zulu
    ? 0
    : (fields.offsetHour * 60 + fields.offsetMinute) * (sign === '-' ? -1 : 1);
  return { ok: true, epochMs: instant.getTime() - offsetMinutes * 60_000 };
}

interface TimestampFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetHour: number;
  offsetMinute: number;
}

function fieldsInRange(fields: TimestampFields): boolean {
  return (
    fields.month >= 1 &&
    fields.month <= 12 &&
    fields.day >= 1 &&
    fields.day <= daysInMonth(fields.year, fields.month) &&
    fields.hour <= 23 &&
    fields.minute <= 59 &&
    // A leap second (:60) has no representation in Postgres or JavaScript.
    fields.second <= 59 &&
    fields.offsetHour <= 23 &&
    fields.offsetMinute <= 59
  );
}

function daysInMonth(year: number, month: number): number {
  const instant = new Date(0);
  instant.setUTCFullYear(year, month, 0);
  return instant.getUTCDate();
}

/** Half-up on the fourth fractional digit: the digits after it cannot change the result. */
function roundedMilliseconds(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Math.round(Number(fraction.padEnd(4, '0').slice(0, 4)) / 10);
}

function badTimestamp(detail: string): TimestampResult {
  return { ok: false, reason: 'bad_timestamp', detail };
}

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
