-- Telemetry: raw readings partitioned by day, rollups at 15 min, 1 h and 1 day, the queue of
-- rollup buckets to recompute, and the dead-letter table of rejected input.
--
-- Raw readings are idempotent on (device, metric, ts): a redelivered message adds nothing.
-- Ingest never computes rollups itself: it marks the 15-minute buckets it touched as dirty in the
-- same transaction, and the rollup job recomputes dirty buckets from raw readings, so late readings
-- correct the rollups and ingest stays fast.

-- migrate:up
create table readings (
  tenant_id uuid not null,
  device_id uuid not null,
  metric text not null,
  ts timestamptz not null,
  value double precision not null,
  primary key (device_id, metric, ts)
) partition by range (ts);
-- Partitions (readings_pYYYYMMDD, one per UTC day) are created ahead of need and dropped by
-- retention by the server's partition job, through these two functions: they run with the owner's
-- rights (the runtime role owns nothing) and do exactly this and nothing else.
create function ensure_readings_partition(day date) returns boolean
  language plpgsql security definer set search_path = public, pg_temp
  as $$
declare
  partition_name text := 'readings_p' || to_char(day, 'YYYYMMDD');
begin
  if to_regclass(partition_name) is not null then
    return false;
  end if;
  begin
    execute format(
      'create table %I partition of readings for values from (%L) to (%L)',
      partition_name, day::text || ' 00:00:00+00', (day + 1)::text || ' 00:00:00+00');
  exception when duplicate_table or unique_violation then
    return false; -- created meanwhile by another instance
  end;
  return true;
end
$$;

create function drop_readings_partitions_before(cutoff date) returns integer
  language plpgsql security definer set search_path = public, pg_temp
  as $$
declare
  child record;
  dropped integer := 0;
begin
  for child in
    select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'readings'::regclass and c.relname ~ '^readings_p[0-9]{8}$'
  loop
    if to_date(substr(child.relname, 11), 'YYYYMMDD') < cutoff then
      execute format('drop table %I', child.relname);
      dropped := dropped + 1;
    end if;
  end loop;
  return dropped;
end
$$;

revoke all on function ensure_readings_partition(date) from public;
revoke all on function drop_readings_partitions_before(date) from public;
grant execute on function ensure_readings_partition(date) to ecogrid_app;
grant execute on function drop_readings_partitions_before(date) to ecogrid_app;

create table rollups_15m (
  tenant_id uuid not null,
  device_id uuid not null,
  metric text not null,
  bucket timestamptz not null,
  count integer not null,
  sum double precision not null,
  min double precision not null,
  max double precision not null,
  first_ts timestamptz not null,
  first_value double precision not null,
  last_ts timestamptz not null,
  last_value double precision not null,
  -- Counters (*_kwh): what the counter grew in this bucket; a reset starts a new segment and adds 0.
  delta double precision,
  primary key (device_id, metric, bucket)
);
create table rollups_1h (like rollups_15m including all);
create table rollups_1d (like rollups_15m including all);
create index rollups_15m_tenant_bucket_idx on rollups_15m (tenant_id, bucket);
create index rollups_1h_tenant_bucket_idx on rollups_1h (tenant_id, bucket);
create index rollups_1d_tenant_bucket_idx on rollups_1d (tenant_id, bucket);

create table rollup_dirty (
  device_id uuid not null,
  metric text not null,
  bucket timestamptz not null,
  tenant_id uuid not null,
  marked_at timestamptz not null default now(),
  primary key (device_id, metric, bucket)
);

create table ingest_dead_letters (
  id bigint generated always as identity primary key,
  tenant_id uuid,
  device_id uuid,
  reason text not null check (length(reason) <= 64),
  detail text check (length(detail) <= 1000),
  metric text check (length(metric) <= 64),
  raw text check (length(raw) <= 2048),
  transport text not null check (transport in ('mqtt', 'http')),
  received_at timestamptz not null default now()
);
create index ingest_dead_letters_tenant_idx on ingest_dead_letters (tenant_id, received_at desc);

do $$
declare
  tenant_table text;
begin
  foreach tenant_table in array array['readings', 'rollups_15m', 'rollups_1h', 'rollups_1d', 'rollup_dirty', 'ingest_dead_letters']
  loop
    execute format('alter table %I enable row level security', tenant_table);
    execute format('alter table %I force row level security', tenant_table);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = app_tenant_id() or app_is_platform())',
      tenant_table);
  end loop;
end
$$;

grant select, insert, update, delete on readings, rollups_15m, rollups_1h, rollups_1d, rollup_dirty to ecogrid_app;
grant select, insert, delete on ingest_dead_letters to ecogrid_app;

-- migrate:down
drop function drop_readings_partitions_before(date);
drop function ensure_readings_partition(date);
drop table ingest_dead_letters;
drop table rollup_dirty;
drop table rollups_1d;
drop table rollups_1h;
drop table rollups_15m;
drop table readings;
