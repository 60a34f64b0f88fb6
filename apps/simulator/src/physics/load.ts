import { type RandomSource, standardNormal } from './random.js';

/**
 * A household's demand: a constant base (fridge, standby) plus a morning and a larger evening
 * peak, each a bell around its hour. Multiplicative noise stands in for kettles and ovens.
 */
export interface HouseholdProfile {
  baseLoadKw: number;
  morningPeakKw: number;
  morningPeakHour: number;
  eveningPeakKw: number;
  eveningPeakHour: number;
  /** Standard deviation of the noise as a share of the mean, e.g. 0.15. */
  noiseShare: number;
}

export const typicalHousehold: HouseholdProfile = {
  baseLoadKw: 0.3,
  morningPeakKw: 1.2,
  morningPeakHour: 7.5,
  eveningPeakKw: 2.2,
  eveningPeakHour: 19,
  noiseShare: 0.15,
};

const MORNING_PEAK_WIDTH_HOURS = 1.2;
const EVENING_PEAK_WIDTH_HOURS = 2;
/** Nothing real goes below its standby draw: noise may not cut the load under this share of base. */
const MINIMUM_SHARE_OF_BASE = 0.5;

/** Distance between two hours of the day going the short way round midnight. */
function hoursApart(hour: number, otherHour: number): number {
  const difference = Math.abs(hour - otherHour) % 24;
  return Math.min(difference, 24 - difference);
}

function bell(hour: number, peakHour: number, widthHours: number): number {
  const distance = hoursApart(hour, peakHour) / widthHours;
  return Math.exp(-0.5 * distance * distance);
}

/** The expected load at a local hour (0 ≤ hour < 24, fractional), without noise. */
export function meanHouseholdLoadKw(localHour: number, profile: HouseholdProfile): number {
  return (
    profile.baseLoadKw +
    profile.morningPeakKw * bell(localHour, profile.morningPeakHour, MORNING_PEAK_WIDTH_HOURS) +
    profile.eveningPeakKw * bell(localHour, profile.eveningPeakHour, EVENING_PEAK_WIDTH_HOURS)
  );
}

export function householdLoadKw(
  localHour: number,
  profile: HouseholdProfile,
  random: RandomSource,
): number {
  const mean = meanHouseholdLoadKw(localHour, profile);
  const noisy = mean * (1 + profile.noiseShare * standardNormal(random));
  return Math.max(profile.baseLoadKw * MINIMUM_SHARE_OF_BASE, noisy);
}

const localTimeFormatters = new Map<string, Intl.DateTimeFormat>();

function localTimeFormatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = localTimeFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    localTimeFormatters.set(timeZone, formatter);
  }
  return formatter;
}

const ISO_WEEKDAYS: Record<string, number> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

export interface LocalTime {
  /** Fractional wall-clock hour, 0 ≤ hour < 24. */
  hour: number;
  /** ISO weekday: 1 Monday … 7 Sunday. */
  isoWeekday: number;
}

/** Wall-clock hour and weekday at `at` in an IANA time zone, DST included. */
export function localTimeOf(at: Date, timeZone: string): LocalTime {
  let hour = 0;
  let minute = 0;
  let second = 0;
  let isoWeekday = 1;
  for (const part of localTimeFormatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'second') second = Number(part.value);
    else if (part.type === 'weekday') isoWeekday = ISO_WEEKDAYS[part.value] ?? 1;
  }
  return { hour: hour + minute / 60 + second / 3_600, isoWeekday };
}

/** Fractional wall-clock hour at `at` in an IANA time zone, DST included (e.g. 7.5 for 07:30). */
export function localHourOf(at: Date, timeZone: string): number {
  return localTimeOf(at, timeZone).hour;
}
