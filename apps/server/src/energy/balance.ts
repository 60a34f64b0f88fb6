/**
 * The energy balance of a site over one interval, from the energy of each role (all kWh, ≥ 0).
 *
 * Consumption is what the site's loads used: production + grid import − grid export + battery
 * discharge − battery charge (OpenEMS: consumption = production + grid + battery). It is not
 * clamped: a negative value means the meters disagree, which `consumptionImbalance` reports.
 *
 * Self-consumption ratio = (production − export) / production: the share of the PV energy used on
 * site, including what was stored in the battery. Self-sufficiency = (consumption − import) /
 * consumption: the share of the demand not bought from the grid. Both are clamped to [0, 1]
 * (export can exceed production when a grid-charged battery exports) and are 0 when their
 * denominator is 0, so an empty interval never shows a perfect score.
 *
 * CO2 avoided uses the production-displacement definition: every kWh produced, used on site or
 * exported, replaces one kWh the grid would have generated at the grid's average intensity.
 * It is simple, needs no battery accounting, and is how most PV reports state it.
 */

export interface SiteEnergies {
  productionKwh: number;
  gridImportKwh: number;
  gridExportKwh: number;
  batteryChargeKwh: number;
  batteryDischargeKwh: number;
}

export interface SiteBalance extends SiteEnergies {
  consumptionKwh: number;
  /** Production not exported, clamped to [0, production]. */
  selfConsumedKwh: number;
  selfConsumptionRatio: number;
  selfSufficiencyRatio: number;
  co2AvoidedKg: number;
}

export interface BalanceOptions {
  /** Average CO2 intensity of the grid the site is connected to, grams per kWh. */
  gridCo2GramsPerKwh: number;
}

export interface ConsumptionImbalance {
  /** computed − measured, kWh. */
  differenceKwh: number;
  /** |computed − measured| / measured; 0 when both are 0, Infinity when only measured is. */
  relativeError: number;
  withinTolerance: boolean;
}

/** Class 1 meters are ±1 % each and a balance combines three to five of them. */
export const DEFAULT_IMBALANCE_TOLERANCE = 0.05;

const SITE_ENERGY_ROLES = [
  'productionKwh',
  'gridImportKwh',
  'gridExportKwh',
  'batteryChargeKwh',
  'batteryDischargeKwh',
] as const satisfies readonly (keyof SiteEnergies)[];

export const NO_SITE_ENERGY: SiteEnergies = {
  productionKwh: 0,
  gridImportKwh: 0,
  gridExportKwh: 0,
  batteryChargeKwh: 0,
  batteryDischargeKwh: 0,
};

export function consumptionKwh(energies: SiteEnergies): number {
  return (
    energies.productionKwh +
    energies.gridImportKwh -
    energies.gridExportKwh +
    energies.batteryDischargeKwh -
    energies.batteryChargeKwh
  );
}

export function siteBalance(energies: SiteEnergies, options: BalanceOptions): SiteBalance {
  assertEnergies(energies);
  if (!(options.gridCo2GramsPerKwh >= 0)) throw new RangeError('gridCo2GramsPerKwh must be ≥ 0');
  const consumption = consumptionKwh(energies);
  const production = energies.productionKwh;
  const selfConsumedKwh = clamp(production - energies.gridExportKwh, 0, production);
  return {
    ...energies,
    consumptionKwh: consumption,
    selfConsumedKwh,
    selfConsumptionRatio: ratio(production - energies.gridExportKwh, production),
    selfSufficiencyRatio: ratio(consumption - energies.gridImportKwh, consumption),
    co2AvoidedKg: (production * options.gridCo2GramsPerKwh) / 1000,
  };
}

/** Adds up intervals (e.g. the days of a month); ratios must be recomputed from the sum. */
export function sumSiteEnergies(list: readonly SiteEnergies[]): SiteEnergies {
  return list.reduce(
    (total, energies) => ({
      productionKwh: total.productionKwh + energies.productionKwh,
      gridImportKwh: total.gridImportKwh + energies.gridImportKwh,
      gridExportKwh: total.gridExportKwh + energies.gridExportKwh,
      batteryChargeKwh: total.batteryChargeKwh + energies.batteryChargeKwh,
      batteryDischargeKwh: total.batteryDischargeKwh + energies.batteryDischargeKwh,
    }),
    NO_SITE_ENERGY,
  );
}

/** Compares a load meter's reading with the consumption computed from the other meters. */
export function consumptionImbalance(
  measuredConsumptionKwh: number,
  computedConsumptionKwh: number,
  tolerance = DEFAULT_IMBALANCE_TOLERANCE,
): ConsumptionImbalance {
  const differenceKwh = computedConsumptionKwh - measuredConsumptionKwh;
  const relativeError =
    differenceKwh === 0
      ? 0
      : measuredConsumptionKwh === 0
        ? Number.POSITIVE_INFINITY
        : Math.abs(differenceKwh) / Math.abs(measuredConsumptionKwh);
  return { differenceKwh, relativeError, withinTolerance: relativeError <= tolerance };
}

function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? clamp(numerator / denominator, 0, 1) : 0;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function assertEnergies(energies: SiteEnergies): void {
  for (const role of SITE_ENERGY_ROLES) {
    const energyKwh = energies[role];
    if (!(Number.isFinite(energyKwh) && energyKwh >= 0)) {
      throw new RangeError(`${role} must be a finite number ≥ 0, got ${String(energyKwh)}`);
    }
  }
}
