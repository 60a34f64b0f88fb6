/**
 * npm run db:drift [-- --write]
 * Proves that the schema the code expects and the migrations agree: migrates a fresh database,
 * regenerates the Kysely types from it and compares them with the committed
 * src/database/schema.generated.ts (--write updates that file instead). Then reverts every
 * migration, checks nothing is left behind, and migrates up again: down migrations stay honest.
 * Runs on the embedded engine, and also on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { Database } from '../database/database.js';
import { EmbeddedPostgres } from '../database/embedded/embedded-postgres.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, SchemaMigrator } from '../database/migrations.js';
import { exitWithError } from './cli-database.js';

const SCHEMA_FILE = fileURLToPath(new URL('../database/schema.generated.ts', import.meta.url));
const CODEGEN_BIN = createRequire(import.meta.url).resolve('kysely-codegen/dist/cli/bin.js');

function codegen(url: string, write: boolean): void {
  execFileSync(
    process.execPath,
    [
      CODEGEN_BIN,
      '--dialect',
      'postgres',
      '--url',
      url,
      '--out-file',
      SCHEMA_FILE,
      '--exclude-pattern',
      `${MIGRATION_TABLE}*`,
      '--log-level',
      'error',
      ...(write ? [] : ['--verify']),
    ],
    { stdio: 'inherit' },
  );
}

async function userTables(database: Database): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_name not in (${MIGRATION_TABLE}, ${MIGRATION_LOCK_TABLE})
    order by 1`.execute(database.db);
  return result.rows.map((row) => row.name);
}

async function check(
  label: string,
  url: string,
  database: Database,
  write: boolean,
): Promise<void> {
  const migrator = await SchemaMigrator.create(database.db);
  await migrator.up();
  try {
    codegen(url, write);
  } catch {
    throw new Error(
      `${label}: src/database/schema.generated.ts disagrees with the migrations; ` +
        'run "npm run db:drift -- --write" and review the difference',
    );
  }
  const reverted = await migrator.downToZero();
  const left = await userTables(database);
  if (left.length > 0) {
    throw new Error(`${label}: tables left after reverting every migration: ${left.join(', ')}`);
  }
  await migrator.up();
  process.stdout.write(
    `drift: ${label}: schema matches ${migrator.migrations.length} migration(s); ` +
      `${reverted.length} reverted cleanly and re-applied\n`,
  );
}

async function checkEmbedded(write: boolean): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ecogrid-drift-'));
  // kysely-codegen introspects over several connections at once.
  const server = await EmbeddedPostgres.start({ dataDir, port: 0, maxConnections: 32 });
  const database = await Database.open({
    url: server.connectionString,
    dataDir,
    poolMax: 1,
    connectTimeoutMs: 10_000,
  });
  try {
    await check('embedded', server.connectionString, database, write);
  } finally {
    await database.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function checkPostgres(adminUrl: string, write: boolean): Promise<void> {
  const name = `ecogrid_drift_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await Database.open({
    url: url.href,
    dataDir: tmpdir(),
    poolMax: 2,
    connectTimeoutMs: 10_000,
  });
  try {
    await check('postgres', url.href, database, write);
  } finally {
    await database.close();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
  await checkEmbedded(values.write);
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) await checkPostgres(adminUrl, false);
}

main().catch((error: unknown) => exitWithError('drift', error));
