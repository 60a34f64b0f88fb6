import { type RandomSource, standardNormal } from './random.js';

/*
 * Outdoor air temperature: a seasonal cycle set by latitude, a daily cycle in local solar time
 * that clouds flatten, and a slowly wandering weather anomaly (warm and cold spells). Coarse — no
 * oceans, altitude or fronts — but it gives a heat pump in Madrid and one in Copenhagen the winter
 * and summer they should have.
 */

export interface Climate {
  annualMeanC: number;
  /** Half the difference between the warmest and the coldest time of the year. */
  annualAmplitudeC: number;
  /** Half the difference between the afternoon maximum and the night minimum on a clear day. */
  diurnalAmplitudeC: number;
  /** Day of the year of the warmest weather, some four weeks after the summer solstice. */
  warmestDayOfYear: number;
}

/** A plausible continental climate for a latitude: Berlin ≈ 10 °C mean, −0 °C January, 20 °C July. */
export function climateAt(latitudeDeg: number): Climate {
  const absoluteLatitude = Math.min(90, Math.abs(latitudeDeg));
  return {
    annualMeanC: 28 - 0.35 * absoluteLatitude,
    annualAmplitudeC: 2 + 0.15 * absoluteLatitude,
    diurnalAmplitudeC: 5,
    // The seasons are mirrored south of the equator.
    warmestDayOfYear: latitudeDeg >= 0 ? 201 : 18,
  };
}

/** The weather's deviation from the climate: standard deviation and how fast it fades. */
export interface TemperatureAnomalyModel {
  standardDeviationC: number;
  reversionPerHour: number;
}

export const typicalAnomaly: TemperatureAnomalyModel = {
  standardDeviationC: 3,
  // Warm and cold spells last a couple of days.
  reversionPerHour: 1 / 48,
};

const MS_PER_DAY = 86_400_000;
const DAYS_PER_YEAR = 365.25;
/** The daily maximum comes mid-afternoon, about three hours after solar noon. */
const WARMEST_SOLAR_HOUR = 15;
/** A fully overcast sky keeps days cooler and nights warmer: this share of the daily swing goes. */
const OVERCAST_DAMPING = 0.6;

function dayOfYear(at: Date): number {
  return (at.getTime() - Date.UTC(at.getUTCFullYear(), 0, 1)) / MS_PER_DAY + 1;
}

/** Mean solar time at a longitude (east-positive), fractional hours 0 ≤ h < 24. */
export function solarHourOf(at: Date, longitudeDeg: number): number {
  const utcHours = (at.getTime() % MS_PER_DAY) / 3_600_000;
  return (((utcHours + longitudeDeg / 15) % 24) + 24) % 24;
}

/** The climate's temperature at an instant, without the weather anomaly. */
export function climateTemperatureC(
  climate: Climate,
  longitudeDeg: number,
  at: Date,
  cloudiness = 0,
): number {
  const seasonal =
    climate.annualMeanC +
    climate.annualAmplitudeC *
      Math.cos((2 * Math.PI * (dayOfYear(at) - climate.warmestDayOfYear)) / DAYS_PER_YEAR);
  const cover = Math.min(1, Math.max(0, cloudiness));
  const diurnal =
    climate.diurnalAmplitudeC *
    (1 - OVERCAST_DAMPING * cover) *
    Math.cos((2 * Math.PI * (solarHourOf(at, longitudeDeg) - WARMEST_SOLAR_HOUR)) / 24);
  return seasonal + diurnal;
}

/**
 * The next value of the weather anomaly, an Ornstein–Uhlenbeck process sampled exactly, so a step
 * of an hour (a fast simulation) is as well-behaved as a step of a second.
 */
export function nextTemperatureAnomalyC(
  model: TemperatureAnomalyModel,
  anomalyC: number,
  dtSeconds: number,
  random: RandomSource,
): number {
  const decay = Math.exp((-model.reversionPerHour * dtSeconds) / 3_600);
  const spread = model.standardDeviationC * Math.sqrt(1 - decay * decay);
  return anomalyC * decay + spread * standardNormal(random);
}
