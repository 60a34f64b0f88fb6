-- Each running server process registers itself, so operators can see which versions are live
-- during a rolling upgrade, and a process that died without deregistering ages out.

-- migrate:up
create table server_instances (
  id uuid primary key,
  hostname text not null check (length(hostname) <= 255),
  pid integer not null check (pid > 0),
  version text not null check (length(version) <= 64),
  started_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);

create index server_instances_last_seen_at_idx on server_instances (last_seen_at);

comment on table server_instances is 'Live server processes; a row is refreshed by its heartbeat and removed on shutdown.';

-- migrate:down
drop table server_instances;
