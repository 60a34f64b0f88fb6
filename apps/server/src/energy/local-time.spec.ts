import { describe, expect, it } from 'vitest';
import {
  HOUR_MS,
  bucketEdges,
  isValidTimeZone,
  localDate,
  localDays,
  rangesBetweenEdges,
  startOfLocalDay,
  startOfLocalMonth,
  timeZoneSchema,
} from './local-time.js';

const BERLIN = 'Europe/Berlin';
const utc = (iso: string): number => new Date(iso).getTime();

describe('local days and months', () => {
  it('starts the Berlin day at local midnight, in winter and in summer', () => {
    expect(startOfLocalDay(new Date('2026-01-15T12:00:00Z'), BERLIN)).toBe(
      utc('2026-01-14T23:00:00Z'),
    );
    expect(startOfLocalDay(utc('2026-07-15T12:00:00Z'), BERLIN)).toBe(utc('2026-07-14T22:00:00Z'));
  });

  it('puts an instant just after local midnight in the new local day, not the UTC day', () => {
    // 23:30 UTC on 31 December is 00:30 on 1 January in Berlin.
    expect(localDate(utc('2025-12-31T23:30:00Z'), BERLIN)).toBe('2026-01-01');
    expect(startOfLocalMonth(utc('2025-12-31T23:30:00Z'), BERLIN)).toBe(
      utc('2025-12-31T23:00:00Z'),
    );
  });

  it('starts a month that begins in winter time at the winter offset', () => {
    expect(startOfLocalMonth(utc('2026-04-15T10:00:00Z'), BERLIN)).toBe(
      utc('2026-03-31T22:00:00Z'),
    );
  });

  it('makes 2026-03-29 in Berlin 23 hours long and 2026-10-25 25 hours long', () => {
    const [springDay] = localDays(
      { start: utc('2026-03-29T10:00:00Z'), end: utc('2026-03-29T11:00:00Z') },
      BERLIN,
    );
    const [autumnDay] = localDays(
      { start: utc('2026-10-25T10:00:00Z'), end: utc('2026-10-25T11:00:00Z') },
      BERLIN,
    );
    expect(springDay).toEqual({
      start: utc('2026-03-28T23:00:00Z'),
      end: utc('2026-03-29T22:00:00Z'),
    });
    expect(springDay!.end - springDay!.start).toBe(23 * HOUR_MS);
    expect(autumnDay).toEqual({
      start: utc('2026-10-24T22:00:00Z'),
      end: utc('2026-10-25T23:00:00Z'),
    });
    expect(autumnDay!.end - autumnDay!.start).toBe(25 * HOUR_MS);
  });

  it('covers a range across both switches with contiguous local days of the right lengths', () => {
    const days = localDays(
      { start: utc('2026-03-28T12:00:00Z'), end: utc('2026-10-26T12:00:00Z') },
      BERLIN,
    );
    const hoursByDate = new Map(
      days.map((day) => [localDate(day.start, BERLIN), (day.end - day.start) / HOUR_MS]),
    );
    expect(days).toHaveLength(213);
    expect(hoursByDate.get('2026-03-28')).toBe(24);
    expect(hoursByDate.get('2026-03-29')).toBe(23);
    expect(hoursByDate.get('2026-10-25')).toBe(25);
    expect(hoursByDate.get('2026-10-26')).toBe(24);
    days.slice(1).forEach((day, index) => expect(day.start).toBe(days[index]!.end));
    // Nothing lost, nothing counted twice: the days add up to the wall-clock span.
    const totalHours = (days[days.length - 1]!.end - days[0]!.start) / HOUR_MS;
    expect(totalHours).toBe(213 * 24);
  });

  it('starts the day at 01:00 where DST removes midnight (Havana)', () => {
    expect(startOfLocalDay(utc('2026-03-08T16:00:00Z'), 'America/Havana')).toBe(
      utc('2026-03-08T05:00:00Z'),
    );
  });
});

describe('bucket edges', () => {
  it('aligns 15-minute and hourly buckets to UTC and covers the whole range', () => {
    const range = { start: utc('2026-01-01T10:07:00Z'), end: utc('2026-01-01T10:50:00Z') };
    expect(bucketEdges(range, '15m', BERLIN)).toEqual([
      utc('2026-01-01T10:00:00Z'),
      utc('2026-01-01T10:15:00Z'),
      utc('2026-01-01T10:30:00Z'),
      utc('2026-01-01T10:45:00Z'),
      utc('2026-01-01T11:00:00Z'),
    ]);
    expect(bucketEdges(range, '1h', BERLIN)).toEqual([
      utc('2026-01-01T10:00:00Z'),
      utc('2026-01-01T11:00:00Z'),
    ]);
  });

  it('does not add an empty bucket when the range ends on an edge', () => {
    const range = { start: utc('2026-01-01T10:00:00Z'), end: utc('2026-01-01T12:00:00Z') };
    expect(rangesBetweenEdges(bucketEdges(range, '1h', BERLIN))).toHaveLength(2);
    expect(bucketEdges({ start: range.start, end: range.start }, '1h', BERLIN)).toEqual([]);
  });

  it('gives daily buckets of 23 h and 25 h across the Berlin DST switches', () => {
    const spring = rangesBetweenEdges(
      bucketEdges(
        { start: utc('2026-03-28T00:00:00Z'), end: utc('2026-03-30T12:00:00Z') },
        '1d',
        BERLIN,
      ),
    );
    expect(spring.map((bucket) => (bucket.end - bucket.start) / HOUR_MS)).toEqual([24, 23, 24]);
    const autumn = rangesBetweenEdges(
      bucketEdges(
        { start: utc('2026-10-24T00:00:00Z'), end: utc('2026-10-26T12:00:00Z') },
        '1d',
        BERLIN,
      ),
    );
    expect(autumn.map((bucket) => (bucket.end - bucket.start) / HOUR_MS)).toEqual([24, 25, 24]);
  });

  it('counts 92 quarter-hours on the spring day and 100 on the autumn day', () => {
    const springDay = localDays(
      { start: utc('2026-03-29T12:00:00Z'), end: utc('2026-03-29T12:00:01Z') },
      BERLIN,
    )[0]!;
    const autumnDay = localDays(
      { start: utc('2026-10-25T12:00:00Z'), end: utc('2026-10-25T12:00:01Z') },
      BERLIN,
    )[0]!;
    expect(rangesBetweenEdges(bucketEdges(springDay, '15m', BERLIN))).toHaveLength(92);
    expect(rangesBetweenEdges(bucketEdges(autumnDay, '15m', BERLIN))).toHaveLength(100);
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => bucketEdges({ start: 10, end: 5 }, '1h', BERLIN)).toThrow(RangeError);
  });
});

describe('time zone names', () => {
  it('accepts IANA names and refuses offsets, abbreviations and unknown zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('+01:00')).toBe(false);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone(`Europe/${'x'.repeat(80)}`)).toBe(false);
  });

  it('names the expected format when the schema refuses a zone', () => {
    const result = timeZoneSchema.safeParse('Europe/Atlantis');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('an IANA timezone such as Europe/Berlin');
  });

  it('throws instead of silently using UTC for an unknown zone', () => {
    expect(() => startOfLocalDay(0, 'Europe/Atlantis')).toThrow(/not an IANA timezone/);
  });
});
