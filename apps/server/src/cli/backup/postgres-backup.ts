import { sql } from 'kysely';
import type { AppConfig } from '../../config/config.schema.js';
import { Database, describeDatabaseUrl } from '../../database/database.js';
import { ENSURE_RUNTIME_ROLE_SQL } from '../../database/roles.js';
import { archiveDataTables, runTool, toolConnection } from './postgres-tools.js';
import type { ProgressListener } from './progress.js';
import { PUBLIC_TABLES_SQL, refuseNonEmpty } from './tables.js';

export interface PostgresTarget {
  url: string;
  /** host:port/database, without credentials. */
  description: string;
}

export function postgresTarget(url: string): PostgresTarget {
  return { url, description: describeDatabaseUrl(url) };
}

async function withDatabase<T>(
  config: AppConfig,
  url: string,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await Database.open({
    url,
    dataDir: config.DATA_DIR,
    poolMax: 1,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Tables pg_dump will dump the data of: ordinary tables outside the system schemas and extensions. */
async function countDataTables(database: Database): Promise<number> {
  const result = await sql<{ count: string }>`
    select count(*) as count
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r'
      and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like 'pg\_toast%'
      and not exists (
        select 1 from pg_catalog.pg_depend d
        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
      )`.execute(database.db);
  return Number(result.rows[0]?.count ?? 0);
}

export async function publicTables(database: Database): Promise<string[]> {
  const result = await sql.raw<{ name: string }>(PUBLIC_TABLES_SQL).execute(database.db);
  return result.rows.map((row) => row.name);
}

/** Reports tables as [n/total]; the total is an estimate made beforehand, so never below n. */
function tableCounter(total: number, onProgress: ProgressListener): (table: string) => void {
  let index = 0;
  return (table) => {
    index += 1;
    onProgress({ kind: 'table', index, total: Math.max(total, index), table });
  };
}

/** pg_dump's custom format: compressed, restorable table by table, and told apart by its magic bytes. */
export async function dumpPostgres(
  config: AppConfig,
  target: PostgresTarget,
  file: string,
  onProgress: ProgressListener,
): Promise<number> {
  // Connecting first fails fast, with the server's message, when the database is unreachable.
  const total = await withDatabase(config, target.url, countDataTables);
  onProgress({ kind: 'phase', message: `dumping ${target.description} (${total} tables)` });
  const connection = toolConnection(target.url, config.DATABASE_CONNECT_TIMEOUT_MS);
  let dumped = 0;
  const onTable = tableCounter(total, onProgress);
  await runTool({
    tool: 'pg_dump',
    args: ['--format=custom', '--verbose', `--file=${file}`, `--dbname=${connection.dbname}`],
    connection,
    onTable: (table) => {
      dumped += 1;
      onTable(table);
    },
  });
  return dumped;
}

export async function restorePostgres(
  config: AppConfig,
  target: PostgresTarget,
  file: string,
  force: boolean,
  onProgress: ProgressListener,
): Promise<number> {
  // Reading the archive's table of contents first also rejects a damaged file before touching the database.
  const total = await archiveDataTables(file);
  await withDatabase(config, target.url, async (database) => {
    if (!force) refuseNonEmpty(`the database ${target.description}`, await publicTables(database));
    await sql.raw(ENSURE_RUNTIME_ROLE_SQL).execute(database.db);
  });
  onProgress({ kind: 'phase', message: `restoring ${total} tables into ${target.description}` });
  const connection = toolConnection(target.url, config.DATABASE_CONNECT_TIMEOUT_MS);
  let restored = 0;
  const onTable = tableCounter(total, onProgress);
  await runTool({
    tool: 'pg_restore',
    args: [
      '--verbose',
      '--no-owner',
      '--exit-on-error',
      // All or nothing: a failed restore (or a failed --clean) leaves the database as it was.
      '--single-transaction',
      ...(force ? ['--clean', '--if-exists'] : []),
      `--dbname=${connection.dbname}`,
      file,
    ],
    connection,
    onTable: (table) => {
      restored += 1;
      onTable(table);
    },
  });
  return restored;
}
