import { type RandomSource, standardNormal } from './random.js';

/*
 * An office or shop: a base load around the clock (ventilation, servers, refrigeration, standby)
 * and, on working days, lighting, IT and air handling while people are in. Occupancy ramps up
 * before opening, dips a little over lunch and ramps down after closing; Saturdays see a fraction
 * of a weekday, Sundays only the base load. Public holidays are not modelled.
 */

export interface CommercialLoadProfile {
  /** Nights and Sundays, kW. */
  baseLoadKw: number;
  /** A working day at full occupancy, kW. */
  peakLoadKw: number;
  /** Local opening and closing hours. */
  openHour: number;
  closeHour: number;
  /** Saturday occupancy as a share of a weekday's. */
  saturdayShare: number;
  /** Standard deviation of the noise as a share of the mean. */
  noiseShare: number;
}

export const typicalOffice: CommercialLoadProfile = {
  baseLoadKw: 6,
  peakLoadKw: 25,
  openHour: 8,
  closeHour: 18,
  saturdayShare: 0.3,
  noiseShare: 0.05,
};

const RAMP_HOURS = 0.5;
const LUNCH_HOUR = 12.75;
const LUNCH_DIP = 0.12;

function logistic(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** Share of the working-day load in use at a local hour of a working day, 0..1. */
export function officeOccupancy(localHour: number, openHour: number, closeHour: number): number {
  const arriving = logistic((localHour - (openHour - 0.75)) / RAMP_HOURS);
  const leaving = logistic((closeHour + 0.75 - localHour) / RAMP_HOURS);
  const lunch = 1 - LUNCH_DIP * Math.exp(-0.5 * ((localHour - LUNCH_HOUR) / 0.6) ** 2);
  return arriving * leaving * lunch;
}

/** How busy a day is: 1 Monday to Friday, `saturdayShare` on Saturday, 0 on Sunday (ISO 1..7). */
export function dayActivity(isoWeekday: number, saturdayShare: number): number {
  if (isoWeekday === 7) return 0;
  if (isoWeekday === 6) return saturdayShare;
  return 1;
}

/** The expected load at a local weekday and hour, without noise. */
export function meanCommercialLoadKw(
  profile: CommercialLoadProfile,
  isoWeekday: number,
  localHour: number,
): number {
  const activity =
    dayActivity(isoWeekday, profile.saturdayShare) *
    officeOccupancy(localHour, profile.openHour, profile.closeHour);
  return profile.baseLoadKw + Math.max(0, profile.peakLoadKw - profile.baseLoadKw) * activity;
}

export function commercialLoadKw(
  profile: CommercialLoadProfile,
  isoWeekday: number,
  localHour: number,
  random: RandomSource,
): number {
  const mean = meanCommercialLoadKw(profile, isoWeekday, localHour);
  // Refrigeration and servers never switch off: noise may not cut below 80 % of the base load.
  return Math.max(
    0.8 * profile.baseLoadKw,
    mean * (1 + profile.noiseShare * standardNormal(random)),
  );
}
