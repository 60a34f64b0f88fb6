import type { SiteEnergy } from '@ecogrid/contracts';
import { DAY_MS, type TimeRange } from '../ui/time';

export type EnergyResolution = '15m' | '1h' | '1d';

/** One day in quarter hours, a few days in hours, longer ranges in days. */
export function energyResolution(range: Pick<TimeRange, 'from' | 'to'>): EnergyResolution {
  const span = range.to - range.from;
  // A DST day is 25 hours: still one day.
  if (span <= DAY_MS + 3_600_000) return '15m';
  if (span <= 3 * DAY_MS + 3_600_000) return '1h';
  return '1d';
}

/** The energy series as chart columns (bucket starts in epoch seconds). */
export function energyColumns(energy: Pick<SiteEnergy, 'series'>) {
  const series = energy.series;
  return {
    timestamps: series.map((bucket) => Date.parse(bucket.start) / 1000),
    production: series.map((bucket) => bucket.productionKwh),
    consumption: series.map((bucket) => bucket.consumptionKwh),
    gridImport: series.map((bucket) => bucket.gridImportKwh),
    gridExport: series.map((bucket) => bucket.gridExportKwh),
  };
}

/** Whether clicking a bucket of this view opens its day: only daily bars drill down. */
export function canDrillDown(resolution: EnergyResolution): boolean {
  return resolution === '1d';
}
