import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Database } from '../database/database.js';
import { inScope } from '../database/scope.js';

/** Advisory lock key: one rollup run at a time across replicas. */
const ROLLUP_LOCK = 0x65_6d_73_72; // 'emsr'

/**
 * Rollups are recomputed, never patched: each run claims dirty 15-minute buckets, rebuilds them from
 * the raw readings (so a late reading corrects them), then rebuilds the hours and local days that
 * contain them from the 15-minute rows. Counters (`*_kwh`) get `delta`: the sum of their increments,
 * an increment belonging to the bucket of its later reading; a decrease (reboot, meter swap) starts
 * a new segment and adds nothing, so energy is never negative or counted twice.
 */
@Injectable()
export class RollupsRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  /**
   * Recomputes up to `limit` dirty buckets; returns how many it took. One run at a time across
   * replicas (an advisory lock). The marks are read without row locks, so writes never wait for
   * this; at the end only marks whose version did not change meanwhile are cleared, and the others
   * wait for their next turn.
   *
   * A bucket still in progress (the current quarter hour of every live series) is dirtied by every
   * write; it is taken only once its mark is `openRefreshSeconds` old, so each is recomputed about
   * that often instead of after every write. Closed buckets are taken at once.
   */
  async recomputeDirty(limit: number, openRefreshSeconds = 0): Promise<number> {
    return inScope(this.database.db, 'platform', async (trx) => {
      await sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`.execute(trx);
      const marks = await sql<{
        tenant_id: string;
        device_id: string;
        metric: string;
        bucket: Date | string;
        version: string;
      }>`
        select tenant_id, device_id, metric, bucket, version from rollup_dirty
        where bucket <= now() - interval '15 minutes'
           or marked_at <= now() - make_interval(secs => ${openRefreshSeconds})
        order by marked_at limit ${limit}`.execute(trx);
      if (marks.rows.length === 0) return 0;
      const markTenants = marks.rows.map((mark) => mark.tenant_id);
      const markDevices = marks.rows.map((mark) => mark.device_id);
      const markMetrics = marks.rows.map((mark) => mark.metric);
      const markBuckets = marks.rows.map((mark) => new Date(mark.bucket).toISOString());
      const markVersions = marks.rows.map((mark) => mark.version);
      const claimed = await sql<{
        buckets: { deviceId: string; metric: string; bucket: string }[];
      }>`
        with claimed as (
          select * from unnest(${markTenants}::uuid[], ${markDevices}::uuid[], ${markMetrics}::text[],
                               ${markBuckets}::timestamptz[]) as c(tenant_id, device_id, metric, bucket)
        ),
        points as (
          select c.tenant_id, c.device_id, c.metric, c.bucket, r.ts, r.value,
                 coalesce(
                   lag(r.value) over (partition by c.device_id, c.metric, c.bucket order by r.ts),
                   (select p.value from readings p
                     where p.device_id = c.device_id and p.metric = c.metric and p.ts < c.bucket
                       and p.ts >= c.bucket - interval '1 day'
                     order by p.ts desc limit 1)) as previous
          from claimed c
          join readings r on r.device_id = c.device_id and r.metric = c.metric
                         and r.ts >= c.bucket and r.ts < c.bucket + interval '15 minutes'
        ),
        aggregated as (
          select tenant_id, device_id, metric, bucket,
                 count(*)::int as count, sum(value) as sum, min(value) as min, max(value) as max,
                 min(ts) as first_ts, (array_agg(value order by ts))[1] as first_value,
                 max(ts) as last_ts, (array_agg(value order by ts desc))[1] as last_value,
                 case when right(metric, 4) = '_kwh'
                      then sum(case when previous is not null and value >= previous then value - previous else 0 end)
                 end as delta
          from points
          group by tenant_id, device_id, metric, bucket
        ),
        upserted as (
          insert into rollups_15m
            (tenant_id, device_id, metric, bucket, count, sum, min, max, first_ts, first_value, last_ts, last_value, delta)
          select * from aggregated
          on conflict (device_id, metric, bucket) do update set
            count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
            first_ts = excluded.first_ts, first_value = excluded.first_value,
            last_ts = excluded.last_ts, last_value = excluded.last_value, delta = excluded.delta
          returning tenant_id, device_id, metric, bucket
        )
        select coalesce((select json_agg(json_build_object('deviceId', device_id, 'metric', metric, 'bucket', bucket)) from upserted), '[]') as buckets`.execute(
        trx,
      );
      const { buckets } = claimed.rows[0]!;
      if (buckets.length > 0) {
        // Separate statements: the CTEs of one statement cannot see each other's writes.
        const devices = buckets.map((bucket) => bucket.deviceId);
        const metrics = buckets.map((bucket) => bucket.metric);
        const starts = buckets.map((bucket) => bucket.bucket);
        await sql`
          with changed as (
            select distinct q.tenant_id, q.device_id, q.metric, date_trunc('hour', c.bucket) as hour
            from unnest(${devices}::uuid[], ${metrics}::text[], ${starts}::timestamptz[]) as c(device_id, metric, bucket)
            join rollups_15m q on q.device_id = c.device_id and q.metric = c.metric and q.bucket = c.bucket
          )
          insert into rollups_1h
            (tenant_id, device_id, metric, bucket, count, sum, min, max, first_ts, first_value, last_ts, last_value, delta)
          select h.tenant_id, h.device_id, h.metric, h.hour,
                 sum(q.count)::int, sum(q.sum), min(q.min), max(q.max),
                 min(q.first_ts), (array_agg(q.first_value order by q.bucket))[1],
                 max(q.last_ts), (array_agg(q.last_value order by q.bucket desc))[1],
                 sum(q.delta)
          from changed h
          join rollups_15m q on q.device_id = h.device_id and q.metric = h.metric
                            and q.bucket >= h.hour and q.bucket < h.hour + interval '1 hour'
          group by h.tenant_id, h.device_id, h.metric, h.hour
          on conflict (device_id, metric, bucket) do update set
            count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
            first_ts = excluded.first_ts, first_value = excluded.first_value,
            last_ts = excluded.last_ts, last_value = excluded.last_value, delta = excluded.delta`.execute(
          trx,
        );
        await sql`
          with changed as (
            -- A day is the site's local day: 23 or 25 hours at a DST switch.
            select distinct q.tenant_id, q.device_id, q.metric, s.timezone,
                   date_trunc('day', c.bucket at time zone s.timezone) as local_day
            from unnest(${devices}::uuid[], ${metrics}::text[], ${starts}::timestamptz[]) as c(device_id, metric, bucket)
            join rollups_15m q on q.device_id = c.device_id and q.metric = c.metric and q.bucket = c.bucket
            join devices d on d.id = c.device_id
            join sites s on s.id = d.site_id
          )
          insert into rollups_1d
            (tenant_id, device_id, metric, bucket, count, sum, min, max, first_ts, first_value, last_ts, last_value, delta)
          select d.tenant_id, d.device_id, d.metric, d.local_day at time zone d.timezone,
                 sum(q.count)::int, sum(q.sum), min(q.min), max(q.max),
                 min(q.first_ts), (array_agg(q.first_value order by q.bucket))[1],
                 max(q.last_ts), (array_agg(q.last_value order by q.bucket desc))[1],
                 sum(q.delta)
          from changed d
          join rollups_15m q on q.device_id = d.device_id and q.metric = d.metric
                            and q.bucket >= d.local_day at time zone d.timezone
                            and q.bucket < (d.local_day + interval '1 day') at time zone d.timezone
          group by d.tenant_id, d.device_id, d.metric, d.local_day, d.timezone
          on conflict (device_id, metric, bucket) do update set
            count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
            first_ts = excluded.first_ts, first_value = excluded.first_value,
            last_ts = excluded.last_ts, last_value = excluded.last_value, delta = excluded.delta`.execute(
          trx,
        );
      }
      await sql`
        delete from rollup_dirty d
        using unnest(${markDevices}::uuid[], ${markMetrics}::text[], ${markBuckets}::timestamptz[],
                     ${markVersions}::bigint[]) as c(device_id, metric, bucket, version)
        where d.device_id = c.device_id and d.metric = c.metric and d.bucket = c.bucket
          and d.version = c.version`.execute(trx);
      if (openRefreshSeconds > 0) {
        // Written to meanwhile: its next turn counts from now.
        await sql`
          update rollup_dirty d set marked_at = now()
          from unnest(${markDevices}::uuid[], ${markMetrics}::text[], ${markBuckets}::timestamptz[])
            as c(device_id, metric, bucket)
          where d.device_id = c.device_id and d.metric = c.metric and d.bucket = c.bucket
            and d.bucket > now() - interval '15 minutes'`.execute(trx);
      }
      return marks.rows.length;
    });
  }

  /** Deletes rollup rows older than each tier's retention. */
  async applyRetention(cutoffs: { m15: Date; h1: Date; d1: Date }): Promise<void> {
    await inScope(this.database.db, 'platform', async (trx) => {
      await trx.deleteFrom('rollups_15m').where('bucket', '<', cutoffs.m15).execute();
      await trx.deleteFrom('rollups_1h').where('bucket', '<', cutoffs.h1).execute();
      await trx.deleteFrom('rollups_1d').where('bucket', '<', cutoffs.d1).execute();
    });
  }
}
