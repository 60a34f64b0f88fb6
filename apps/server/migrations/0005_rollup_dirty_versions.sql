-- Rollup marks carry a version so that ingest never waits for the rollup job.
--
-- Before, the job deleted the marks it claimed at the start of its transaction, and a write that
-- touched the same bucket (the current one, for every live device) waited on that delete until the
-- whole recompute committed. Now the job reads marks without locking them, recomputes, and at the
-- end deletes only marks whose version is still the one it read; a write in the meantime bumps the
-- version, so its bucket stays dirty and is recomputed on the next run.

-- migrate:up
alter table rollup_dirty add column version bigint not null default 0;

-- migrate:down
alter table rollup_dirty drop column version;
