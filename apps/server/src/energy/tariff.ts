/**
 * Time-of-use tariffs: what imported energy costs and exported energy earns.
 *
 * Import is charged at the price of the period covering the site's local wall-clock time (ISO
 * weekday and hour), or at `importPricePerKwh` outside every period. Export earns the flat
 * `exportPricePerKwh`. Periods are whole local hours `[startHour, endHour)` on the listed days and
 * may not overlap; a period over midnight is written as two periods.
 *
 * DST needs no special case: the price of an instant is read from its local time, so on a
 * spring-forward day a 02:00–03:00 period simply gets no energy and on a fall-back day both
 * 02:00 hours are charged at its price.
 *
 * Splitting: every UTC offset in use is a multiple of 15 minutes, so local hours and DST switches
 * begin on UTC quarter-hours and the price is constant within one. An interval is cut at UTC
 * quarter-hours and its energy shared in proportion to time. Amounts are not rounded here:
 * rounding each interval would accumulate error, so round once when presenting.
 */
import type { Tariff } from '@ecogrid/contracts';
import { type Instant, QUARTER_HOUR_MS, localDateTime, toEpochMs } from './local-time.js';

export interface ImportPrice {
  pricePerKwh: number;
  /** `null` when no period applies and the default import price does. */
  periodName: string | null;
}

export interface MeteredInterval {
  start: Instant;
  end: Instant;
  importKwh: number;
  exportKwh: number;
}

export interface PeriodCost {
  periodName: string | null;
  importKwh: number;
  importCost: number;
}

export interface TariffCost {
  currency: string;
  importKwh: number;
  exportKwh: number;
  importCost: number;
  exportRevenue: number;
  /** importCost − exportRevenue. */
  netCost: number;
  /** One entry per period in tariff order, then the default price (`periodName: null`). */
  byPeriod: PeriodCost[];
}

export function importPriceAt(tariff: Tariff, instant: Instant, timeZone: string): ImportPrice {
  const local = localDateTime(instant, timeZone);
  const period = tariff.periods.find(
    (candidate) =>
      candidate.days.includes(local.weekday) &&
      local.hour >= candidate.startHour &&
      local.hour < candidate.endHour,
  );
  return period
    ? { pricePerKwh: period.pricePerKwh, periodName: period.name }
    : { pricePerKwh: tariff.importPricePerKwh, periodName: null };
}

export function tariffCost(
  tariff: Tariff,
  intervals: readonly MeteredInterval[],
  timeZone: string,
): TariffCost {
  const byPeriod = new Map<string | null, PeriodCost>(
    [...tariff.periods.map((period) => period.name), null].map((periodName) => [
      periodName,
      { periodName, importKwh: 0, importCost: 0 },
    ]),
  );
  let exportKwh = 0;
  for (const interval of intervals) {
    if (!(interval.importKwh >= 0 && interval.exportKwh >= 0)) {
      throw new RangeError('importKwh and exportKwh must be ≥ 0');
    }
    exportKwh += interval.exportKwh;
    for (const share of importShares(tariff, interval, timeZone)) {
      const periodCost = byPeriod.get(share.price.periodName)!;
      periodCost.importKwh += share.importKwh;
      periodCost.importCost += share.importKwh * share.price.pricePerKwh;
    }
  }
  const periods = [...byPeriod.values()];
  const importCost = periods.reduce((total, period) => total + period.importCost, 0);
  const exportRevenue = exportKwh * tariff.exportPricePerKwh;
  return {
    currency: tariff.currency,
    importKwh: periods.reduce((total, period) => total + period.importKwh, 0),
    exportKwh,
    importCost,
    exportRevenue,
    netCost: importCost - exportRevenue,
    byPeriod: periods,
  };
}

interface ImportShare {
  price: ImportPrice;
  importKwh: number;
}

/** The interval's import cut at UTC quarter-hours; the last piece takes the rounding remainder. */
function importShares(tariff: Tariff, interval: MeteredInterval, timeZone: string): ImportShare[] {
  const start = toEpochMs(interval.start);
  const end = toEpochMs(interval.end);
  if (end < start) throw new RangeError('an interval ends before it starts');
  if (end === start) {
    return [{ price: importPriceAt(tariff, start, timeZone), importKwh: interval.importKwh }];
  }
  const shares: ImportShare[] = [];
  let assignedKwh = 0;
  for (let pieceStart = start; pieceStart < end;) {
    const pieceEnd = Math.min(
      end,
      (Math.floor(pieceStart / QUARTER_HOUR_MS) + 1) * QUARTER_HOUR_MS,
    );
    const importKwh =
      pieceEnd === end
        ? interval.importKwh - assignedKwh
        : (interval.importKwh * (pieceEnd - pieceStart)) / (end - start);
    assignedKwh += importKwh;
    shares.push({ price: importPriceAt(tariff, pieceStart, timeZone), importKwh });
    pieceStart = pieceEnd;
  }
  return shares;
}

/** The first day and hours two periods share, e.g. `Mon 17:00–18:00`, or undefined. */
