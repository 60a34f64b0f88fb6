import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRootLogger } from './common/logger.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.schema.js';
import { Database, DatabaseUnreachableError, RuntimeRoleError } from './database/database.js';
import { DataDirLockedError } from './database/embedded/data-dir-lock.js';
import { MigrationFailedError, SchemaNewerThanCodeError } from './database/migrations.js';
import { prepareDatabase } from './database/prepare.js';
import { EmbeddedBrokerService } from './mqtt/embedded-broker.service.js';
import { SeedService, type SeededCredentials } from './seed/seed.service.js';
import { createServer, shutdown } from './server.js';

/** Start-up failures an operator can fix: reported as one line, without a stack trace. */
const EXPECTED_FAILURES = [
  ConfigError,
  DatabaseUnreachableError,
  DataDirLockedError,
  SchemaNewerThanCodeError,
  MigrationFailedError,
  RuntimeRoleError,
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

function mqttLines(embeddedUrl: string | undefined, externalUrl: string | undefined): string[] {
  if (embeddedUrl)
    return [
      `  MQTT:      ${embeddedUrl} (embedded broker; devices sign in with their id and secret)`,
    ];
  if (externalUrl)
    return [`  MQTT:      external broker ${externalUrl.replace(/\/\/[^@/]*@/, '//')}`];
  return [];
}

function credentialLines(seeded: SeededCredentials[]): string[] {
  const shown = seeded.filter((account) => account.password !== undefined);
  if (shown.length === 0) return [];
  const width = Math.max(...shown.map((account) => account.username.length));
  return [
    '  Sign in with (demo credentials, development only):',
    ...shown.map(
      (account) => `    ${account.username.padEnd(width)}  ${account.password}   (${account.role})`,
    ),
  ];
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
  let seeded: SeededCredentials[] = [];
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
    await prepareDatabase(database, config, logger);
    app = await createServer({ config, database, logger });
    seeded = database.role ? await app.get(SeedService).run() : [];
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
      ...mqttLines(app.get(EmbeddedBrokerService).url, config.MQTT_URL),
      ...credentialLines(seeded),
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
