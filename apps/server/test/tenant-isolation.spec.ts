import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { RUNTIME_ROLE } from '../src/database/roles.js';
import { inScope } from '../src/database/scope.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';
import { createTenant, createUser, login, PLATFORM_ADMIN, TEST_JWT_SECRET } from './identity.js';

describe.each(testEngines())('tenant isolation in the database on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let tenantA: string;
  let tenantB: string;
  let tenantOwnedTables: string[];

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
    });
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    tenantA = (await createTenant(testApp.app, platform)).id;
    tenantB = (await createTenant(testApp.app, platform)).id;
    for (const tenantId of [tenantA, tenantB]) {
      const user = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
      const admin = await login(testApp.app, user.username, user.password);
      // A site, a device and a reading per tenant, so the telemetry tables have rows to hide too.
      const site = await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/sites',
        headers: admin.headers,
        payload: { name: 'Site', latitude: 50, longitude: 8, timezone: 'Europe/Berlin' },
      });
      const device = await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/devices',
        headers: admin.headers,
        payload: { siteId: site.json<{ id: string }>().id, type: 'load', name: 'Load' },
      });
      const { device: created, credentials } = device.json<{
        device: { id: string };
        credentials: { secret: string };
      }>();
      await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/ingest',
        headers: {
          authorization: `Basic ${Buffer.from(`${created.id}:${credentials.secret}`).toString('base64')}`,
        },
        payload: { metrics: { power_kw: 1.5, energy_kwh: 10, bogus: 1 } },
      });
    }
    const tables = await inScope(database.db, 'platform', (trx) =>
      sql<{ table_name: string }>`
        select table_name from information_schema.columns
        where table_schema = 'public' and column_name = 'tenant_id' order by 1`.execute(trx),
    );
    tenantOwnedTables = [...tables.rows.map((row) => row.table_name), 'tenants'];
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  it('runs the server as a role that owns nothing and cannot bypass row-level security', async () => {
    expect(database.role).toBe(RUNTIME_ROLE);
    const role = await sql<{ current_user: string; rolsuper: boolean; rolbypassrls: boolean }>`
      select current_user, rolsuper, rolbypassrls from pg_roles where rolname = current_user`.execute(
      database.db,
    );
    expect(role.rows[0]).toEqual({
      current_user: RUNTIME_ROLE,
      rolsuper: false,
      rolbypassrls: false,
    });
    const owned = await sql<{ count: number }>`
      select count(*)::int as count from pg_tables where schemaname = 'public' and tableowner = current_user`.execute(
      database.db,
    );
    expect(owned.rows[0]!.count).toBe(0);
  });

  it('enables and forces row-level security on every tenant-owned table', async () => {
    expect(tenantOwnedTables).toEqual(
      expect.arrayContaining(['users', 'sessions', 'refresh_tokens', 'audit_logs', 'tenants']),
    );
    const flags = await sql<{
      relname: string;
      relrowsecurity: boolean;
      relforcerowsecurity: boolean;
    }>`
      select relname, relrowsecurity, relforcerowsecurity from pg_class
      where relnamespace = 'public'::regnamespace and relname = any(${tenantOwnedTables})`.execute(
      database.db,
    );
    expect(flags.rows).toHaveLength(tenantOwnedTables.length);
    for (const row of flags.rows)
      expect(row, row.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it('returns no rows from a raw SELECT on any tenant-owned table when no tenant is set', async () => {
    const withRows: string[] = [];
    for (const table of tenantOwnedTables) {
      const everything = await inScope(database.db, 'platform', (trx) =>
        sql<{ count: number }>`select count(*)::int as count from ${sql.table(table)}`.execute(trx),
      );
      if (everything.rows[0]!.count > 0) withRows.push(table);
      const unscoped = await sql<{
        count: number;
      }>`select count(*)::int as count from ${sql.table(table)}`.execute(database.db);
      expect(unscoped.rows[0]!.count, table).toBe(0);
    }
    // The check means something only where there is something to hide.
    expect(withRows).toEqual(
      expect.arrayContaining([
        'tenants',
        'users',
        'sessions',
        'refresh_tokens',
        'audit_logs',
        'sites',
        'devices',
        'device_credentials',
        'readings',
        'ingest_dead_letters',
      ]),
    );
  });

  it("shows a tenant only its own rows and refuses writing another tenant's", async () => {
    const users = await inScope(database.db, { tenantId: tenantA }, (trx) =>
      sql<{ tenant_id: string }>`select distinct tenant_id from users`.execute(trx),
    );
    expect(users.rows.map((row) => row.tenant_id)).toEqual([tenantA]);
    await expect(
      inScope(database.db, { tenantId: tenantA }, (trx) =>
        sql`insert into audit_logs (tenant_id, action) values (${tenantB}, 'forged')`.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);
    const moved = await inScope(database.db, { tenantId: tenantA }, (trx) =>
      sql`update users set display_name = 'moved' where tenant_id = ${tenantB}`.execute(trx),
    );
    expect(Number(moved.numAffectedRows ?? 0)).toBe(0);
  });

  it('keeps the audit log append-only for the server', async () => {
    await expect(
      inScope(database.db, { tenantId: tenantA }, (trx) =>
        sql`update audit_logs set action = 'rewritten'`.execute(trx),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      inScope(database.db, { tenantId: tenantA }, (trx) =>
        sql`delete from audit_logs`.execute(trx),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});
