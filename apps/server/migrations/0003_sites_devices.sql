-- Sites and their devices, with device credentials. Same two walls as identity: tenant scope in
-- every query, and row-level security; a user limited to some sites (users.site_ids) sees only
-- those, enforced here too through app.site_ids, set per transaction like app.tenant_id.

-- migrate:up
create function app_site_ids() returns uuid[]
  language sql stable
  as $$ select nullif(current_setting('app.site_ids', true), '')::uuid[] $$;

create table sites (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  address text check (length(address) <= 500),
  latitude double precision not null check (latitude between -90 and 90),
  longitude double precision not null check (longitude between -180 and 180),
  timezone text not null check (length(timezone) between 1 and 64),
  capacity_kw double precision not null default 0 check (capacity_kw >= 0),
  grid_limit_kw double precision check (grid_limit_kw >= 0),
  -- { currency, importPricePerKwh, exportPricePerKwh, periods: [...] }, validated by the server.
  tariff jsonb not null,
  co2_factor_g_per_kwh double precision not null default 0 check (co2_factor_g_per_kwh >= 0),
  tags text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index sites_tenant_id_idx on sites (tenant_id, lower(name));
create index sites_tags_idx on sites using gin (tags);

create table devices (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  site_id uuid not null references sites (id) on delete cascade,
  type text not null check (
    type in ('pv_inverter', 'battery', 'grid_meter', 'smart_meter', 'ev_charger', 'heat_pump', 'load')
  ),
  name text not null check (length(name) between 1 and 200),
  manufacturer text check (length(manufacturer) <= 100),
  model text check (length(model) <= 100),
  serial text check (length(serial) <= 100),
  rated_power_kw double precision check (rated_power_kw >= 0),
  capacity_kwh double precision check (capacity_kwh >= 0),
  -- Validated per device type by the server.
  config jsonb not null default '{}',
  firmware_version text check (length(firmware_version) <= 64),
  status text not null default 'unknown' check (status in ('online', 'offline', 'fault', 'unknown')),
  last_seen_at timestamptz,
  tags text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index devices_tenant_site_idx on devices (tenant_id, site_id);
create index devices_tags_idx on devices using gin (tags);
create unique index devices_serial_key on devices (tenant_id, lower(manufacturer), lower(serial))
  where serial is not null;

create table device_credentials (
  device_id uuid primary key references devices (id) on delete cascade,
  tenant_id uuid not null references tenants (id) on delete cascade,
  -- SHA-256 of a 256-bit random secret: a slow hash buys nothing against such entropy and would
  -- make a reconnect storm of thousands of devices cost minutes of CPU.
  secret_hash bytea not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz
);

alter table sites enable row level security;
alter table sites force row level security;
create policy tenant_isolation on sites
  using ((tenant_id = app_tenant_id() and (app_site_ids() is null or id = any (app_site_ids())))
         or app_is_platform());

alter table devices enable row level security;
alter table devices force row level security;
create policy tenant_isolation on devices
  using ((tenant_id = app_tenant_id() and (app_site_ids() is null or site_id = any (app_site_ids())))
         or app_is_platform());

alter table device_credentials enable row level security;
alter table device_credentials force row level security;
create policy tenant_isolation on device_credentials
  using (tenant_id = app_tenant_id() or app_is_platform());

grant select, insert, update, delete on sites, devices, device_credentials to ecogrid_app;

-- migrate:down
drop table device_credentials;
drop table devices;
drop table sites;
drop function app_site_ids();
