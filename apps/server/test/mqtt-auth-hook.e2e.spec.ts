import type { MqttHookAnswer } from '@ecogrid/contracts';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/config.schema.js';
import type { Database } from '../src/database/database.js';
import { inScope } from '../src/database/scope.js';
import { DeviceAuthService } from '../src/devices/device-auth.service.js';
import { BROKER_HOOK_CACHE_TTL_MS } from '../src/mqtt/broker-hook.service.js';
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

const HOOK_SECRET = 'test-only-mqtt-hook-secret-0123456789-abcdef';
const BEARER = { authorization: `Bearer ${HOOK_SECRET}` };

interface Device {
  id: string;
  siteId: string;
  secret: string;
}

describe('MQTT_AUTH_HOOK_SECRET', () => {
  const production = {
    NODE_ENV: 'production',
    ADMIN_PASSWORD: 'a-real-operator-password',
    JWT_SECRET: 'k'.repeat(16) + 'q'.repeat(16) + 'z',
  };

  it('is optional, and takes 32 characters or more', () => {
    expect(loadConfig(production).MQTT_AUTH_HOOK_SECRET).toBeUndefined();
    expect(loadConfig({ ...production, MQTT_AUTH_HOOK_SECRET: HOOK_SECRET }).NODE_ENV).toBe(
      'production',
    );
    expect(() => loadConfig({ MQTT_AUTH_HOOK_SECRET: 'short-hook-secret' })).toThrow(
      /MQTT_AUTH_HOOK_SECRET/,
    );
  });

  it('refuses, in production, the documented example and the JWT secret, and never echoes it', () => {
    expect(() =>
      loadConfig({
        ...production,
        MQTT_AUTH_HOOK_SECRET: 'change-me-to-a-long-random-hook-secret-of-32-chars-or-more',
      }),
    ).toThrow(/MQTT_AUTH_HOOK_SECRET/);
    expect(() =>
      loadConfig({ ...production, MQTT_AUTH_HOOK_SECRET: production.JWT_SECRET }),
    ).toThrow(/MQTT_AUTH_HOOK_SECRET/);
    expect(() => loadConfig({ MQTT_AUTH_HOOK_SECRET: 'leaky-hook-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('leaky') as string }),
    );
  });
});

describe.each(testEngines())('the broker-side auth hook on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let admin: Session;
  let siteId: string;
  let device: Device;
  let other: Device;

  async function createDevice(): Promise<Device> {
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: admin.headers,
      payload: { siteId, type: 'battery', name: 'Battery' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<{ device: { id: string }; credentials: { secret: string } }>();
    return { id: body.device.id, siteId, secret: body.credentials.secret };
  }

  async function rotate(of: Device): Promise<string> {
    const response = await testApp.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${of.id}/credentials`,
      headers: admin.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ secret: string }>().secret;
  }

  const call = (
    app: TestApp,
    path: 'auth' | 'acl',
    payload: unknown,
    headers: Record<string, string> = BEARER,
  ) =>
    app.app.inject({
      method: 'POST',
      url: `/api/v1/mqtt/${path}`,
      headers,
      payload: payload as object,
    });

  async function auth(clientid: string, username: string, password: string) {
    const response = await call(testApp, 'auth', { clientid, username, password });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<MqttHookAnswer>();
  }

  async function acl(
    of: Device,
    topic: string,
    access: { action: string; [field: string]: unknown } | { acc: number },
  ) {
    const response = await call(testApp, 'acl', {
      clientid: of.id,
      username: of.id,
      topic,
      ...access,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<MqttHookAnswer>().result;
  }

  const topic = (of: Device, rest: string) => `sites/${of.siteId}/devices/${of.id}/${rest}`;

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
      MQTT_AUTH_HOOK_SECRET: HOOK_SECRET,
    });
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const tenantId = (await createTenant(testApp.app, platform)).id;
    const user = await createUser(testApp.app, platform, tenantId, { role: 'admin' });
    admin = await login(testApp.app, user.username, user.password);
    const site = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: admin.headers,
      payload: { name: 'Hook site', latitude: 48.1, longitude: 11.6, timezone: 'Europe/Berlin' },
    });
    siteId = site.json<{ id: string }>().id;
    device = await createDevice();
    other = await createDevice();
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  describe('authentication', () => {
    it('allows a device with its id as client id and username and its current secret', async () => {
      expect(await auth(device.id, device.id, device.secret)).toEqual({
        result: 'allow',
        ok: true,
        is_superuser: false,
      });
    });

    it('denies a wrong secret, an unknown device, a client id that is not the device id, and empty credentials', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const [clientid, username, password] of [
        [device.id, device.id, 'not-the-secret'],
        [device.id, device.id, other.secret],
        [unknown, unknown, device.secret],
        ['someone-else', device.id, device.secret],
        [other.id, device.id, device.secret],
        [device.id, device.id, ''],
        ['', '', ''],
        ['not-a-uuid', 'not-a-uuid', 'secret'],
        [device.id.toUpperCase(), device.id.toUpperCase(), device.secret],
        [device.id, device.id, 'x'.repeat(10_000)],
      ]) {
        const answer = await auth(clientid!, username!, password!);
        expect(answer, `${clientid} / ${username}`).toMatchObject({ result: 'deny', ok: false });
        expect(answer.error).toEqual(expect.any(String));
      }
    });

    it('denies the old secret once the device’s secret is rotated, and allows the new one', async () => {
      const rotated = await createDevice();
      const fresh = await rotate(rotated);
      expect((await auth(rotated.id, rotated.id, rotated.secret)).result).toBe('deny');
      expect((await auth(rotated.id, rotated.id, fresh)).result).toBe('allow');
    });

    it('checks each device and password once per cache period; failed checks are not cached', async () => {
      const cached = await createDevice();
      const check = vi.spyOn(testApp.app.get(DeviceAuthService), 'authenticate');
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => auth(cached.id, cached.id, cached.secret)),
      );
      expect(answers.every((answer) => answer.result === 'allow')).toBe(true);
      expect((await auth(cached.id, cached.id, cached.secret)).result).toBe('allow');
      expect(check).toHaveBeenCalledTimes(1);

      for (let attempt = 0; attempt < 3; attempt++)
        expect((await auth(cached.id, cached.id, 'wrong')).result).toBe('deny');
      expect(check).toHaveBeenCalledTimes(4);
    });

    it('lets a cached check of a rotated secret end with the cache period', async () => {
      const rotated = await createDevice();
      expect((await auth(rotated.id, rotated.id, rotated.secret)).result).toBe('allow');
      const fresh = await rotate(rotated);
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + BROKER_HOOK_CACHE_TTL_MS + 1 });
      expect((await auth(rotated.id, rotated.id, rotated.secret)).result).toBe('deny');
      expect((await auth(rotated.id, rotated.id, fresh)).result).toBe('allow');
    });
  });

  describe('authorization', () => {
    it('allows a device its own telemetry, status and command acks to publish, and its commands to subscribe to', async () => {
      for (const rest of ['telemetry', 'telemetry/power_kw', 'status', 'commands/ack'])
        expect(await acl(device, topic(device, rest), { action: 'publish' }), rest).toBe('allow');
      expect(await acl(device, topic(device, 'commands'), { action: 'subscribe' })).toBe('allow');
      // EMQX may be configured to send more of what it knows; the rest is ignored.
      const extra = { action: 'publish', qos: 1, retain: false, peerhost: '10.0.0.7' };
      expect(await acl(device, topic(device, 'telemetry'), extra)).toBe('allow');
    });

    it('reads mosquitto-go-auth’s acc: 1 read, 2 write, 3 read and write, 4 subscribe', async () => {
      expect(await acl(device, topic(device, 'telemetry'), { acc: 2 })).toBe('allow');
      expect(await acl(device, topic(device, 'commands'), { acc: 4 })).toBe('allow');
      expect(await acl(device, topic(device, 'commands'), { acc: 1 })).toBe('allow');
      expect(await acl(device, topic(device, 'commands'), { acc: 2 })).toBe('deny');
      expect(await acl(device, topic(device, 'telemetry'), { acc: 1 })).toBe('deny');
      expect(await acl(device, topic(device, 'commands'), { acc: 3 })).toBe('deny');
    });

    it('denies another device’s topics, wildcards, system topics and the wrong direction', async () => {
      const denied: [string, string][] = [
        [topic(other, 'telemetry'), 'publish'],
        [topic(other, 'commands'), 'subscribe'],
        ['#', 'subscribe'],
        ['#', 'publish'],
        ['sites/+/devices/+/telemetry', 'subscribe'],
        [`sites/${siteId}/devices/+/commands`, 'subscribe'],
        [`sites/+/devices/${device.id}/commands`, 'subscribe'],
        [topic(device, '#'), 'subscribe'],
        [`sites/00000000-0000-4000-8000-000000000000/devices/${device.id}/telemetry`, 'publish'],
        ['$SYS/broker/clients', 'subscribe'],
        [`$share/g/${topic(device, 'commands')}`, 'subscribe'],
        [topic(device, 'commands'), 'publish'],
        [topic(device, 'telemetry'), 'subscribe'],
        [topic(device, 'somewhere-else'), 'publish'],
        ['', 'publish'],
        ['x'.repeat(10_000), 'publish'],
      ];
      for (const [filter, action] of denied)
        expect(await acl(device, filter, { action }), `${action} ${filter}`).toBe('deny');
    });

    it('denies a client whose client id is not its username, and a device that does not exist', async () => {
      const response = await call(testApp, 'acl', {
        clientid: other.id,
        username: device.id,
        topic: topic(device, 'telemetry'),
        action: 'publish',
      });
      expect(response.json<MqttHookAnswer>().result).toBe('deny');
      const ghost = { id: '00000000-0000-4000-8000-000000000001', siteId, secret: '' };
      expect(await acl(ghost, topic(ghost, 'telemetry'), { action: 'publish' })).toBe('deny');
    });
  });

  describe('its own protection', () => {
    it('answers 401 without the hook secret, with a wrong one, or with a user’s token', async () => {
      const body = { clientid: device.id, username: device.id, password: device.secret };
      for (const headers of [
        {},
        { authorization: `Bearer ${HOOK_SECRET}x` },
        { authorization: 'Bearer wrong' },
        admin.headers,
        {
          authorization: `Basic ${Buffer.from(`${device.id}:${device.secret}`).toString('base64')}`,
        },
      ]) {
        for (const path of ['auth', 'acl'] as const) {
          const response = await call(testApp, path, body, headers);
          expect(response.statusCode, JSON.stringify(headers)).toBe(401);
          expect(response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
        }
      }
    });

    it('takes the secret as the password of Basic too (mosquitto-go-auth’s user:secret@host)', async () => {
      const response = await call(
        testApp,
        'auth',
        { clientid: device.id, username: device.id, password: device.secret },
        { authorization: `Basic ${Buffer.from(`mosquitto:${HOOK_SECRET}`).toString('base64')}` },
      );
      expect(response.json<MqttHookAnswer>().result).toBe('allow');
    });

    it('answers 400 in the error shape to a malformed question', async () => {
      const malformed: ['auth' | 'acl', unknown, string][] = [
        ['auth', { username: device.id, password: device.secret }, 'body.clientid'],
        ['auth', { clientid: device.id, username: 42, password: device.secret }, 'body.username'],
        ['auth', [], 'body'],
        ['acl', { clientid: device.id, username: device.id, topic: 't' }, 'body.action'],
        [
          'acl',
          { clientid: device.id, username: device.id, topic: 't', action: 'read' },
          'body.action',
        ],
        ['acl', { clientid: device.id, username: device.id, topic: 't', acc: 8 }, 'body.acc'],
        [
          'acl',
          { clientid: device.id, username: device.id, topic: 't', action: 'publish', acc: 4 },
          'body.acc',
        ],
        ['acl', { clientid: device.id, username: device.id, action: 'publish' }, 'body.topic'],
      ];
      for (const [path, body, field] of malformed) {
        const response = await call(testApp, path, body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        const error = response.json<{ details: { field: string }[] }>();
        expect(error).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        expect(error).toHaveProperty('requestId');
        expect(
          error.details.map((detail) => detail.field),
          JSON.stringify(body),
        ).toContain(field);
      }
      const notJson = await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/mqtt/auth',
        headers: { ...BEARER, 'content-type': 'application/json' },
        payload: '{"clientid": ',
      });
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('leaves no audit entry for the broker’s questions', async () => {
      await auth(device.id, device.id, device.secret);
      await acl(device, topic(device, 'telemetry'), { action: 'publish' });
      await auth(device.id, device.id, 'wrong');
      const result = await inScope(database.db, 'platform', (trx) =>
        sql<{
          count: number;
        }>`select count(*)::int as count from audit_logs where resource_id like '/api/v1/mqtt/%' and new_values->>'statusCode' = '200'`.execute(
          trx,
        ),
      );
      expect(result.rows[0]!.count).toBe(0);
    });
  });

  describe('switched off or rate-limited', () => {
    let bare: TestApp | undefined;

    afterAll(async () => {
      await bare?.app.close();
    });

    it('answers 404 to everyone while MQTT_AUTH_HOOK_SECRET is unset', async () => {
      bare = await createTestApp(database, { JWT_SECRET: TEST_JWT_SECRET });
      for (const path of ['auth', 'acl'] as const) {
        for (const payload of [{}, { clientid: device.id, username: device.id, password: 'x' }]) {
          const response = await call(bare, path, payload);
          expect(response.statusCode).toBe(404);
          expect(response.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
        }
      }
    });

    it('never throttles the broker, but throttles callers without the secret', async () => {
      const limited = await createTestApp(database, {
        JWT_SECRET: TEST_JWT_SECRET,
        MQTT_AUTH_HOOK_SECRET: HOOK_SECRET,
        RATE_LIMIT_MAX_REQUESTS: '5',
      });
      try {
        const body = { clientid: device.id, username: device.id, password: device.secret };
        for (let index = 0; index < 20; index++) {
          const response = await call(limited, 'auth', body);
          expect(response.statusCode).toBe(200);
        }
        const statuses: number[] = [];
        for (let index = 0; index < 8; index++)
          statuses.push(
            (await call(limited, 'auth', body, { authorization: 'Bearer wrong' })).statusCode,
          );
        expect(statuses).toContain(429);
      } finally {
        await limited.app.close();
      }
    });
  });
});
