import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { inScope } from '../src/database/scope.js';
import { RollupsRepository } from '../src/telemetry/rollups.repository.js';
import { TelemetryRepository, type StoredReading } from '../src/telemetry/telemetry.repository.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';
import { createTenant, createUser, login, PLATFORM_ADMIN, TEST_JWT_SECRET } from './identity.js';

describe.each(testEngines())('telemetry storage and rollups on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let telemetry: TelemetryRepository;
  let rollups: RollupsRepository;
  let tenantId: string;
  let deviceId: string;

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
    });
    telemetry = testApp.app.get(TelemetryRepository);
    rollups = testApp.app.get(RollupsRepository);
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    tenantId = (await createTenant(testApp.app, platform)).id;
    const user = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
    const admin = await login(testApp.app, user.username, user.password);
    const site = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: admin.headers,
      payload: { name: 'Berlin', latitude: 52.5, longitude: 13.4, timezone: 'Europe/Berlin' },
    });
    const device = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: admin.headers,
      payload: { siteId: site.json<{ id: string }>().id, type: 'pv_inverter', name: 'PV' },
    });
    deviceId = device.json<{ device: { id: string } }>().device.id;
    await telemetry.ensurePartitions(
      new Date('2026-03-27T00:00:00Z'),
      new Date('2026-03-31T00:00:00Z'),
    );
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  const reading = (metric: string, iso: string, value: number): StoredReading => ({
    tenantId,
    deviceId,
    metric,
    ts: new Date(iso),
    value,
  });

  async function rows(table: 'rollups_15m' | 'rollups_1h' | 'rollups_1d', metric: string) {
    return inScope(database.db, 'platform', (trx) =>
      trx
        .selectFrom(table)
        .selectAll()
        .where('device_id', '=', deviceId)
        .where('metric', '=', metric)
        .orderBy('bucket')
        .execute(),
    );
  }

  async function recomputeAll() {
    while ((await rollups.recomputeDirty(1000)) > 0) {
      /* until no bucket is dirty */
    }
  }

  it('stores a reading once however often it is delivered, and marks the device seen', async () => {
    const batch = [
      reading('power_kw', '2026-03-28T10:00:00Z', 3.2),
      reading('power_kw', '2026-03-28T10:00:05Z', 3.4),
    ];
    expect((await telemetry.write(batch)).inserted).toBe(2);
    const again = await telemetry.write([
      ...batch,
      reading('power_kw', '2026-03-28T10:00:05Z', 3.4),
    ]);
    expect(again.inserted).toBe(0);
    const count = await inScope(database.db, 'platform', (trx) =>
      sql<{
        count: number;
      }>`select count(*)::int as count from readings where device_id = ${deviceId} and metric = 'power_kw'`.execute(
        trx,
      ),
    );
    expect(count.rows[0]!.count).toBe(2);
    const device = await inScope(database.db, 'platform', (trx) =>
      trx
        .selectFrom('devices')
        .select(['status', 'last_seen_at'])
        .where('id', '=', deviceId)
        .executeTakeFirstOrThrow(),
    );
    expect(device.status).toBe('online');
    expect(device.last_seen_at).toBeInstanceOf(Date);
  });

  it('keeps a bucket dirty when a reading lands while it is being recomputed', async () => {
    // Writes never wait for the rollup job: a write during a recompute bumps the mark's version,
    // the recompute leaves that mark, and the next run counts the new reading.
    for (let index = 0; index < 40; index++) {
      const at = new Date(Date.parse('2026-03-28T09:00:00Z') + index * 1000).toISOString();
      await Promise.all([
        telemetry.write([reading('temperature_c', at, index)]),
        rollups.recomputeDirty(1000),
      ]);
    }
    await recomputeAll();
    const quarter = await rows('rollups_15m', 'temperature_c');
    expect(quarter.map((row) => [row.count, row.min, row.max])).toEqual([[40, 0, 39]]);
  });

  it('rolls up min, max, avg and count per 15 minutes and per hour', async () => {
    await telemetry.write([
      reading('voltage_v', '2026-03-28T11:01:00Z', 230),
      reading('voltage_v', '2026-03-28T11:05:00Z', 234),
      reading('voltage_v', '2026-03-28T11:20:00Z', 226),
    ]);
    await recomputeAll();
    const quarter = await rows('rollups_15m', 'voltage_v');
    expect(
      quarter.map((row) => [row.bucket.toISOString(), row.count, row.min, row.max, row.sum]),
    ).toEqual([
      ['2026-03-28T11:00:00.000Z', 2, 230, 234, 464],
      ['2026-03-28T11:15:00.000Z', 1, 226, 226, 226],
    ]);
    const hour = await rows('rollups_1h', 'voltage_v');
    expect(hour).toEqual([
      expect.objectContaining({ count: 3, min: 226, max: 234, first_value: 230, last_value: 226 }),
    ]);
    expect(hour[0]!.delta).toBeNull();
  });

  it('counts counter energy across a reset without negative or doubled energy, and corrects for late readings', async () => {
    await telemetry.write([
      reading('energy_kwh', '2026-03-28T12:00:00Z', 100),
      reading('energy_kwh', '2026-03-28T12:10:00Z', 101),
      reading('energy_kwh', '2026-03-28T12:20:00Z', 102.5),
      // the meter restarts from zero
      reading('energy_kwh', '2026-03-28T12:25:00Z', 0.2),
      reading('energy_kwh', '2026-03-28T12:40:00Z', 1.2),
    ]);
    await recomputeAll();
    const before = await rows('rollups_15m', 'energy_kwh');
    expect(before.map((row) => row.delta)).toEqual([1, 1.5, 1]);
    expect((await rows('rollups_1h', 'energy_kwh'))[0]!.delta).toBeCloseTo(3.5, 9);

    // A late reading in the first quarter changes two increments; the rollup follows.
    await telemetry.write([reading('energy_kwh', '2026-03-28T12:05:00Z', 100.4)]);
    await recomputeAll();
    const after = await rows('rollups_15m', 'energy_kwh');
    expect(after.map((row) => row.delta)).toEqual([1, 1.5, 1]);
    expect(after[0]!.count).toBe(3);
    expect((await rows('rollups_1h', 'energy_kwh'))[0]!.delta).toBeCloseTo(3.5, 9);
  });

  it('makes daily rollups of the site’s local day: 23 hours on the spring-forward day', async () => {
    // Europe/Berlin, 2026-03-29: local midnight is 23:00 UTC the day before, the next one 22:00 UTC.
    await telemetry.write([
      reading('load_kwh', '2026-03-28T22:59:00Z', 10), // 23:59 local on the 28th
      reading('load_kwh', '2026-03-28T23:00:00Z', 11), // 00:00 local on the 29th
      reading('load_kwh', '2026-03-29T21:59:00Z', 20), // 23:59 local on the 29th
      reading('load_kwh', '2026-03-29T22:00:00Z', 21), // 00:00 local on the 30th
    ]);
    await recomputeAll();
    const days = await rows('rollups_1d', 'load_kwh');
    expect(days.map((row) => [row.bucket.toISOString(), row.count, row.delta])).toEqual([
      ['2026-03-27T23:00:00.000Z', 1, 0],
      ['2026-03-28T23:00:00.000Z', 2, 10],
      ['2026-03-29T22:00:00.000Z', 1, 1],
    ]);
  });

  it('creates partitions ahead and drops them by retention', async () => {
    expect(
      await telemetry.ensurePartitions(
        new Date('2026-03-27T00:00:00Z'),
        new Date('2026-04-02T00:00:00Z'),
      ),
    ).toBe(2);
    expect(await telemetry.dropPartitionsBefore(new Date('2026-03-28T00:00:00Z'))).toBe(1);
    const left = await inScope(database.db, 'platform', (trx) =>
      sql<{
        count: number;
      }>`select count(*)::int as count from readings where ts < '2026-03-28T00:00:00Z'`.execute(
        trx,
      ),
    );
    expect(left.rows[0]!.count).toBe(0);
  });
});
