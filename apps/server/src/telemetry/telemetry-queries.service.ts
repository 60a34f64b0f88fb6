import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_TARIFF,
  tariffSchema,
  type EnergyQuery,
  type FleetSummary,
  type SiteEnergy,
  type TelemetryQuery,
  type TelemetrySeries,
} from '@ecogrid/contracts';
import { DateTime } from 'luxon';
import { csvLine } from '../common/csv.js';
import { NotFoundError } from '../common/errors.js';
import { tenantScopeOf, type Principal } from '../auth/principal.js';
import type { DataScope } from '../database/scope.js';
import { DevicesRepository } from '../devices/devices.repository.js';
import {
  NO_SITE_ENERGY,
  siteBalance,
  sumSiteEnergies,
  type SiteEnergies,
} from '../energy/balance.js';
import { tariffCost } from '../energy/tariff.js';
import { SitesRepository } from '../sites/sites.repository.js';
import {
  TelemetryQueriesRepository,
  type EnergyRow,
  type SeriesPoint,
  type Tier,
} from './telemetry-queries.repository.js';

/** `auto` picks the finest tier that keeps each series at about 2,000 points or fewer. */
export const MAX_POINTS_PER_SERIES = 2000;
const MAX_RAW_POINTS = 100_000;
const TIER_MS: Record<Exclude<Tier, '1d'>, number> = { '15m': 900_000, '1h': 3_600_000 };
const DAY_MS = 86_400_000;

@Injectable()
export class TelemetryQueriesService {
  constructor(
    @Inject(TelemetryQueriesRepository) private readonly queries: TelemetryQueriesRepository,
    @Inject(DevicesRepository) private readonly devices: DevicesRepository,
    @Inject(SitesRepository) private readonly sites: SitesRepository,
  ) {}

  async series(
    principal: Principal,
    deviceId: string,
    query: TelemetryQuery,
  ): Promise<TelemetrySeries> {
    await this.visibleDevice(principal, deviceId);
    const scope = tenantScopeOf(principal);
    const from = new Date(query.from);
    const to = new Date(query.to);
    const resolution =
      query.resolution === 'auto'
        ? await this.autoResolution(principal, deviceId, query.metrics, from, to)
        : query.resolution;
    let points: SeriesPoint[];
    let truncated = false;
    if (resolution === 'raw') {
      points = await this.queries.raw(scope, deviceId, query.metrics, from, to, MAX_RAW_POINTS + 1);
      truncated = points.length > MAX_RAW_POINTS;
      points = points.slice(0, MAX_RAW_POINTS);
    } else {
      points = await this.queries.rollup(scope, resolution, deviceId, query.metrics, from, to);
    }
    const byMetric = new Map<string, SeriesPoint[]>(query.metrics.map((metric) => [metric, []]));
    for (const point of points) byMetric.get(point.metric)?.push(point);
    return {
      deviceId,
      resolution,
      truncated,
      series: [...byMetric].map(([metric, metricPoints]) => ({
        metric,
        points: metricPoints.map(({ metric: _metric, ts, ...rest }) => ({
          ts: ts.toISOString(),
          ...rest,
        })),
      })),
    };
  }

  /** CSV lines of a device's telemetry: raw readings page by page (any size), or the rollups. */
  async *seriesCsv(
    principal: Principal,
    deviceId: string,
    query: TelemetryQuery,
  ): AsyncGenerator<string> {
    await this.visibleDevice(principal, deviceId);
    const from = new Date(query.from);
    const to = new Date(query.to);
    yield csvLine(['metric', 'ts', 'value', 'min', 'max', 'count', 'delta']);
    if (query.resolution === 'raw') {
      for await (const page of this.queries.rawPages(
        tenantScopeOf(principal),
        deviceId,
        query.metrics,
        from,
        to,
      )) {
        yield page.map((point) => csvLine([point.metric, point.ts, point.value])).join('');
      }
      return;
    }
    const series = await this.series(principal, deviceId, query);
    for (const { metric, points } of series.series) {
      yield points
        .map((point) =>
          csvLine([metric, point.ts, point.value, point.min, point.max, point.count, point.delta]),
        )
        .join('');
    }
  }

  async *siteEnergyCsv(
    principal: Principal,
    siteId: string,
    query: EnergyQuery,
  ): AsyncGenerator<string> {
    const energy = await this.siteEnergy(principal, siteId, query);
    const columns = [
      'start',
      'end',
      'productionKwh',
      'consumptionKwh',
      'gridImportKwh',
      'gridExportKwh',
      'batteryChargeKwh',
      'batteryDischargeKwh',
    ] as const;
    yield csvLine(columns);
    for (const bucket of energy.series) yield csvLine(columns.map((column) => bucket[column]));
  }

  async latest(principal: Principal, deviceId: string) {
    await this.visibleDevice(principal, deviceId);
    const values = await this.queries.latest(tenantScopeOf(principal), deviceId);
    return {
      deviceId,
      values: values.map((value) => ({
        metric: value.metric,
        ts: value.ts.toISOString(),
        value: value.value,
      })),
    };
  }

  async siteEnergy(principal: Principal, siteId: string, query: EnergyQuery): Promise<SiteEnergy> {
    const scope = tenantScopeOf(principal);
    const site = await this.sites.transaction(scope, (trx) =>
      this.sites.findById(trx, principal.tenantId!, siteId),
    );
    if (!site) throw new NotFoundError('site');
    const from = new Date(query.from);
    const to = new Date(query.to);
    const resolution: Tier =
      query.resolution ?? (to.getTime() - from.getTime() <= 7 * DAY_MS ? '1h' : '1d');
    const rows = await this.queries.siteEnergy(scope, resolution, siteId, from, to);
    const buckets = new Map<number, EnergyRow[]>();
    for (const row of rows) {
      const key = row.bucket.getTime();
      buckets.set(key, [...(buckets.get(key) ?? []), row]);
    }
    const series = [...buckets].map(([start, bucketRows]) => {
      const end = bucketEnd(start, resolution, site.timezone);
      const energies = energiesOf(bucketRows, (end - start) / 3_600_000);
      return { start, end, energies };
    });
    const totals = sumSiteEnergies(series.map((bucket) => bucket.energies));
    const balance = siteBalance(series.length ? totals : NO_SITE_ENERGY, {
      gridCo2GramsPerKwh: site.co2_factor_g_per_kwh,
    });
    const tariffParse = tariffSchema.safeParse(site.tariff);
    const tariff = tariffParse.success ? tariffParse.data : DEFAULT_TARIFF;
    const cost = tariffCost(
      tariff,
      series.map((bucket) => ({
        start: bucket.start,
        end: bucket.end,
        importKwh: bucket.energies.gridImportKwh,
        exportKwh: bucket.energies.gridExportKwh,
      })),
      site.timezone,
    );
    return {
      siteId,
      from: from.toISOString(),
      to: to.toISOString(),
      resolution,
      currency: tariff.currency,
      totals: {
        productionKwh: balance.productionKwh,
        consumptionKwh: balance.consumptionKwh,
        gridImportKwh: balance.gridImportKwh,
        gridExportKwh: balance.gridExportKwh,
        batteryChargeKwh: balance.batteryChargeKwh,
        batteryDischargeKwh: balance.batteryDischargeKwh,
        selfConsumptionRatio: balance.selfConsumptionRatio,
        selfSufficiencyRatio: balance.selfSufficiencyRatio,
        co2AvoidedKg: balance.co2AvoidedKg,
        importCost: cost.importCost,
        exportRevenue: cost.exportRevenue,
        netCost: cost.netCost,
      },
      series: series.map((bucket) => {
        const balanceOfBucket = siteBalance(bucket.energies, {
          gridCo2GramsPerKwh: site.co2_factor_g_per_kwh,
        });
        return {
          start: new Date(bucket.start).toISOString(),
          end: new Date(bucket.end).toISOString(),
          productionKwh: balanceOfBucket.productionKwh,
          consumptionKwh: balanceOfBucket.consumptionKwh,
          gridImportKwh: balanceOfBucket.gridImportKwh,
          gridExportKwh: balanceOfBucket.gridExportKwh,
          batteryChargeKwh: balanceOfBucket.batteryChargeKwh,
          batteryDischargeKwh: balanceOfBucket.batteryDischargeKwh,
        };
      }),
    };
  }

  fleetSummary(principal: Principal): Promise<FleetSummary> {
    return this.fleetSummaryOf(tenantScopeOf(principal));
  }

  /** The KPIs of a tenant (limited to some sites): REST and live fleet subscribers share it. */
  async fleetSummaryOf(scope: Exclude<DataScope, 'platform'>): Promise<FleetSummary> {
    const [capacity, live, today] = await Promise.all([
      this.queries.capacity(scope),
      this.queries.livePower(scope),
      this.queries.todayBySite(scope),
    ]);
    const sumOf = (type: string) =>
      live.filter((row) => row.type === type).reduce((total, row) => total + row.value, 0);
    const productionKw = Math.max(0, sumOf('pv_inverter'));
    const gridKw = sumOf('grid_meter');
    const batteryKw = sumOf('battery');
    let productionKwh = 0;
    let gridImportKwh = 0;
    let gridExportKwh = 0;
    let co2AvoidedKg = 0;
    const revenue = new Map<string, number>();
    for (const row of today) {
      const delta = row.delta ?? 0;
      if (row.type === 'pv_inverter' && row.metric === 'energy_kwh') {
        productionKwh += delta;
        co2AvoidedKg += (delta * row.co2_factor_g_per_kwh) / 1000;
      }
      if (row.type === 'grid_meter' && row.metric === 'import_kwh') gridImportKwh += delta;
      if (row.type === 'grid_meter' && row.metric === 'export_kwh') {
        gridExportKwh += delta;
        const tariff = tariffSchema.safeParse(row.tariff);
        const { currency, exportPricePerKwh } = tariff.success ? tariff.data : DEFAULT_TARIFF;
        revenue.set(currency, (revenue.get(currency) ?? 0) + delta * exportPricePerKwh);
      }
    }
    return {
      sites: capacity.sites,
      installedCapacityKw: capacity.capacityKw,
      live: { productionKw, gridKw, batteryKw, consumptionKw: productionKw + gridKw + batteryKw },
      today: {
        productionKwh,
        gridImportKwh,
        gridExportKwh,
        co2AvoidedKg,
        gridRevenue: [...revenue].map(([currency, amount]) => ({ currency, amount })),
      },
    };
  }

  private async autoResolution(
    principal: Principal,
    deviceId: string,
    metrics: readonly string[],
    from: Date,
    to: Date,
  ) {
    const span = to.getTime() - from.getTime();
    if (span / TIER_MS['15m'] <= MAX_POINTS_PER_SERIES * 4) {
      const raw = await this.queries.countRaw(
        tenantScopeOf(principal),
        deviceId,
        metrics,
        from,
        to,
      );
      if (raw <= MAX_POINTS_PER_SERIES * metrics.length) return 'raw' as const;
    }
    if (span / TIER_MS['15m'] <= MAX_POINTS_PER_SERIES) return '15m' as const;
    if (span / TIER_MS['1h'] <= MAX_POINTS_PER_SERIES) return '1h' as const;
    return '1d' as const;
  }

  private async visibleDevice(principal: Principal, deviceId: string): Promise<void> {
    const device = await this.devices.transaction(tenantScopeOf(principal), (trx) =>
      this.devices.findById(trx, principal.tenantId!, deviceId),
    );
    if (!device) throw new NotFoundError('device');
  }
}

function bucketEnd(start: number, tier: Tier, timeZone: string): number {
  if (tier === '15m') return start + TIER_MS['15m'];
  if (tier === '1h') return start + TIER_MS['1h'];
  return DateTime.fromMillis(start, { zone: timeZone }).plus({ days: 1 }).toMillis();
}

/**
 * A bucket's energy by role: from counters where the devices report them (exact), otherwise from
 * average power × duration, split by sign (grid > 0 import, battery > 0 discharge).
 */
export function energiesOf(rows: readonly EnergyRow[], hours: number): SiteEnergies {
  const counter = (type: string, metric: string) =>
    rows
      .filter((row) => row.type === type && row.metric === metric && row.delta !== null)
      .reduce<number | undefined>((total, row) => (total ?? 0) + row.delta!, undefined);
  const power = (type: string) =>
    rows
      .filter((row) => row.type === type && row.metric === 'power_kw')
      .reduce((total, row) => total + row.avg, 0);
  const pvPower = power('pv_inverter');
  const gridPower = power('grid_meter');
  const batteryPower = power('battery');
  return {
    productionKwh: counter('pv_inverter', 'energy_kwh') ?? Math.max(0, pvPower) * hours,
    gridImportKwh: counter('grid_meter', 'import_kwh') ?? Math.max(0, gridPower) * hours,
    gridExportKwh: counter('grid_meter', 'export_kwh') ?? Math.max(0, -gridPower) * hours,
    batteryDischargeKwh: counter('battery', 'discharge_kwh') ?? Math.max(0, batteryPower) * hours,
    batteryChargeKwh: counter('battery', 'charge_kwh') ?? Math.max(0, -batteryPower) * hours,
  };
}
