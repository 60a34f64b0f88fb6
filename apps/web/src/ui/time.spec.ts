import { describe, expect, it } from 'vitest';
import { energyResolution } from '../sites/energy-history';
import { customRange, dayRange, isoDateIn, presetRange, startOfLocalDay } from './time';

describe('local days', () => {
  it('starts a Berlin day at 23:00 or 22:00 UTC depending on the season', () => {
    expect(
      new Date(startOfLocalDay({ year: 2026, month: 1, day: 15 }, 'Europe/Berlin')).toISOString(),
    ).toBe('2026-01-14T23:00:00.000Z');
    expect(
      new Date(startOfLocalDay({ year: 2026, month: 7, day: 15 }, 'Europe/Berlin')).toISOString(),
    ).toBe('2026-07-14T22:00:00.000Z');
  });

  it('makes the spring-forward day 23 hours long', () => {
    const day = dayRange(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Berlin');
    expect((day.to - day.from) / 3_600_000).toBe(23);
    expect(energyResolution(day)).toBe('15m');
  });

  it('counts "7 days" as the last seven local days including today', () => {
    const now = Date.parse('2026-05-10T10:00:00Z');
    const range = presetRange('7d', now, 'UTC');
    expect(new Date(range.from).toISOString()).toBe('2026-05-04T00:00:00.000Z');
    expect(new Date(range.to).toISOString()).toBe('2026-05-11T00:00:00.000Z');
    expect(energyResolution(range)).toBe('1d');
  });

  it('includes both ends of a custom range and refuses one out of order', () => {
    const range = customRange('2026-05-01', '2026-05-02', 'UTC')!;
    expect((range.to - range.from) / 86_400_000).toBe(2);
    expect(energyResolution(range)).toBe('1h');
    expect(customRange('2026-05-03', '2026-05-01', 'UTC')).toBeNull();
    expect(customRange('yesterday', '2026-05-01', 'UTC')).toBeNull();
  });

  it('names the local date of an instant', () => {
    expect(isoDateIn(Date.parse('2026-05-10T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-05-11');
  });
});
