import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { inScope } from '../src/database/scope.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, type TestDatabaseTarget } from './database.js';
import { createTenant, createUser, login, PLATFORM_ADMIN, TEST_JWT_SECRET } from './identity.js';

// Needs a real broker with shared subscriptions (Mosquitto 2 / EMQX 5); CI provides TEST_MQTT_URL.
describe.runIf(process.env.TEST_MQTT_URL)('ingest through an external broker', () => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let device: { id: string; siteId: string };

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
    database = await target.open();
    const suffix = randomBytes(4).toString('hex');
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      MQTT_URL: process.env.TEST_MQTT_URL!,
      MQTT_CLIENT_ID: `ecogrid-test-${suffix}`,
      MQTT_SHARE_GROUP: `test-${suffix}`,
    });
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const tenantId = (await createTenant(testApp.app, platform)).id;
    const user = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
    const admin = await login(testApp.app, user.username, user.password);
    const siteId = (
      await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/sites',
        headers: admin.headers,
        payload: { name: 'Ext', latitude: 1, longitude: 1, timezone: 'UTC' },
      })
    ).json<{ id: string }>().id;
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: admin.headers,
      payload: { siteId, type: 'load', name: 'Load' },
    });
    device = { id: created.json<{ device: { id: string } }>().device.id, siteId };
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  it('is ready once connected to the broker', async () => {
    await expect
      .poll(
        async () =>
          (await testApp.app.inject({ method: 'GET', url: '/api/health/ready' })).statusCode,
        { timeout: 10_000 },
      )
      .toBe(200);
  });

  it('stores what devices publish to the broker, and dead-letters an unknown device', async () => {
    const publisher = await mqtt.connectAsync(process.env.TEST_MQTT_URL!, {
      clientId: `device-${randomBytes(4).toString('hex')}`,
    });
    const ts = new Date(Date.now() - 1000).toISOString();
    await publisher.publishAsync(
      `sites/${device.siteId}/devices/${device.id}/telemetry`,
      JSON.stringify({ ts, metrics: { power_kw: 1.25 } }),
      { qos: 1 },
    );
    const stranger = '00000000-0000-4000-8000-0000000000aa';
    await publisher.publishAsync(
      `sites/${device.siteId}/devices/${stranger}/telemetry`,
      JSON.stringify({ metrics: { power_kw: 9 } }),
      { qos: 1 },
    );
    await publisher.endAsync();
    const count = async () =>
      (
        await inScope(database.db, 'platform', (trx) =>
          sql<{
            count: number;
          }>`select count(*)::int as count from readings where device_id = ${device.id}`.execute(
            trx,
          ),
        )
      ).rows[0]!.count;
    await expect.poll(count, { timeout: 10_000 }).toBe(1);
    const letters = async () =>
      (
        await inScope(database.db, 'platform', (trx) =>
          trx
            .selectFrom('ingest_dead_letters')
            .select('reason')
            .where('reason', '=', 'unknown_device')
            .execute(),
        )
      ).length;
    await expect.poll(letters, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  });
});
