import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.schema.js';
import { Database } from './database.js';
import { SchemaMigrator } from './migrations.js';
import { RUNTIME_ROLE } from './roles.js';

/**
 * What start-up does to the database before serving: refuse a newer schema, apply pending
 * migrations (as the owner: `DATABASE_MIGRATION_URL` when set), then drop to the runtime role so
 * every later query is subject to row-level security.
 */
export async function prepareDatabase(
  database: Database,
  config: AppConfig,
  logger: Logger,
): Promise<void> {
  const migrator = await SchemaMigrator.create(database.db);
  await migrator.assertNotNewerThanCode();
  const pendingAtStart = await migrator.pending();
  if (pendingAtStart.length === 0) logger.info('schema is current');
  // Only when something is pending: a current schema needs no lock, nor the owner's rights.
  if (config.MIGRATE_ON_START && pendingAtStart.length > 0) {
    const owner = config.DATABASE_MIGRATION_URL
      ? await Database.open({
          url: config.DATABASE_MIGRATION_URL,
          dataDir: config.DATA_DIR,
          poolMax: 1,
          connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
        })
      : database;
    try {
      const applied = await (
        owner === database ? migrator : await SchemaMigrator.create(owner.db)
      ).up();
      logger.info(
        { applied },
        applied.length ? `applied ${applied.length} migration(s)` : 'schema is current',
      );
    } finally {
      if (owner !== database) await owner.close();
    }
  }
  const pending = await migrator.pending();
  if (pending.length > 0) {
    logger.warn(
      { pending: pending.map((migration) => migration.name) },
      'pending migrations; not ready until they are applied',
    );
    return;
  }
  await database.useRuntimeRole(RUNTIME_ROLE);
}
