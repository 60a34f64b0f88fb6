import { type RandomSource, standardNormal } from './random.js';

/**
 * Cloud cover as a mean-reverting random walk (an Ornstein–Uhlenbeck process): it drifts over
 * tens of minutes around the site's typical cover instead of jumping every step.
 */
export interface CloudModel {
  meanCloudiness: number;
  /** How fast cover returns to the mean, per hour. */
  reversionPerHour: number;
  /** Spread of the random drift, per square-root hour. */
  volatilityPerSqrtHour: number;
}

export const temperateClouds: CloudModel = {
  meanCloudiness: 0.35,
  reversionPerHour: 0.6,
  volatilityPerSqrtHour: 0.25,
};

export function nextCloudiness(
  model: CloudModel,
  cloudiness: number,
  dtSeconds: number,
  random: RandomSource,
): number {
  const hours = dtSeconds / 3_600;
  const drift = model.reversionPerHour * (model.meanCloudiness - cloudiness) * hours;
  const shock = model.volatilityPerSqrtHour * Math.sqrt(hours) * standardNormal(random);
  return Math.min(1, Math.max(0, cloudiness + drift + shock));
}
