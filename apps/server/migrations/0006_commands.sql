-- Device commands: what an operator asked of a device, and the life of each request from pending
-- to exactly one terminal status. Status moves are conditional updates (`where status in (…)`), so
-- two replicas, or an acknowledgement arriving late, can never move a command twice.
-- Same two walls as sites and devices: tenant scope in every query, and row-level security that
-- also confines a site-limited user to the commands of their sites.

-- migrate:up
create table commands (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  site_id uuid not null references sites (id) on delete cascade,
  device_id uuid not null references devices (id) on delete cascade,
  type text not null check (
    type in ('set_power_limit', 'set_mode', 'set_power_setpoint', 'start_charging',
             'stop_charging', 'set_current_limit', 'switch', 'reboot')
  ),
  -- Validated per command type by the server; always an object.
  params jsonb not null default '{}' check (jsonb_typeof(params) = 'object'),
  status text not null default 'pending' check (
    status in ('pending', 'sent', 'accepted', 'rejected', 'completed', 'failed', 'expired')
  ),
  -- The device's words on its last acknowledgement, or why the server ended the command.
  message text check (length(message) <= 500),
  idempotency_key text check (length(idempotency_key) between 1 and 128),
  bulk_id uuid,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  -- When the broker accepted the publish.
  sent_at timestamptz,
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null,
  finished_at timestamptz,
  -- A dispatcher publishing this command holds it until then, so replicas never send it together;
  -- a claim left by a crash lapses and the command is sent again (devices run each id once).
  claimed_until timestamptz,
  constraint commands_finished check (
    (status in ('rejected', 'completed', 'failed', 'expired')) = (finished_at is not null)
  )
);
create unique index commands_idempotency_key on commands (device_id, idempotency_key)
  where idempotency_key is not null;
create index commands_device_created_idx on commands (device_id, created_at desc);
create index commands_site_created_idx on commands (site_id, created_at desc);
-- Only commands still waiting for an answer: what the dispatcher and the expiry sweep read.
create index commands_open_idx on commands (device_id, expires_at)
  where status in ('pending', 'sent', 'accepted');

alter table commands enable row level security;
alter table commands force row level security;
create policy tenant_isolation on commands
  using ((tenant_id = app_tenant_id() and (app_site_ids() is null or site_id = any (app_site_ids())))
         or app_is_platform());

grant select, insert, update, delete on commands to ecogrid_app;

-- migrate:down
drop table commands;
