import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backupDatabase,
  identifyBackup,
  maskDatabaseUrl,
  restoreDatabase,
  type ProgressEvent,
} from '../src/cli/backup-engine.js';
import { loadConfig } from '../src/config/config.schema.js';
import type { Database } from '../src/database/database.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const INSTANCE_ROWS = 300;

/** The real command, as `npm run db:backup` / `db:restore` runs it, against one test database. */
function runCli(
  command: 'backup' | 'restore',
  args: string[],
  target: TestDatabaseTarget,
): SpawnSyncReturns<string> {
  // The target's variables alone choose the engine, whatever the outer environment holds.
  const { DATABASE_URL: _url, DATA_DIR: _dataDir, ...inherited } = process.env;
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', `apps/server/src/cli/${command}.ts`, ...args],
    { cwd: REPO_ROOT, env: { ...inherited, ...target.env }, encoding: 'utf8', timeout: 60_000 },
  );
}

async function rowCounts(database: Database): Promise<Record<string, number>> {
  // Ordinary tables only: a partitioned parent holds no rows of its own (its partitions do).
  const tables = await sql<{ name: string }>`
    select relname as name from pg_catalog.pg_class
    where relnamespace = 'public'::regnamespace and relkind = 'r' order by relname`.execute(
    database.db,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const result = await sql<{ count: string }>`
      select count(*) as count from ${sql.table(`public.${name}`)}`.execute(database.db);
    counts[name] = Number(result.rows[0]!.count);
  }
  return counts;
}

/** Opens, reads and closes: the embedded database must be closed before a backup or restore locks it. */
async function countsOf(target: TestDatabaseTarget): Promise<Record<string, number>> {
  const database = await target.open();
  try {
    return await rowCounts(database);
  } finally {
    await database.close();
  }
}

async function insertInstances(database: Database, count: number): Promise<void> {
  await database.db
    .insertInto('server_instances')
    .values(
      Array.from({ length: count }, (_, index) => ({
        id: randomUUID(),
        hostname: `host-${index}`,
        pid: index + 1,
        version: '0.1.0',
      })),
    )
    .execute();
}

const configOf = (target: TestDatabaseTarget) => loadConfig(target.env);

describe.each(testEngines())('db:backup and db:restore on %s', (engine) => {
  const extension = engine === 'postgres' ? 'dump' : 'sql';
  let workDir: string;
  let source: TestDatabaseTarget;
  let restored: TestDatabaseTarget;
  let backupFile: string;
  let sourceCounts: Record<string, number>;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ecogrid-backup-'));
    backupFile = path.join(workDir, `source.${extension}`);
    source = await createTestDatabase(engine);
    const database = await source.open();
    try {
      await insertInstances(database, INSTANCE_ROWS);
      sourceCounts = await rowCounts(database);
    } finally {
      await database.close();
    }
    restored = await createTestDatabase(engine, { migrated: false });
  });

  afterAll(async () => {
    await source?.drop();
    await restored?.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('backs up through the CLI and restores into an empty database with the same row counts', async () => {
    expect(sourceCounts).toMatchObject({
      server_instances: INSTANCE_ROWS,
      schema_migrations: expect.any(Number) as number,
    });

    // Migrations added later add tables; the counts follow the schema instead of a fixed number.
    const tableCount = Object.keys(sourceCounts).length;
    const backup = runCli('backup', ['--out', backupFile], source);
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(
      new RegExp(
        `^backup: wrote .+ \\(${tableCount} tables, [\\d.]+ [kMG]?B\\) in [\\d.]+ s$`,
        'm',
      ),
    );
    if (engine === 'postgres') {
      expect(backup.stdout).toMatch(
        new RegExp(`^backup: \\[\\d+/${tableCount}\\] table public\\.server_instances$`, 'm'),
      );
    }
    expect(identifyBackup(await readFile(backupFile))).toBe(
      engine === 'postgres' ? 'postgres-custom' : 'embedded-sql',
    );

    const events: ProgressEvent[] = [];
    const result = await restoreDatabase({
      config: configOf(restored),
      file: backupFile,
      onProgress: (event) => events.push(event),
    });
    expect(result).toMatchObject({ engine, tables: tableCount });
    expect(events[0]).toMatchObject({ kind: 'phase' });
    if (engine === 'postgres') {
      expect(events).toContainEqual({
        kind: 'table',
        index: expect.any(Number) as number,
        total: tableCount,
        table: 'public.server_instances',
      });
    }
    expect(await countsOf(restored)).toEqual(sourceCounts);
  });

  it('refuses to restore over a database that has tables, naming them, unless forced', async () => {
    const refused = runCli('restore', [backupFile], restored);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /^db:restore: .+ is not empty \(tables in schema public: [a-z_0-9, …]+(\([^)]*\))?\); pass --force/,
    );

    // A row the backup does not have: --force must replace the contents, not add to them.
    const database = await restored.open();
    try {
      await insertInstances(database, 1);
    } finally {
      await database.close();
    }
    await restoreDatabase({ config: configOf(restored), file: backupFile, force: true });
    expect(await countsOf(restored)).toEqual(sourceCounts);
  });

  it('never overwrites an existing backup file', async () => {
    await expect(
      backupDatabase({ config: configOf(source), out: backupFile }),
    ).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
  });

  it.runIf(engine === 'embedded')(
    'refuses to back up while the server holds the data directory',
    async () => {
      const running = await source.open();
      try {
        await expect(
          backupDatabase({ config: configOf(source), out: path.join(workDir, 'locked.sql') }),
        ).rejects.toMatchObject({
          code: 'DATABASE_IN_USE',
          message: expect.stringContaining('stop the server first') as string,
        });
      } finally {
        await running.close();
      }
      expect(existsSync(path.join(workDir, 'locked.sql'))).toBe(false);
    },
  );
});

describe('backup files', () => {
  let workDir: string;
  const cleanups: TestDatabaseTarget[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ecogrid-backup-files-'));
  });

  afterAll(async () => {
    for (const target of cleanups) await target.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('tells a pg_dump archive from a plain-SQL dump by content', () => {
    expect(identifyBackup(Buffer.from('PGDMP\x01\x0e\x00\x04\x08'))).toBe('postgres-custom');
    expect(identifyBackup(Buffer.from('--\n-- PostgreSQL database dump\n--\n'))).toBe(
      'embedded-sql',
    );
    expect(identifyBackup(Buffer.from('id,hostname\n1,a\n'))).toBeUndefined();
  });

  it('refuses a PostgreSQL archive for the embedded engine before touching DATA_DIR', async () => {
    const archive = path.join(workDir, 'from-postgres.dump');
    await writeFile(archive, Buffer.from('PGDMP\x01\x0e\x00\x04\x08 rest of an archive'));
    const dataDir = path.join(workDir, 'never-created');
    await expect(
      restoreDatabase({ config: loadConfig({ DATA_DIR: dataDir }), file: archive }),
    ).rejects.toMatchObject({
      code: 'WRONG_ENGINE',
      message: expect.stringMatching(
        /is a PostgreSQL backup .* cannot be restored into the embedded database/,
      ) as string,
    });
    expect(existsSync(dataDir)).toBe(false);
  });

  it.runIf(testEngines().includes('postgres'))(
    'refuses a backup made by the other engine, naming the engine it came from',
    async () => {
      const embeddedSource = await createTestDatabase('embedded');
      const postgresSource = await createTestDatabase('postgres');
      const embeddedTarget = await createTestDatabase('embedded', { migrated: false });
      const postgresTarget = await createTestDatabase('postgres', { migrated: false });
      cleanups.push(embeddedSource, postgresSource, embeddedTarget, postgresTarget);

      const embeddedBackup = await backupDatabase({
        config: configOf(embeddedSource),
        out: path.join(workDir, 'embedded.sql'),
      });
      const postgresBackup = await backupDatabase({
        config: configOf(postgresSource),
        out: path.join(workDir, 'postgres.dump'),
      });

      await expect(
        restoreDatabase({ config: configOf(postgresTarget), file: embeddedBackup.file }),
      ).rejects.toMatchObject({
        code: 'WRONG_ENGINE',
        message: expect.stringContaining('is a backup of the embedded database') as string,
      });
      await expect(
        restoreDatabase({ config: configOf(embeddedTarget), file: postgresBackup.file }),
      ).rejects.toMatchObject({
        code: 'WRONG_ENGINE',
        message: expect.stringContaining('is a PostgreSQL backup') as string,
      });
      expect(await countsOf(postgresTarget)).toEqual({});
    },
  );

  it('masks the password of a database URL', () => {
    expect(maskDatabaseUrl('postgres://ops:p%40ss@db.example.com:5433/ems?sslmode=require')).toBe(
      'postgres://ops:*****@db.example.com:5433/ems?sslmode=require',
    );
    expect(maskDatabaseUrl('postgres://ops@db.example.com/ems')).toBe(
      'postgres://ops@db.example.com/ems',
    );
  });
});
