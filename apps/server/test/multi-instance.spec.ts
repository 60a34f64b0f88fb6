import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabaseTarget } from './database.js';
import { listeningPort, SERVER_ENTRY, spawnServer, type ServerProcess } from './process.js';

const INSTANCES = 5;

// Several processes can share only a real PostgreSQL server; the embedded database is one process
// by design (its data directory is locked), which startup-failures.spec.ts covers.
describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'instances starting together on one empty PostgreSQL database',
  () => {
    let target: TestDatabaseTarget;
    const servers: ServerProcess[] = [];

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await target?.drop();
    });

    it('apply each migration exactly once, all become ready, and log no error', async () => {
      target = await createTestDatabase('postgres', { migrated: false });
      for (let index = 0; index < INSTANCES; index++) {
        servers.push(spawnServer(SERVER_ENTRY, { ...target.env, LOG_LEVEL: 'info' }));
      }
      const ports = await Promise.all(servers.map((server) => listeningPort(server)));
      for (const port of ports) {
        const response = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
        expect(response.status).toBe(200);
      }

      const database = await target.open();
      try {
        const applied = await sql<{ name: string; times: number }>`
        select name, count(*)::int as times from schema_migrations group by name`.execute(
          database.db,
        );
        const files = (await import('../src/database/migrations.js')).readMigrations;
        expect(applied.rows.map((row) => row.name).sort()).toEqual(
          (await files()).map((m) => m.name),
        );
        for (const row of applied.rows) expect(row.times).toBe(1);
        const instances = await database.db.selectFrom('server_instances').select('pid').execute();
        expect(instances).toHaveLength(INSTANCES);
      } finally {
        await database.close();
      }

      const migrationLogs = servers.map((server) => server.stdout()).join('\n');
      expect(migrationLogs.match(/applied \d+ migration/g) ?? []).toHaveLength(1);
      for (const server of servers) {
        const errorLines = server
          .stdout()
          .split('\n')
          .filter((line) => /"level":"(error|fatal)"/.test(line));
        expect(errorLines).toEqual([]);
        expect(server.stderr().trim()).toBe('');
      }
    });
  },
);
