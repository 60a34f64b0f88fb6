/**
 * Calendar arithmetic in an IANA timezone (a site's, or the user's): "today" and "a day" follow the
 * zone, so a DST day is 23 or 25 hours long.
 */

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function partsOf(instant: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

/** The zone's offset from UTC at `instant`, in milliseconds (Berlin in summer: +7,200,000). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = partsOf(instant, timeZone);
  const asUtc = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

export function localDateOf(instant: number, timeZone: string): LocalDate {
  const { year, month, day } = partsOf(instant, timeZone);
  return { year, month, day };
}

/** The instant the local day `date` (+ `addDays`) starts in the zone. */
export function startOfLocalDay(date: LocalDate, timeZone: string, addDays = 0): number {
  const wallClock = Date.UTC(date.year, date.month - 1, date.day + addDays);
  // The offset at the guess may differ from the offset at midnight (DST): correct twice.
  let instant = wallClock - zoneOffsetMs(wallClock, timeZone);
  instant = wallClock - zoneOffsetMs(instant, timeZone);
  return instant;
}

/** YYYY-MM-DD of the local day containing `instant`. */
export function isoDateIn(instant: number, timeZone: string): string {
  const { year, month, day } = localDateOf(instant, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function parseIsoDate(value: string): LocalDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { year, month, day };
}

export type RangePreset = 'today' | '7d' | '30d' | 'day' | 'custom';

export interface TimeRange {
  preset: RangePreset;
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
}

/** Today, or the last 7 / 30 local days including today. */
export function presetRange(
  preset: 'today' | '7d' | '30d',
  now: number,
  timeZone: string,
): TimeRange {
  const today = localDateOf(now, timeZone);
  const days = preset === 'today' ? 1 : preset === '7d' ? 7 : 30;
  return {
    preset,
    from: startOfLocalDay(today, timeZone, 1 - days),
    to: startOfLocalDay(today, timeZone, 1),
  };
}

/** One local day, e.g. the day clicked in a daily chart. */
export function dayRange(instant: number, timeZone: string): TimeRange {
  const date = localDateOf(instant, timeZone);
  return {
    preset: 'day',
    from: startOfLocalDay(date, timeZone),
    to: startOfLocalDay(date, timeZone, 1),
  };
}

/** From the first to the last local day, both included; null when either is not a date or out of order. */
export function customRange(fromDate: string, toDate: string, timeZone: string): TimeRange | null {
  const first = parseIsoDate(fromDate);
  const last = parseIsoDate(toDate);
  if (!first || !last) return null;
  const from = startOfLocalDay(first, timeZone);
  const to = startOfLocalDay(last, timeZone, 1);
  if (!(from < to)) return null;
  return { preset: 'custom', from, to };
}

export const DAY_MS = 86_400_000;
