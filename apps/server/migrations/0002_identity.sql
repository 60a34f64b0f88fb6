-- Tenants, users, sessions with rotating refresh tokens, and the append-only audit log.
-- Tenant isolation has two walls: every repository query is scoped to the caller's tenant, and
-- row-level security (enabled and forced) on every tenant-owned table makes a query that forgot its
-- scope return nothing. The server runs its queries as the role ecogrid_app, which owns nothing and
-- cannot bypass RLS; it sets app.tenant_id per transaction (or app.platform for platform-wide work
-- such as login, which has no tenant yet).

-- migrate:up
do $$
begin
  if not exists (select from pg_roles where rolname = 'ecogrid_app') then
    begin
      create role ecogrid_app nologin;
    exception when duplicate_object or unique_violation then
      null; -- created meanwhile by a migration of another database on this server
    end;
  end if;
  -- The migrating role may switch to the runtime role (SET ROLE) when it is also the login role.
  execute format('grant ecogrid_app to %I', current_user);
end
$$;

grant usage on schema public to ecogrid_app;
grant select on schema_migrations to ecogrid_app;
grant select, insert, update, delete on server_instances to ecogrid_app;

create function app_tenant_id() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create function app_is_platform() returns boolean
  language sql stable
  as $$ select coalesce(current_setting('app.platform', true), '') = 'on' $$;

create table tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  status text not null default 'active' check (status in ('active', 'suspended')),
  settings jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  -- Null for platform admins, who belong to no tenant.
  tenant_id uuid references tenants (id) on delete cascade,
  username text not null check (username ~ '^[A-Za-z0-9._-]{3,64}$'),
  email text check (length(email) <= 254),
  display_name text not null check (length(display_name) between 1 and 100),
  role text check (role in ('admin', 'operator', 'viewer')),
  is_platform_admin boolean not null default false,
  -- Null: every site of the tenant; otherwise the only sites this user may see.
  site_ids uuid[],
  password_hash text not null,
  blocked boolean not null default false,
  failed_login_count integer not null default 0,
  locked_until timestamptz,
  last_login_at timestamptz,
  password_changed_at timestamptz not null default now(),
  preferences jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_kind check (
    (is_platform_admin and tenant_id is null and role is null)
    or (not is_platform_admin and tenant_id is not null and role is not null)
  )
);
-- Usernames are unique across the platform, ignoring case, so login needs no tenant.
create unique index users_username_key on users (lower(username));
create index users_tenant_id_idx on users (tenant_id);

create table sessions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid references tenants (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  -- Absolute lifetime: rotation never extends a session past it.
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text check (length(revoked_reason) <= 64),
  ip text check (length(ip) <= 64),
  user_agent text check (length(user_agent) <= 512)
);
create index sessions_user_id_idx on sessions (user_id) where revoked_at is null;

create table refresh_tokens (
  -- SHA-256 of the opaque token; the token itself is never stored.
  token_hash bytea primary key,
  session_id uuid not null references sessions (id) on delete cascade,
  tenant_id uuid references tenants (id) on delete cascade,
  issued_at timestamptz not null default now(),
  used_at timestamptz
);
create index refresh_tokens_session_id_idx on refresh_tokens (session_id);

create table audit_logs (
  id bigint generated always as identity primary key,
  -- No foreign keys: the log outlives the users and tenants it names.
  tenant_id uuid,
  user_id uuid,
  action text not null check (length(action) <= 64),
  resource_type text check (length(resource_type) <= 64),
  resource_id text check (length(resource_id) <= 128),
  old_values jsonb,
  new_values jsonb,
  ip text check (length(ip) <= 64),
  user_agent text check (length(user_agent) <= 512),
  request_id text check (length(request_id) <= 128),
  created_at timestamptz not null default now()
);
create index audit_logs_tenant_created_idx on audit_logs (tenant_id, created_at desc);
create index audit_logs_tenant_user_idx on audit_logs (tenant_id, user_id, created_at desc);

alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenant_isolation on tenants
  using (id = app_tenant_id() or app_is_platform());

alter table users enable row level security;
alter table users force row level security;
create policy tenant_isolation on users
  using (tenant_id = app_tenant_id() or app_is_platform());

alter table sessions enable row level security;
alter table sessions force row level security;
create policy tenant_isolation on sessions
  using (tenant_id = app_tenant_id() or app_is_platform());

alter table refresh_tokens enable row level security;
alter table refresh_tokens force row level security;
create policy tenant_isolation on refresh_tokens
  using (tenant_id = app_tenant_id() or app_is_platform());

alter table audit_logs enable row level security;
alter table audit_logs force row level security;
create policy tenant_isolation on audit_logs
  using (tenant_id = app_tenant_id() or app_is_platform());

grant select, insert, update on tenants to ecogrid_app;
grant select, insert, update, delete on users, sessions, refresh_tokens to ecogrid_app;
-- Append-only: the runtime role can neither update nor delete audit rows.
grant select, insert on audit_logs to ecogrid_app;

-- migrate:down
drop table audit_logs;
drop table refresh_tokens;
drop table sessions;
drop table users;
drop table tenants;
drop function app_is_platform();
drop function app_tenant_id();
revoke select, insert, update, delete on server_instances from ecogrid_app;
revoke select on schema_migrations from ecogrid_app;
revoke usage on schema public from ecogrid_app;
-- The role is cluster-wide (other databases may use it), so it stays.
