/*
 * Solar position after the NOAA general solar position equations (Spencer's Fourier series for
 * the equation of time and the declination). Accurate to a fraction of a degree, which is far
 * below what cloud noise does to PV output. Atmospheric refraction is ignored: it only matters
 * within a degree of the horizon, where PV output is negligible anyway.
 */

const DEGREES_PER_RADIAN = 180 / Math.PI;
const MINUTES_PER_DAY = 1_440;

interface SolarDayTerms {
  equationOfTimeMinutes: number;
  declinationRadians: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function utcDayOfYear(at: Date): number {
  const startOfYear = Date.UTC(at.getUTCFullYear(), 0, 1);
  const startOfDay = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return (startOfDay - startOfYear) / 86_400_000 + 1;
}

function utcMinutesOfDay(at: Date): number {
  return (
    at.getUTCHours() * 60 +
    at.getUTCMinutes() +
    at.getUTCSeconds() / 60 +
    at.getUTCMilliseconds() / 60_000
  );
}

function solarDayTerms(at: Date): SolarDayTerms {
  const daysInYear = isLeapYear(at.getUTCFullYear()) ? 366 : 365;
  const fractionalYear =
    ((2 * Math.PI) / daysInYear) * (utcDayOfYear(at) - 1 + (utcMinutesOfDay(at) / 60 - 12) / 24);

  const equationOfTimeMinutes =
    229.18 *
    (0.000075 +
      0.001868 * Math.cos(fractionalYear) -
      0.032077 * Math.sin(fractionalYear) -
      0.014615 * Math.cos(2 * fractionalYear) -
      0.040849 * Math.sin(2 * fractionalYear));

  const declinationRadians =
    0.006918 -
    0.399912 * Math.cos(fractionalYear) +
    0.070257 * Math.sin(fractionalYear) -
    0.006758 * Math.cos(2 * fractionalYear) +
    0.000907 * Math.sin(2 * fractionalYear) -
    0.002697 * Math.cos(3 * fractionalYear) +
    0.00148 * Math.sin(3 * fractionalYear);

  return { equationOfTimeMinutes, declinationRadians };
}

/** Angle of the sun above the horizon in degrees (negative at night). Longitude is east-positive. */
export function solarElevationDeg(latitudeDeg: number, longitudeDeg: number, at: Date): number {
  const { equationOfTimeMinutes, declinationRadians } = solarDayTerms(at);
  const trueSolarMinutes = utcMinutesOfDay(at) + equationOfTimeMinutes + 4 * longitudeDeg;
  const hourAngleRadians = (trueSolarMinutes / 4 - 180) / DEGREES_PER_RADIAN;
  const latitudeRadians = latitudeDeg / DEGREES_PER_RADIAN;

  const cosineOfZenith =
    Math.sin(latitudeRadians) * Math.sin(declinationRadians) +
    Math.cos(latitudeRadians) * Math.cos(declinationRadians) * Math.cos(hourAngleRadians);
  const zenithDeg = Math.acos(Math.min(1, Math.max(-1, cosineOfZenith))) * DEGREES_PER_RADIAN;
  return 90 - zenithDeg;
}

/** The UTC instant of solar noon (sun highest) on the UTC calendar day of `day`. */
export function solarNoonUtc(longitudeDeg: number, day: Date): Date {
  const midnightUtc = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  // The equation of time barely moves within a day: evaluate it at a first guess, then refine once.
  let noonMinutes = MINUTES_PER_DAY / 2 - 4 * longitudeDeg;
  for (let iteration = 0; iteration < 2; iteration += 1) {
    const { equationOfTimeMinutes } = solarDayTerms(new Date(midnightUtc + noonMinutes * 60_000));
    noonMinutes = MINUTES_PER_DAY / 2 - 4 * longitudeDeg - equationOfTimeMinutes;
  }
  return new Date(midnightUtc + noonMinutes * 60_000);
}
