import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Database } from '../database/database.js';
import { inScope } from '../database/scope.js';

/** A validated reading, attributed to its device's tenant by the server (never by the device). */
export interface StoredReading {
  tenantId: string;
  deviceId: string;
  metric: string;
  ts: Date;
  value: number;
}

export interface DeviceCameOnline {
  deviceId: string;
  tenantId: string;
  siteId: string;
}

export interface WriteOutcome {
  /** Readings new to the database (the rest were already there: redeliveries). */
  inserted: number;
  cameOnline: DeviceCameOnline[];
}

/**
 * The ingest write path. One statement per batch: insert the readings (a redelivered one is
 * skipped by the primary key), mark the 15-minute buckets they touch for the rollup job, and note
 * that their devices were seen. Readings span tenants, so it runs in the platform scope; the tenant
 * of each reading comes from its device's credentials.
 */
@Injectable()
export class TelemetryRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  async write(readings: readonly StoredReading[]): Promise<WriteOutcome> {
    if (readings.length === 0) return { inserted: 0, cameOnline: [] };
    const tenantIds = readings.map((reading) => reading.tenantId);
    const deviceIds = readings.map((reading) => reading.deviceId);
    const metrics = readings.map((reading) => reading.metric);
    const timestamps = readings.map((reading) => reading.ts.toISOString());
    const values = readings.map((reading) => reading.value);
    return inScope(this.database.db, 'platform', async (trx) => {
      const result = await sql<{ inserted: number; came_online: DeviceCameOnline[] | null }>`
        with input as (
          select distinct on (device_id, metric, ts) *
          from unnest(${tenantIds}::uuid[], ${deviceIds}::uuid[], ${metrics}::text[],
                      ${timestamps}::timestamptz[], ${values}::float8[])
            as t(tenant_id, device_id, metric, ts, value)
        ),
        inserted as (
          insert into readings (tenant_id, device_id, metric, ts, value)
          select tenant_id, device_id, metric, ts, value from input
          on conflict (device_id, metric, ts) do nothing
          returning tenant_id, device_id, metric, ts
        ),
        dirty as (
          insert into rollup_dirty (device_id, metric, bucket, tenant_id)
          select distinct i.device_id, i.metric, b.bucket, i.tenant_id
          from inserted i
          cross join lateral (
            values (date_bin('15 minutes', i.ts, timestamptz '2000-01-01 00:00:00+00')),
                   -- a counter reading also changes the increment of the next reading, which may
                   -- fall in the next bucket
                   (case when right(i.metric, 4) = '_kwh'
                         then date_bin('15 minutes', i.ts, timestamptz '2000-01-01 00:00:00+00') + interval '15 minutes' end)
          ) as b(bucket)
          where b.bucket is not null
          -- in key order, as every writer does: concurrent batches never lock each other's marks
          -- in opposite orders (no deadlock)
          order by i.device_id, i.metric, b.bucket
          -- bumps the version of a mark the rollup job may be working on: it will not clear it
          on conflict (device_id, metric, bucket) do update set version = rollup_dirty.version + 1
        ),
        before as (
          select id, status from devices where id in (select distinct device_id from input)
        ),
        locked as (
          select id from devices where id in (select distinct device_id from input)
          order by id for no key update
        ),
        seen as (
          update devices d
          set last_seen_at = now(),
              status = case when d.status = 'fault' then 'fault' else 'online' end
          where d.id in (select id from locked)
          returning d.id, d.tenant_id, d.site_id
        )
        select
          (select count(*)::int from inserted) as inserted,
          (select json_agg(json_build_object('deviceId', s.id, 'tenantId', s.tenant_id, 'siteId', s.site_id))
             from seen s join before b on b.id = s.id
            where b.status in ('offline', 'unknown')) as came_online`.execute(trx);
      const row = result.rows[0]!;
      return { inserted: row.inserted, cameOnline: row.came_online ?? [] };
    });
  }

  /** Creates the daily partitions of [from, to] that do not exist yet; returns how many it made. */
  async ensurePartitions(from: Date, to: Date): Promise<number> {
    return inScope(this.database.db, 'platform', async (trx) => {
      const result = await sql<{ created: number }>`
        select count(*) filter (where ensure_readings_partition(day::date))::int as created
        from generate_series(${from.toISOString()}::timestamptz at time zone 'UTC',
                             ${to.toISOString()}::timestamptz at time zone 'UTC',
                             interval '1 day') as day`.execute(trx);
      return result.rows[0]!.created;
    });
  }

  /** Drops the daily partitions entirely before `cutoff` (UTC day); returns how many. */
  async dropPartitionsBefore(cutoff: Date): Promise<number> {
    return inScope(this.database.db, 'platform', async (trx) => {
      const result = await sql<{ dropped: number }>`
        select drop_readings_partitions_before((${cutoff.toISOString()}::timestamptz at time zone 'UTC')::date) as dropped`.execute(
        trx,
      );
      return result.rows[0]!.dropped;
    });
  }
}
