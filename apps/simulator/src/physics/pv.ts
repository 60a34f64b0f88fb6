/*
 * Clear-sky PV output for a roughly horizontal array:
 *   air mass      Kasten & Young (1989), valid down to the horizon;
 *   direct beam   Meinel & Meinel (1976): 1353 W/m² · 0.7^(AM^0.678);
 *   global        direct on the horizontal plane plus ~10 % diffuse;
 *   clouds        Kasten & Czeplak (1980): G = G_clear · (1 − 0.75 · C^3.4), C the cloud cover 0..1.
 * Good enough to give every site a believable bell curve; no tilt, temperature or shading model.
 */

const SOLAR_CONSTANT_W_PER_M2 = 1_353;
const DIFFUSE_SHARE = 0.1;
/** The irradiance at which a module delivers its rated (peak) power: standard test conditions. */
const STANDARD_TEST_IRRADIANCE_W_PER_M2 = 1_000;

export interface PvArraySpec {
  ratedKwp: number;
  /** Losses from temperature, wiring, soiling and the inverter; 0.75–0.85 is typical. */
  performanceRatio: number;
  /** The inverter's AC limit; defaults to the array rating. */
  inverterLimitKw?: number;
}

export function relativeAirMass(elevationDeg: number): number {
  const zenithDeg = 90 - elevationDeg;
  const zenithRadians = (zenithDeg * Math.PI) / 180;
  return 1 / (Math.cos(zenithRadians) + 0.50572 * Math.pow(96.07995 - zenithDeg, -1.6364));
}

/** Global horizontal irradiance under a clear sky, W/m². Zero when the sun is below the horizon. */
export function clearSkyIrradiance(elevationDeg: number): number {
  if (elevationDeg <= 0) return 0;
  const directNormal =
    SOLAR_CONSTANT_W_PER_M2 * Math.pow(0.7, Math.pow(relativeAirMass(elevationDeg), 0.678));
  const directHorizontal = directNormal * Math.sin((elevationDeg * Math.PI) / 180);
  return directHorizontal * (1 + DIFFUSE_SHARE);
}

/** Share of clear-sky irradiance that reaches the ground under the given cloud cover (0..1). */
export function cloudTransmittance(cloudiness: number): number {
  const cover = Math.min(1, Math.max(0, cloudiness));
  return 1 - 0.75 * Math.pow(cover, 3.4);
}

/** AC output in kW (≥ 0, as production is by convention). */
export function pvOutputKw(array: PvArraySpec, elevationDeg: number, cloudiness = 0): number {
  const irradiance = clearSkyIrradiance(elevationDeg) * cloudTransmittance(cloudiness);
  const dcKw =
    array.ratedKwp * (irradiance / STANDARD_TEST_IRRADIANCE_W_PER_M2) * array.performanceRatio;
  return Math.min(dcKw, array.inverterLimitKw ?? array.ratedKwp);
}
