import { deviceCommandMessageSchema, type AuditEntry, type Command } from '@ecogrid/contracts';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';
import {
  createTenant,
  createUser,
  login,
  PLATFORM_ADMIN,
  TEST_JWT_SECRET,
  type Session,
} from './identity.js';

// Needs a real broker with shared subscriptions (Mosquitto 2 / EMQX 5); CI provides TEST_MQTT_URL.
describe.runIf(process.env.TEST_MQTT_URL).each(testEngines())(
  'device commands through an external broker on %s',
  (engine) => {
    let target: TestDatabaseTarget;
    let database: Database;
    let testApp: TestApp;
    let operator: Session;
    let admin: Session;
    let device: { id: string; siteId: string };
    let deviceClient: MqttClient | undefined;
    const received: { id: string; qos: number }[] = [];

    const call = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
      testApp.app.inject({
        method,
        url,
        headers: operator.headers,
        ...(payload ? { payload } : {}),
      });
    const statusOf = async (id: string) =>
      (await call('GET', `/api/v1/commands/${id}`)).json<Command>().status;

    beforeAll(async () => {
      target = await createTestDatabase(engine);
      database = await target.open();
      const suffix = randomBytes(4).toString('hex');
      testApp = await createTestApp(database, {
        JWT_SECRET: TEST_JWT_SECRET,
        MQTT_URL: process.env.TEST_MQTT_URL!,
        MQTT_CLIENT_ID: `ecogrid-test-${suffix}`,
        MQTT_SHARE_GROUP: `test-${suffix}`,
        COMMAND_SWEEP_INTERVAL_MS: '200',
      });
      const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
      const tenantId = (await createTenant(testApp.app, platform)).id;
      const adminUser = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
      admin = await login(testApp.app, adminUser.username, adminUser.password);
      const operatorUser = await createUser(testApp.app, platform, tenantId, { role: 'operator' });
      operator = await login(testApp.app, operatorUser.username, operatorUser.password);
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
        payload: { siteId, type: 'ev_charger', name: 'Charger' },
      });
      device = { id: created.json<{ device: { id: string } }>().device.id, siteId };
      // Commands need the server's broker connection: wait until it is ready.
      const readyBy = Date.now() + 10_000;
      while (
        (await testApp.app.inject({ method: 'GET', url: '/api/health/ready' })).statusCode !== 200
      ) {
        if (Date.now() > readyBy) throw new Error('not connected to the external broker');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });

    afterAll(async () => {
      await deviceClient?.endAsync(true);
      await testApp?.app.close();
      await database?.close();
      await target?.drop();
    });

    it('holds a command for an offline device and completes it through the broker once it is online', async () => {
      const first = await call('POST', `/api/v1/devices/${device.id}/commands`, {
        type: 'start_charging',
      });
      expect(first.statusCode, first.body).toBe(201);
      const firstId = first.json<Command>().id;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await statusOf(firstId)).toBe('pending');

      // The device: listens first, then says it is online, as a device should.
      const client = await mqtt.connectAsync(process.env.TEST_MQTT_URL!, {
        clientId: `device-${randomBytes(4).toString('hex')}`,
      });
      deviceClient = client;
      const base = `sites/${device.siteId}/devices/${device.id}`;
      client.on('message', (_topic, payload, packet) => {
        const message = deviceCommandMessageSchema.parse(JSON.parse(payload.toString('utf8')));
        received.push({ id: message.id, qos: packet.qos });
        void (async () => {
          for (const status of ['accepted', 'completed']) {
            await client.publishAsync(
              `${base}/commands/ack`,
              JSON.stringify({ id: message.id, status }),
              { qos: 1 },
            );
          }
        })();
      });
      await client.subscribeAsync(`${base}/commands`, { qos: 1 });
      await client.publishAsync(`${base}/status`, 'online', { qos: 1 });
      await expect.poll(() => statusOf(firstId), { timeout: 10_000 }).toBe('completed');

      // Online now: the next one goes out at once.
      const second = await call('POST', `/api/v1/devices/${device.id}/commands`, {
        type: 'set_current_limit',
        params: { currentA: 10 },
      });
      const secondId = second.json<Command>().id;
      await expect.poll(() => statusOf(secondId), { timeout: 10_000 }).toBe('completed');
      expect(received.map((item) => item.id)).toEqual([firstId, secondId]);
      expect(received.every((item) => item.qos === 1)).toBe(true);
    });

    it('audits every move as one chain from pending to completed', async () => {
      const history = (
        await call('GET', `/api/v1/devices/${device.id}/commands?sort=createdAt`)
      ).json<{ data: Command[] }>();
      expect(history.data.map((item) => item.status)).toEqual(['completed', 'completed']);
      for (const command of history.data) {
        const audit = await testApp.app.inject({
          method: 'GET',
          url: `/api/v1/audit?resourceType=command&resourceId=${command.id}`,
          headers: admin.headers,
        });
        const moves = audit
          .json<{ data: AuditEntry[] }>()
          .data.filter((entry) => entry.action === 'command.status_changed')
          .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))
          .map((entry) => [
            (entry.oldValues as { status: string }).status,
            (entry.newValues as { status: string }).status,
          ]);
        // The device's answer may overtake the broker's PUBACK (pending → accepted directly).
        expect(moves[0]![0]).toBe('pending');
        expect(moves.at(-1)).toEqual(['accepted', 'completed']);
        for (let index = 1; index < moves.length; index++)
          expect(moves[index]![0]).toBe(moves[index - 1]![1]);
      }
    });
  },
);
