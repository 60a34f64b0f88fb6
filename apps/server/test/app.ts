import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import { loadConfig, type AppConfig } from '../src/config/config.schema.js';
import type { Database } from '../src/database/database.js';
import { createServer } from '../src/server.js';
import { ProbeModule } from './fixtures/probe.module.js';
import { createRootLogger } from '../src/common/logger.js';
import { prepareDatabase } from '../src/database/prepare.js';
import { SeedService } from '../src/seed/seed.service.js';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Every JSON log line the app wrote. */
  logs: Record<string, unknown>[];
}

/** The real application in-process (with the probe routes), logging into memory. */
export async function createTestApp(
  database: Database,
  environment: Record<string, string> = {},
  webRoot?: string,
): Promise<TestApp> {
  // MQTT_PORT 0: each app's embedded broker on a free port, so test files never collide.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    ...environment,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  const logger = createRootLogger({ level: 'info', pretty: false, destination: sink });
  // As main.ts: the migrated database, then the runtime role, then the app, then the seed.
  await prepareDatabase(database, config, logger);
  const app = await createServer({
    config,
    database,
    logger,
    imports: [ProbeModule],
    ...(webRoot ? { webRoot } : {}),
  });
  await app.getHttpAdapter().getInstance().ready();
  await app.get(SeedService).run();
  return { app, config, logs };
}
