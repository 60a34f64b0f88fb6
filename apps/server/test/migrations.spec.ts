import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type Database } from '../src/database/database.js';
import {
  parseMigrationFile,
  readMigrations,
  SchemaMigrator,
  SchemaNewerThanCodeError,
} from '../src/database/migrations.js';
import { createTestDatabase, testEngines } from './database.js';

async function tableExists(database: Database, name: string): Promise<boolean> {
  const result = await sql<{
    exists: boolean;
  }>`select to_regclass(${name}) is not null as exists`.execute(database.db);
  return result.rows[0]!.exists;
}

describe('migration files', () => {
  it('are numbered, unique and each has an up and a down section', async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const numbers = migrations.map((migration) => migration.name.slice(0, 4));
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const migration of migrations) {
      expect(migration.up).not.toBe('');
      expect(migration.down).not.toBe('');
    }
  });

  it('refuses a file without its sections', () => {
    expect(() => parseMigrationFile('0002_bad', 'create table x ();')).toThrow(/migrate:up/);
  });
});

describe.each(testEngines())('migrations on %s', (engine) => {
  it('apply, report status, revert and re-apply', async () => {
    const target = await createTestDatabase(engine, { migrated: false });
    const database = await target.open();
    try {
      const migrator = await SchemaMigrator.create(database.db);
      expect(await migrator.appliedNames()).toEqual([]);
      const names = migrator.migrations.map((migration) => migration.name);
      expect(await migrator.up()).toEqual(names);
      expect(await migrator.up()).toEqual([]);
      expect(
        (await migrator.status()).every((migration) => migration.appliedAt instanceof Date),
      ).toBe(true);
      expect(await tableExists(database, 'server_instances')).toBe(true);

      expect(await migrator.down()).toEqual([names.at(-1)]);
      expect(await migrator.pending()).toHaveLength(1);
      await migrator.up();
      expect(await migrator.pending()).toEqual([]);
    } finally {
      await database.close();
      await target.drop();
    }
  });

  it('refuses to run against a schema newer than the code', async () => {
    const target = await createTestDatabase(engine);
    const database = await target.open();
    try {
      await sql`insert into schema_migrations (name, timestamp) values ('9999_future', now()::text)`.execute(
        database.db,
      );
      const migrator = await SchemaMigrator.create(database.db);
      await expect(migrator.up()).rejects.toBeInstanceOf(SchemaNewerThanCodeError);
      await expect(migrator.down()).rejects.toThrow(/9999_future/);
    } finally {
      await database.close();
      await target.drop();
    }
  });

  it.runIf(engine === 'postgres')(
    'apply each migration once when five migrators race',
    async () => {
      const target = await createTestDatabase(engine, { migrated: false });
      const databases = await Promise.all(Array.from({ length: 5 }, () => target.open()));
      try {
        const results = await Promise.all(
          databases.map(async (database) => (await SchemaMigrator.create(database.db)).up()),
        );
        const migrations = await readMigrations();
        expect(results.flat().sort()).toEqual(migrations.map((migration) => migration.name).sort());
        const counts = await sql<{ times: number }>`
        select count(*)::int as times from schema_migrations group by name`.execute(
          databases[0]!.db,
        );
        for (const row of counts.rows) expect(row.times).toBe(1);
      } finally {
        await Promise.all(databases.map((database) => database.close()));
        await target.drop();
      }
    },
  );
});
