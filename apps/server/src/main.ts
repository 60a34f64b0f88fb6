import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRootLogger } from './common/logger.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.schema.js';
import { Database, DatabaseUnreachableError } from './database/database.js';
import { DataDirLockedError } from './database/embedded/data-dir-lock.js';
import {
  MigrationFailedError,
  SchemaMigrator,
  SchemaNewerThanCodeError,
} from './database/migrations.js';
import { createServer, shutdown } from './server.js';

/** Start-up failures an operator can fix: reported as one line, without a stack trace. */
const EXPECTED_FAILURES = [
  ConfigError,
  DatabaseUnreachableError,
  DataDirLockedError,
  SchemaNewerThanCodeError,
  MigrationFailedError,
];

function failStartup(error: unknown): never {
  const expected = EXPECTED_FAILURES.some((type) => error instanceof type);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (expected || code === 'EADDRINUSE' || code === 'EACCES') {
    process.stderr.write(`ecogrid: cannot start: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(
      `ecogrid: cannot start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
}

function publicUrl(config: AppConfig, port: number): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/$/, '');
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return `http://${host}:${port}`;
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    failStartup(error);
  }
  const logger = createRootLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

  let database: Database | undefined;
  let app: NestFastifyApplication | undefined;
  try {
    database = await Database.open({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      embeddedPort: config.EMBEDDED_DB_PORT,
      poolMax: config.DATABASE_POOL_MAX,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      onEmbeddedLockLost: (error) => {
        logger.fatal({ err: error }, 'lost the lock on the embedded data directory; stopping');
        process.kill(process.pid, 'SIGTERM');
      },
    });
    const migrator = await SchemaMigrator.create(database.db);
    await migrator.assertNotNewerThanCode();
    if (config.MIGRATE_ON_START) {
      const applied = await migrator.up();
      logger.info(
        { applied },
        applied.length ? `applied ${applied.length} migration(s)` : 'schema is current',
      );
    } else {
      const pending = await migrator.pending();
      if (pending.length)
        logger.warn(
          { pending: pending.map((m) => m.name) },
          'pending migrations; not ready until applied',
        );
    }
    app = await createServer({ config, database, logger });
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    failStartup(error);
  }

  const address = app.getHttpAdapter().getInstance().server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = publicUrl(config, port);
  logger.info({ url, database: database.target, engine: database.engine }, 'EcoGrid EMS is up');
  process.stdout.write(
    [
      '',
      `  EcoGrid EMS is running at ${url}`,
      `  API docs:  ${url}/api/docs`,
      `  Database:  ${database.engine === 'embedded' ? `embedded PostgreSQL in ${database.target.replace(/^embedded /, '')}` : database.target}`,
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      const code = await shutdown(app, config, signal);
      await database
        .close()
        .catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'));
      logger.flush();
      process.exit(code);
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; shutting down');
    process.exitCode = 1;
    stop('uncaughtException');
  });
}

void main();
