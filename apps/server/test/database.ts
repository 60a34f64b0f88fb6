import { randomBytes } from 'node:crypto';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { Database } from '../src/database/database.js';

export type TestEngine = 'embedded' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. */
export function testEngines(): TestEngine[] {
  return process.env.TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];
}

export interface TestDatabaseTarget {
  engine: TestEngine;
  /** For a server process: `DATABASE_URL` on PostgreSQL, `DATA_DIR` for the embedded engine. */
  env: Record<string, string>;
  url: string | undefined;
  dataDir: string;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A fresh database of its own for one test file (migrated unless told otherwise). */
export async function createTestDatabase(
  engine: TestEngine,
  options: { migrated?: boolean } = {},
): Promise<TestDatabaseTarget> {
  const templates = inject('testDatabases');
  const migrated = options.migrated ?? true;
  if (engine === 'embedded') {
    const dataDir = path.join(templates.runDir, uniqueName('db'));
    await cp(migrated ? templates.embeddedMigrated : templates.embeddedEmpty, dataDir, {
      recursive: true,
    });
    return {
      engine,
      env: { DATA_DIR: dataDir },
      url: undefined,
      dataDir,
      open: () => Database.open({ dataDir, poolMax: 1, connectTimeoutMs: 10_000 }),
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl || !templates.postgresTemplate) throw new Error('TEST_DATABASE_URL is not set');
  const name = uniqueName('ecogrid_test');
  await withAdmin(adminUrl, (admin) =>
    admin.query(
      `create database "${name}" template "${migrated ? templates.postgresTemplate : 'template0'}"`,
    ),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataDir = path.join(templates.runDir, name);
  return {
    engine,
    env: { DATABASE_URL: url.href },
    url: url.href,
    dataDir,
    open: () => Database.open({ url: url.href, dataDir, poolMax: 5, connectTimeoutMs: 10_000 }),
    drop: async () => {
      await withAdmin(adminUrl, (admin) =>
        admin.query(`drop database if exists "${name}" with (force)`),
      );
    },
  };
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
