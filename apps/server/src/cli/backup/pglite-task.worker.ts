/**
 * Runs one backup or restore step on PGlite in its own thread. PGlite and its pg_dump are WASM that
 * hold the thread for the whole dump or restore; here the main thread stays free to print progress
 * and, above all, to keep refreshing the data directory lock (a lock not refreshed for 10 s counts as
 * stale, and the server could then open the same directory).
 */
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { embeddedDumpHeader } from './backup-file.js';
import { PUBLIC_TABLES_SQL } from './tables.js';
import { ENSURE_RUNTIME_ROLE_SQL } from '../../database/roles.js';

export type PgliteTask =
  | { kind: 'dump'; pgliteDir: string; outFile: string }
  | { kind: 'restore'; pgliteDir: string; sqlFile: string; force: boolean };

export type PgliteTaskMessage =
  /** A long step begins; the main thread shows a ticker until the next message. */
  | { type: 'step'; activity: string }
  | { type: 'dumped'; tables: number }
  | { type: 'restored'; tables: number }
  | { type: 'not-empty'; tables: string[] }
  | { type: 'failed'; message: string };

/** As in a fresh PostgreSQL 15+ database, so --force leaves public as initdb made it. */
const RECREATE_PUBLIC_SCHEMA = `
  drop schema public cascade;
  create schema public authorization pg_database_owner;
  grant usage on schema public to public;
  comment on schema public is 'standard public schema';`;

/** Tables with data in a dump: ordinary tables outside the system schemas. */
const DATA_TABLES_SQL = `
  select count(*)::int as count
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
    and n.nspname not like 'pg\\_toast%'`;

const task = workerData as PgliteTask;
const port = parentPort!;

function post(message: PgliteTaskMessage): void {
  port.postMessage(message);
}

async function publicTables(pg: PGlite): Promise<string[]> {
  return (await pg.query<{ name: string }>(PUBLIC_TABLES_SQL)).rows.map((row) => row.name);
}

async function dataTables(pg: PGlite): Promise<number> {
  return (await pg.query<{ count: number }>(DATA_TABLES_SQL)).rows[0]?.count ?? 0;
}

async function dump(pg: PGlite, outFile: string): Promise<PgliteTaskMessage> {
  const tables = await dataTables(pg);
  const version = (await pg.query<{ server_version: string }>('show server_version')).rows[0];
  post({ type: 'step', activity: 'dumping' });
  // pgDump adds --inserts: plain SQL that pg.exec() can replay, which is how restore reads it.
  const file = await pgDump({ pg, args: [] });
  post({ type: 'step', activity: 'writing' });
  const header = embeddedDumpHeader(version?.server_version ?? 'unknown', new Date());
  await writeFile(outFile, header);
  // Streamed: a dump can be hundreds of MB, and a joined string would be one more copy of it.
  await pipeline(
    Readable.fromWeb(file.stream() as ReadableStream<Uint8Array>),
    createWriteStream(outFile, { flags: 'a' }),
  );
  return { type: 'dumped', tables };
}

async function restore(pg: PGlite, sqlFile: string, force: boolean): Promise<PgliteTaskMessage> {
  const existing = await publicTables(pg);
  if (existing.length > 0 && !force) return { type: 'not-empty', tables: existing };
  const searchPath = (await pg.query<{ search_path: string }>('show search_path')).rows[0];
  const dumpText = await readFile(sqlFile, 'utf8');
  post({ type: 'step', activity: 'restoring' });
  // One transaction: a dump that fails half-way (or a failed --force) leaves the database as it was.
  await pg.transaction(async (transaction) => {
    if (force) await transaction.exec(RECREATE_PUBLIC_SCHEMA);
    await transaction.exec(ENSURE_RUNTIME_ROLE_SQL);
    await transaction.exec(dumpText);
  });
  // The dump empties search_path for its own statements; restore the session's as pglite-tools advises.
  if (searchPath) await pg.exec(`set search_path to ${searchPath.search_path}`);
  return { type: 'restored', tables: await dataTables(pg) };
}

async function run(): Promise<PgliteTaskMessage> {
  // Opening a new directory runs initdb, which takes seconds.
  post({ type: 'step', activity: 'opening the database' });
  const pg = await PGlite.create({ dataDir: task.pgliteDir });
  try {
    return task.kind === 'dump'
      ? await dump(pg, task.outFile)
      : await restore(pg, task.sqlFile, task.force);
  } finally {
    // Closing flushes PGlite's data files; the main thread waits for this thread to exit before unlocking.
    await pg.close();
  }
}

run().then(post, (error: unknown) => {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
});
