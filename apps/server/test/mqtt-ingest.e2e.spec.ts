import { sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { inScope } from '../src/database/scope.js';
import { EmbeddedBrokerService } from '../src/mqtt/embedded-broker.service.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, type TestDatabaseTarget } from './database.js';
import { createTenant, createUser, login, PLATFORM_ADMIN, TEST_JWT_SECRET } from './identity.js';

interface DeviceCredentials {
  id: string;
  siteId: string;
  secret: string;
}

describe('MQTT ingest through the embedded broker', () => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let url: string;
  let meter: DeviceCredentials;
  let neighbour: DeviceCredentials;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
    });
    url = `mqtt://127.0.0.1:${testApp.app.get(EmbeddedBrokerService).port}`;
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const tenantId = (await createTenant(testApp.app, platform)).id;
    const user = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
    const admin = await login(testApp.app, user.username, user.password);
    const site = (
      await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/sites',
        headers: admin.headers,
        payload: { name: 'MQTT site', latitude: 47.4, longitude: 8.5, timezone: 'Europe/Zurich' },
      })
    ).json<{ id: string }>();
    const createDevice = async (name: string): Promise<DeviceCredentials> => {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/devices',
        headers: admin.headers,
        payload: { siteId: site.id, type: 'smart_meter', name },
      });
      const body = response.json<{ device: { id: string }; credentials: { secret: string } }>();
      return { id: body.device.id, siteId: site.id, secret: body.credentials.secret };
    };
    meter = await createDevice('Meter');
    neighbour = await createDevice('Neighbour');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  async function connect(
    device: DeviceCredentials,
    overrides: { clientId?: string; password?: string } = {},
  ) {
    const client = await mqtt.connectAsync(url, {
      clientId: overrides.clientId ?? device.id,
      username: device.id,
      password: overrides.password ?? device.secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
      will: {
        topic: `sites/${device.siteId}/devices/${device.id}/status`,
        payload: Buffer.from('offline'),
        qos: 1,
        retain: true,
      },
    });
    clients.push(client);
    return client;
  }

  async function count(deviceId: string, metric?: string): Promise<number> {
    const result = await inScope(database.db, 'platform', (trx) =>
      metric
        ? sql<{
            count: number;
          }>`select count(*)::int as count from readings where device_id = ${deviceId} and metric = ${metric}`.execute(
            trx,
          )
        : sql<{
            count: number;
          }>`select count(*)::int as count from readings where device_id = ${deviceId}`.execute(
            trx,
          ),
    );
    return result.rows[0]!.count;
  }

  it('acknowledges a QoS 1 reading only once it is in the database', async () => {
    const client = await connect(meter);
    const topic = `sites/${meter.siteId}/devices/${meter.id}/telemetry`;
    const ts = new Date(Date.now() - 1000).toISOString();
    await client.publishAsync(
      topic,
      JSON.stringify({ ts, metrics: { power_kw: 3.2, voltage_v: 230.1 } }),
      { qos: 1 },
    );
    // The PUBACK has arrived: the readings must already be committed.
    expect(await count(meter.id)).toBe(2);
    await client.publishAsync(`${topic}/frequency_hz`, '50.02', { qos: 1 });
    expect(await count(meter.id, 'frequency_hz')).toBe(1);
  });

  it('keeps the valid readings of a message beside the invalid ones', async () => {
    const client = await connect(meter, { clientId: meter.id });
    const topic = `sites/${meter.siteId}/devices/${meter.id}/telemetry`;
    await client.publishAsync(
      topic,
      JSON.stringify({ metrics: { current_a: 5, watts: 7, soc_pct: 'full' } }),
      { qos: 1 },
    );
    expect(await count(meter.id, 'current_a')).toBe(1);
    await client.publishAsync(topic, '{not json', { qos: 1 });
    const letters = await inScope(database.db, 'platform', (trx) =>
      trx
        .selectFrom('ingest_dead_letters')
        .select('reason')
        .where('device_id', '=', meter.id)
        .execute(),
    );
    expect(letters.map((letter) => letter.reason)).toEqual(
      expect.arrayContaining(['unknown_metric', 'wrong_type', 'malformed_json']),
    );
  });

  it("refuses a publish on another device's topic and stores nothing of it", async () => {
    const before = await count(neighbour.id);
    const client = await connect(meter, { clientId: meter.id });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(
      `sites/${neighbour.siteId}/devices/${neighbour.id}/telemetry`,
      JSON.stringify({ metrics: { power_kw: 99 } }),
      { qos: 1 },
    );
    await closed;
    expect(await count(neighbour.id)).toBe(before);
  });

  it('refuses a subscription to # or to another device, and allows its own commands', async () => {
    const client = await connect(meter, { clientId: meter.id });
    // A refused subscription comes back with failure code 0x80 in SUBACK (mqtt.js rejects it).
    await expect(client.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(
      client.subscribeAsync(`sites/${neighbour.siteId}/devices/${neighbour.id}/commands`, {
        qos: 1,
      }),
    ).rejects.toThrow(/Subscribe error/);
    const own = await client.subscribeAsync(`sites/${meter.siteId}/devices/${meter.id}/commands`, {
      qos: 1,
    });
    expect(own.map((grant) => grant.qos)).toEqual([1]);
  });

  it('refuses wrong credentials and a client id that is not the device id', async () => {
    await expect(connect(meter, { password: 'wrong-secret' })).rejects.toThrow(
      /Bad username or password/i,
    );
    await expect(connect(meter, { clientId: 'someone-else' })).rejects.toThrow(/Not authorized/i);
  });

  it('marks a device offline by its Last Will and online by its status topic', async () => {
    const client = await connect(neighbour);
    await client.publishAsync(
      `sites/${neighbour.siteId}/devices/${neighbour.id}/status`,
      'online',
      { qos: 1, retain: true },
    );
    const statusOf = () =>
      inScope(database.db, 'platform', (trx) =>
        trx
          .selectFrom('devices')
          .select('status')
          .where('id', '=', neighbour.id)
          .executeTakeFirstOrThrow(),
      );
    await expect.poll(async () => (await statusOf()).status).toBe('online');
    // An unclean end: the broker publishes the Last Will.
    client.stream.destroy();
    await expect.poll(async () => (await statusOf()).status, { timeout: 5000 }).toBe('offline');
  });
});
