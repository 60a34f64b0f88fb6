import { readdir, readFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import {
  Migrator,
  NO_MIGRATIONS,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
} from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against every schema version
type AnyDatabase = Kysely<any>;

export const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);
export const MIGRATION_TABLE = 'schema_migrations';
export const MIGRATION_LOCK_TABLE = 'schema_migrations_lock';

export interface SqlMigration {
  name: string;
  up: string;
  down: string;
}

/** Splits a reviewed SQL file into its `-- migrate:up` and `-- migrate:down` sections. */
export function parseMigrationFile(name: string, text: string): SqlMigration {
  const upMarker = text.indexOf('-- migrate:up');
  const downMarker = text.indexOf('-- migrate:down');
  if (upMarker === -1 || downMarker === -1 || downMarker < upMarker) {
    throw new Error(`migration ${name}: needs "-- migrate:up" then "-- migrate:down" sections`);
  }
  return {
    name,
    up: text.slice(upMarker + '-- migrate:up'.length, downMarker).trim(),
    down: text.slice(downMarker + '-- migrate:down'.length).trim(),
  };
}

export async function readMigrations(dir: URL = MIGRATIONS_DIR): Promise<SqlMigration[]> {
  const files = (await readdir(dir)).filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) =>
      parseMigrationFile(file.replace(/\.sql$/, ''), await readFile(new URL(file, dir), 'utf8')),
    ),
  );
}

class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: SqlMigration[]) {}

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(
      Object.fromEntries(
        this.migrations.map((migration) => [
          migration.name,
          {
            // Without parameters node-postgres sends the simple protocol, so a file may hold many statements.
            up: async (db: AnyDatabase) => {
              await sql.raw(migration.up).execute(db);
            },
            down: async (db: AnyDatabase) => {
              await sql.raw(migration.down).execute(db);
            },
          },
        ]),
      ),
    );
  }
}

export class SchemaNewerThanCodeError extends Error {
  constructor(unknown: string[]) {
    super(
      `the database schema is newer than this code: it has migration(s) ${unknown.join(', ')} that ` +
        'this version does not know; run the newer version, or roll the schema back with that version\'s "migrate down"',
    );
    this.name = 'SchemaNewerThanCodeError';
  }
}

export class MigrationFailedError extends Error {
  constructor(name: string | undefined, cause: unknown) {
    super(
      `migration ${name ?? '(unknown)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'MigrationFailedError';
  }
}

export interface MigrationStatus {
  name: string;
  appliedAt: Date | undefined;
}

/**
 * Applies the SQL migrations under a PostgreSQL advisory lock (Kysely's migrator takes it), so
 * instances starting together apply each migration exactly once.
 */
export class SchemaMigrator {
  private readonly migrator: Migrator;

  constructor(
    private readonly db: AnyDatabase,
    readonly migrations: SqlMigration[],
  ) {
    this.migrator = new Migrator({
      db,
      provider: new SqlFileMigrationProvider(migrations),
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
    });
  }

  static async create(db: AnyDatabase): Promise<SchemaMigrator> {
    return new SchemaMigrator(db, await readMigrations());
  }

  /** Names recorded in the database, oldest first; empty when never migrated. */
  async appliedNames(): Promise<string[]> {
    const table = await sql<{ exists: boolean }>`
      select to_regclass(${MIGRATION_TABLE}) is not null as exists`.execute(this.db);
    if (!table.rows[0]?.exists) return [];
    const rows = await sql<{ name: string }>`
      select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(this.db);
    return rows.rows.map((row) => row.name);
  }

  async status(): Promise<MigrationStatus[]> {
    const known = await this.migrator.getMigrations();
    return known.map((migration) => ({ name: migration.name, appliedAt: migration.executedAt }));
  }

  async unknownApplied(): Promise<string[]> {
    const known = new Set(this.migrations.map((migration) => migration.name));
    return (await this.appliedNames()).filter((name) => !known.has(name));
  }

  async pending(): Promise<SqlMigration[]> {
    const applied = new Set(await this.appliedNames());
    return this.migrations.filter((migration) => !applied.has(migration.name));
  }

  async assertNotNewerThanCode(): Promise<void> {
    const unknown = await this.unknownApplied();
    if (unknown.length > 0) throw new SchemaNewerThanCodeError(unknown);
  }

  /** Applies every pending migration; returns the names applied by this call. */
  async up(): Promise<string[]> {
    await this.assertNotNewerThanCode();
    return this.applied(await this.migrator.migrateToLatest());
  }

  /** Reverts the most recent migration; returns its name, if any. */
  async down(): Promise<string[]> {
    await this.assertNotNewerThanCode();
    return this.applied(await this.migrator.migrateDown());
  }

  /** Reverts everything (used by the drift check's round trip). */
  async downToZero(): Promise<string[]> {
    await this.assertNotNewerThanCode();
    return this.applied(await this.migrator.migrateTo(NO_MIGRATIONS));
  }

  private applied(resultSet: MigrationResultSet): string[] {
    if (resultSet.error) {
      const failed = resultSet.results?.find((result) => result.status === 'Error');
      throw new MigrationFailedError(failed?.migrationName, resultSet.error);
    }
    return (resultSet.results ?? []).map((result) => result.migrationName);
  }
}
