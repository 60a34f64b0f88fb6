import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Database } from '../database/database.js';
import { inScope, type DataScope } from '../database/scope.js';

export type Tier = '15m' | '1h' | '1d';
const TIER_TABLE = { '15m': 'rollups_15m', '1h': 'rollups_1h', '1d': 'rollups_1d' } as const;

export interface SeriesPoint {
  metric: string;
  ts: Date;
  value: number;
  min?: number;
  max?: number;
  count?: number;
  delta?: number | null;
}

export interface EnergyRow {
  bucket: Date;
  type: string;
  metric: string;
  delta: number | null;
  avg: number;
}

/** Reads of telemetry for people: raw, rollups, latest values and site energy by device role. */
@Injectable()
export class TelemetryQueriesRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  raw(
    scope: DataScope,
    deviceId: string,
    metrics: readonly string[],
    from: Date,
    to: Date,
    limit: number,
  ): Promise<SeriesPoint[]> {
    return inScope(this.database.db, scope, (trx) =>
      trx
        .selectFrom('readings')
        .select(['metric', 'ts', 'value'])
        .where('device_id', '=', deviceId)
        .where('metric', 'in', metrics)
        .where('ts', '>=', from)
        .where('ts', '<', to)
        .orderBy('metric')
        .orderBy('ts')
        .limit(limit)
        .execute(),
    );
  }

  /** Raw readings after a (metric, ts) cursor, in pages: CSV exports of any size. */
  async *rawPages(
    scope: DataScope,
    deviceId: string,
    metrics: readonly string[],
    from: Date,
    to: Date,
    pageSize = 5000,
  ): AsyncGenerator<SeriesPoint[]> {
    let after: { metric: string; ts: Date } | undefined;
    for (;;) {
      const cursor = after;
      const page = await inScope(this.database.db, scope, (trx) => {
        let query = trx
          .selectFrom('readings')
          .select(['metric', 'ts', 'value'])
          .where('device_id', '=', deviceId)
          .where('metric', 'in', metrics)
          .where('ts', '>=', from)
          .where('ts', '<', to);
        if (cursor) {
          query = query.where((eb) =>
            eb.or([
              eb('metric', '>', cursor.metric),
              eb.and([eb('metric', '=', cursor.metric), eb('ts', '>', cursor.ts)]),
            ]),
          );
        }
        return query.orderBy('metric').orderBy('ts').limit(pageSize).execute();
      });
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      const last = page.at(-1)!;
      after = { metric: last.metric, ts: last.ts };
    }
  }

  async rollup(
    scope: DataScope,
    tier: Tier,
    deviceId: string,
    metrics: readonly string[],
    from: Date,
    to: Date,
  ): Promise<SeriesPoint[]> {
    const rows = await inScope(this.database.db, scope, (trx) =>
      trx
        .selectFrom(TIER_TABLE[tier])
        .select(['metric', 'bucket', 'sum', 'count', 'min', 'max', 'delta'])
        .where('device_id', '=', deviceId)
        .where('metric', 'in', metrics)
        .where('bucket', '>=', from)
        .where('bucket', '<', to)
        .orderBy('metric')
        .orderBy('bucket')
        .execute(),
    );
    return rows.map((row) => ({
      metric: row.metric,
      ts: row.bucket,
      value: row.sum / row.count,
      min: row.min,
      max: row.max,
      count: row.count,
      delta: row.delta,
    }));
  }

  async countRaw(
    scope: DataScope,
    deviceId: string,
    metrics: readonly string[],
    from: Date,
    to: Date,
  ): Promise<number> {
    const row = await inScope(this.database.db, scope, (trx) =>
      trx
        .selectFrom('readings')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('device_id', '=', deviceId)
        .where('metric', 'in', metrics)
        .where('ts', '>=', from)
        .where('ts', '<', to)
        .executeTakeFirstOrThrow(),
    );
    return Number(row.count);
  }

  /** Every metric the device ever reported, with its latest value (within retention). */
  async latest(
    scope: DataScope,
    deviceId: string,
  ): Promise<{ metric: string; ts: Date; value: number }[]> {
    const result = await inScope(this.database.db, scope, (trx) =>
      sql<{ metric: string; ts: Date; value: number }>`
        select distinct on (metric) metric, ts, value from readings
        where device_id = ${deviceId}
        order by metric, ts desc`.execute(trx),
    );
    return result.rows;
  }

  /** Per bucket, device type and metric: counter growth and average value, for a site's energy. */
  async siteEnergy(
    scope: DataScope,
    tier: Tier,
    siteId: string,
    from: Date,
    to: Date,
  ): Promise<EnergyRow[]> {
    const table = sql.table(TIER_TABLE[tier]);
    const result = await inScope(this.database.db, scope, (trx) =>
      sql<EnergyRow>`
        select r.bucket, d.type, r.metric, sum(r.delta) as delta, sum(r.sum) / sum(r.count) as avg
        from ${table} r
        join devices d on d.id = r.device_id
        where d.site_id = ${siteId} and r.bucket >= ${from} and r.bucket < ${to}
          and r.metric in ('energy_kwh', 'import_kwh', 'export_kwh', 'charge_kwh', 'discharge_kwh', 'power_kw')
        group by r.bucket, d.type, r.metric
        order by r.bucket`.execute(trx),
    );
    return result.rows.map((row) => ({
      ...row,
      delta: row.delta === null ? null : Number(row.delta),
      avg: Number(row.avg),
    }));
  }

  /** Latest power (last 10 minutes) of each producing, metering or storing device of the tenant. */
  async livePower(scope: DataScope): Promise<{ type: string; value: number }[]> {
    const result = await inScope(this.database.db, scope, (trx) =>
      sql<{ type: string; value: number }>`
        select d.type, latest.value
        from devices d
        cross join lateral (
          select value from readings r
          where r.device_id = d.id and r.metric = 'power_kw' and r.ts > now() - interval '10 minutes'
          order by r.ts desc limit 1) latest
        where d.type in ('pv_inverter', 'grid_meter', 'battery')`.execute(trx),
    );
    return result.rows;
  }

  /** Today's counter growth per site (each site's own local day), by device type and metric. */
  async todayBySite(scope: DataScope): Promise<
    {
      site_id: string;
      timezone: string;
      co2_factor_g_per_kwh: number;
      tariff: unknown;
      type: string | null;
      metric: string | null;
      delta: number | null;
    }[]
  > {
    const result = await inScope(this.database.db, scope, (trx) =>
      sql<{
        site_id: string;
        timezone: string;
        co2_factor_g_per_kwh: number;
        tariff: unknown;
        type: string | null;
        metric: string | null;
        delta: number | null;
      }>`
        select s.id as site_id, s.timezone, s.co2_factor_g_per_kwh, s.tariff, e.type, e.metric, e.delta
        from sites s
        left join lateral (
          select d.type, q.metric, sum(q.delta) as delta
          from devices d
          join rollups_15m q on q.device_id = d.id
          where d.site_id = s.id
            and q.bucket >= date_trunc('day', now() at time zone s.timezone) at time zone s.timezone
            and q.metric in ('energy_kwh', 'import_kwh', 'export_kwh')
          group by d.type, q.metric) e on true`.execute(trx),
    );
    return result.rows.map((row) => ({
      ...row,
      delta: row.delta === null ? null : Number(row.delta),
    }));
  }

  async capacity(scope: DataScope): Promise<{ sites: number; capacityKw: number }> {
    const row = await inScope(this.database.db, scope, (trx) =>
      trx
        .selectFrom('sites')
        .select((eb) => [
          eb.fn.countAll<string>().as('sites'),
          eb.fn.coalesce(eb.fn.sum<number>('capacity_kw'), sql<number>`0`).as('capacity'),
        ])
        .executeTakeFirstOrThrow(),
    );
    return { sites: Number(row.sites), capacityKw: Number(row.capacity) };
  }
}
