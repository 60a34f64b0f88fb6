import {
  deviceCommandMessageSchema,
  type AuditEntry,
  type BulkCommandResult,
  type Command,
  type CommandStatus,
  type DeviceCommandMessage,
  type DomainEvents,
} from '@ecogrid/contracts';
import { sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../src/common/event-bus.js';
import type { Database } from '../src/database/database.js';
import { inScope } from '../src/database/scope.js';
import { EmbeddedBrokerService } from '../src/mqtt/embedded-broker.service.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testEngines, type TestDatabaseTarget } from './database.js';
import {
  createDevice as createDeviceAs,
  createSite as createSiteAs,
  createTenant,
  createUser,
  login,
  PLATFORM_ADMIN,
  TEST_JWT_SECRET,
  type Session,
  type TestDevice,
} from './identity.js';

type Answer = 'accepted' | 'rejected' | 'completed' | 'failed';

/** A device on the embedded broker that answers each command as told (nothing: stays silent). */
async function connectDevice(
  url: string,
  device: TestDevice,
  answers: Answer[] = ['accepted', 'completed'],
): Promise<{ client: MqttClient; received: { message: DeviceCommandMessage; qos: number }[] }> {
  const client = await mqtt.connectAsync(url, {
    clientId: device.id,
    username: device.id,
    password: device.secret,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const received: { message: DeviceCommandMessage; qos: number }[] = [];
  const ackTopic = `sites/${device.siteId}/devices/${device.id}/commands/ack`;
  client.on('message', (_topic, payload, packet) => {
    const message = deviceCommandMessageSchema.parse(JSON.parse(payload.toString('utf8')));
    received.push({ message, qos: packet.qos });
    void (async () => {
      for (const status of answers) {
        await client.publishAsync(ackTopic, JSON.stringify({ id: message.id, status }), { qos: 1 });
      }
    })();
  });
  await client.subscribeAsync(`sites/${device.siteId}/devices/${device.id}/commands`, { qos: 1 });
  return { client, received };
}

describe.each(testEngines())('device commands on %s', (engine) => {
  let target: TestDatabaseTarget;
  let database: Database;
  let testApp: TestApp;
  let mqttUrl: string;
  let admin: Session;
  let operator: Session;
  let viewer: Session;
  let limitedOperator: Session;
  let stranger: Session;
  let siteA: string;
  let siteB: string;
  const devices: Record<string, TestDevice> = {};
  const clients: MqttClient[] = [];
  const events: DomainEvents['command.status_changed'][] = [];

  const call = (
    method: 'GET' | 'POST',
    url: string,
    session: Session,
    payload?: Record<string, unknown>,
  ) =>
    testApp.app.inject({
      method,
      url,
      headers: session.headers,
      ...(payload === undefined ? {} : { payload }),
    });

  const command = async (id: string) =>
    (await call('GET', `/api/v1/commands/${id}`, admin)).json<Command>();

  const waitForStatus = async (id: string, status: CommandStatus, timeout = 10_000) =>
    expect.poll(async () => (await command(id)).status, { timeout, interval: 50 }).toBe(status);

  const createSite = (name: string) => createSiteAs(testApp.app, admin, name);

  const createDevice = (siteId: string, type: string, tags: string[] = []) =>
    createDeviceAs(testApp.app, admin, siteId, type, {
      name: `${type} ${Object.keys(devices).length}`,
      tags,
    });

  async function auditOf(commandId: string): Promise<AuditEntry[]> {
    const response = await call(
      'GET',
      `/api/v1/audit?resourceType=command&resourceId=${commandId}&limit=100`,
      admin,
    );
    expect(response.statusCode, response.body).toBe(200);
    return response
      .json<{ data: AuditEntry[] }>()
      .data.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  }

  async function rowsWithKey(key: string): Promise<number> {
    const result = await inScope(database.db, 'platform', (trx) =>
      sql<{
        count: number;
      }>`select count(*)::int as count from commands where idempotency_key = ${key}`.execute(trx),
    );
    return result.rows[0]!.count;
  }

  beforeAll(async () => {
    target = await createTestDatabase(engine);
    database = await target.open();
    testApp = await createTestApp(database, {
      JWT_SECRET: TEST_JWT_SECRET,
      LOGIN_RATE_LIMIT_MAX: '10000',
      RATE_LIMIT_MAX_REQUESTS: '100000',
      COMMAND_TIMEOUT: '4',
      COMMAND_EXPIRY_GRACE: '1',
      COMMAND_SWEEP_INTERVAL_MS: '200',
    });
    testApp.app.get(EventBus).subscribe('command.status_changed', (event) => {
      events.push(event);
    });
    mqttUrl = `mqtt://127.0.0.1:${testApp.app.get(EmbeddedBrokerService).port}`;
    const platform = await login(testApp.app, PLATFORM_ADMIN.username, PLATFORM_ADMIN.password);
    const tenantId = (await createTenant(testApp.app, platform)).id;
    const sessionOf = async (
      tenant: string,
      role: 'admin' | 'operator' | 'viewer',
      siteIds?: string[],
    ) => {
      const user = await createUser(testApp.app, platform, tenant, {
        role,
        ...(siteIds ? { siteIds } : {}),
      });
      return login(testApp.app, user.username, user.password);
    };
    admin = await sessionOf(tenantId, 'admin');
    operator = await sessionOf(tenantId, 'operator');
    viewer = await sessionOf(tenantId, 'viewer');
    siteA = await createSite('Depot A');
    siteB = await createSite('Depot B');
    limitedOperator = await sessionOf(tenantId, 'operator', [siteA]);
    stranger = await sessionOf((await createTenant(testApp.app, platform)).id, 'admin');
    devices.battery = await createDevice(siteA, 'battery', ['storage']);
    devices.storage = await createDevice(siteB, 'battery', ['storage']);
    devices.pv = await createDevice(siteA, 'pv_inverter', ['storage']);
    devices.charger = await createDevice(siteA, 'ev_charger');
    devices.meter = await createDevice(siteA, 'smart_meter');
    devices.heatPump = await createDevice(siteB, 'heat_pump');
    devices.load = await createDevice(siteB, 'load');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await testApp?.app.close();
    await database?.close();
    await target?.drop();
  });

  it('creates a pending command that expires COMMAND_TIMEOUT after its creation', async () => {
    const response = await call(
      'POST',
      `/api/v1/devices/${devices.charger!.id}/commands`,
      operator,
      {
        type: 'set_current_limit',
        params: { currentA: 16 },
      },
    );
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json<Command>();
    expect(created).toMatchObject({
      deviceId: devices.charger!.id,
      siteId: siteA,
      type: 'set_current_limit',
      params: { currentA: 16 },
      status: 'pending',
      idempotencyKey: null,
      bulkId: null,
      createdBy: operator.userId,
      sentAt: null,
      finishedAt: null,
    });
    expect(Date.parse(created.expiresAt) - Date.parse(created.createdAt)).toBe(4000);
  });

  it('validates the command against the device type and names the refused field', async () => {
    const attempts: [TestDevice, Record<string, unknown>, string][] = [
      [devices.pv!, { type: 'set_mode', params: { mode: 'auto' } }, 'body.type'],
      [devices.battery!, { type: 'set_mode', params: { mode: 'turbo' } }, 'body.params'],
      [devices.battery!, { type: 'set_power_setpoint', params: { powerKw: 'max' } }, 'body.params'],
      [devices.charger!, { type: 'set_current_limit', params: { currentA: 3 } }, 'body.params'],
      [devices.load!, { type: 'switch', params: { on: true, dim: 4 } }, 'body.params'],
      [devices.meter!, { type: 'self_destruct' }, 'body.type'],
      [devices.meter!, { type: 'reboot', idempotencyKey: 'has space' }, 'body.idempotencyKey'],
      [devices.meter!, { type: 'reboot', priority: 'high' }, 'body'],
    ];
    for (const [device, payload, field] of attempts) {
      const response = await call(
        'POST',
        `/api/v1/devices/${device.id}/commands`,
        operator,
        payload,
      );
      expect(response.statusCode, response.body).toBe(400);
      expect(
        response.json<{ details: { field: string }[] }>().details.map((detail) => detail.field),
        JSON.stringify(payload),
      ).toContain(field);
    }
    const message = (
      await call('POST', `/api/v1/devices/${devices.pv!.id}/commands`, operator, { type: 'switch' })
    ).json<{ message: string }>().message;
    expect(message).toMatch(/pv_inverter takes set_power_limit, reboot/);
  });

  it('lets operators and admins command, not viewers; others see no device to command', async () => {
    const url = `/api/v1/devices/${devices.load!.id}/commands`;
    const payload = { type: 'switch', params: { on: false } };
    expect((await call('POST', url, viewer, payload)).statusCode).toBe(403);
    expect((await call('POST', url, admin, payload)).statusCode).toBe(201);
    const own = await call('POST', url, operator, payload);
    expect(own.statusCode).toBe(201);
    // Limited to site A: site B's load is not there for them, nor are its commands.
    expect((await call('POST', url, limitedOperator, payload)).statusCode).toBe(404);
    expect((await call('GET', url, limitedOperator)).statusCode).toBe(404);
    const ownId = own.json<Command>().id;
    expect((await call('GET', `/api/v1/commands/${ownId}`, limitedOperator)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/sites/${siteB}/commands`, limitedOperator)).statusCode).toBe(
      404,
    );
    const onSiteA = await call(
      'POST',
      `/api/v1/devices/${devices.meter!.id}/commands`,
      limitedOperator,
      {
        type: 'reboot',
      },
    );
    expect(onSiteA.statusCode, onSiteA.body).toBe(201);
    // Another tenant: 404 whatever the body, as for any resource of theirs.
    expect((await call('POST', url, stranger, payload)).statusCode).toBe(404);
    expect((await call('POST', url, stranger, {})).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/commands/${ownId}`, stranger)).statusCode).toBe(404);
    expect((await call('GET', url, stranger)).statusCode).toBe(404);
    // Viewers read the history.
    const history = await call('GET', url, viewer);
    expect(history.statusCode).toBe(200);
    expect(history.json<{ data: Command[] }>().data.map((item) => item.id)).toContain(ownId);
  });

  it('makes one command per idempotency key and refuses the key for another command', async () => {
    const url = `/api/v1/devices/${devices.heatPump!.id}/commands`;
    const key = `heat-${engine}-1`;
    const first = await call('POST', url, operator, {
      type: 'switch',
      params: { on: true },
      idempotencyKey: key,
    });
    expect(first.statusCode, first.body).toBe(201);
    const again = await call('POST', url, admin, {
      type: 'switch',
      params: { on: true },
      idempotencyKey: key,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json<Command>().id).toBe(first.json<Command>().id);
    expect(again.json<Command>().idempotencyKey).toBe(key);
    const together = await Promise.all(
      [1, 2, 3].map(() =>
        call('POST', url, operator, { type: 'switch', params: { on: true }, idempotencyKey: key }),
      ),
    );
    expect(together.map((response) => response.statusCode)).toEqual([200, 200, 200]);
    expect(await rowsWithKey(key)).toBe(1);
    const conflict = await call('POST', url, operator, {
      type: 'switch',
      params: { on: false },
      idempotencyKey: key,
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json<{ message: string }>().message).toMatch(/idempotency key/);
    const otherType = await call('POST', url, operator, { type: 'reboot', idempotencyKey: key });
    expect(otherType.statusCode).toBe(409);
    expect(await rowsWithKey(key)).toBe(1);
  });

  it('sends a command QoS 1 to the device and records accepted and completed, with audit entries', async () => {
    const device = devices.battery!;
    const { client, received } = await connectDevice(mqttUrl, device);
    clients.push(client);
    const response = await call('POST', `/api/v1/devices/${device.id}/commands`, operator, {
      type: 'set_power_setpoint',
      params: { powerKw: -3.5 },
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json<Command>().id;
    await waitForStatus(id, 'completed');
    expect(received).toHaveLength(1);
    expect(received[0]!.qos).toBe(1);
    expect(received[0]!.message).toEqual({
      id,
      type: 'set_power_setpoint',
      params: { powerKw: -3.5 },
      expiresAt: response.json<Command>().expiresAt,
    });
    const done = await command(id);
    expect(done.sentAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    const history = (
      await call('GET', `/api/v1/devices/${device.id}/commands?status=completed`, viewer)
    ).json<{ data: Command[]; pagination: { total: number } }>();
    expect(history.data.map((item) => item.id)).toEqual([id]);
    const audit = await auditOf(id);
    expect(audit.map((entry) => entry.action)).toEqual([
      'command.create',
      'command.status_changed',
      'command.status_changed',
      'command.status_changed',
    ]);
    expect(
      audit
        .slice(1)
        .map((entry) => [
          (entry.oldValues as { status: string }).status,
          (entry.newValues as { status: string }).status,
        ]),
    ).toEqual([
      ['pending', 'sent'],
      ['sent', 'accepted'],
      ['accepted', 'completed'],
    ]);
    expect(audit[0]!.userId).toBe(operator.userId);
    expect(events.filter((event) => event.commandId === id).map((event) => event.status)).toEqual([
      'pending',
      'sent',
      'accepted',
      'completed',
    ]);
  });

  it('keeps an offline device’s command pending and delivers it when the device connects', async () => {
    const device = devices.pv!;
    const response = await call('POST', `/api/v1/devices/${device.id}/commands`, operator, {
      type: 'set_power_limit',
      params: { limitKw: 0 },
    });
    const id = response.json<Command>().id;
    // Several sweeps pass: nobody listens, so it is not sent.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await command(id)).status).toBe('pending');
    const { client, received } = await connectDevice(mqttUrl, device, ['completed']);
    clients.push(client);
    await waitForStatus(id, 'completed');
    expect(received.map((item) => item.message.id)).toEqual([id]);
    expect(events.filter((event) => event.commandId === id).map((event) => event.status)).toEqual([
      'pending',
      'sent',
      'completed',
    ]);
  });

  it('records a rejection with the device’s message', async () => {
    const device = devices.storage!;
    const client = await mqtt.connectAsync(mqttUrl, {
      clientId: device.id,
      username: device.id,
      password: device.secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    clients.push(client);
    client.on('message', (_topic, payload) => {
      const { id } = JSON.parse(payload.toString('utf8')) as { id: string };
      void client.publishAsync(
        `sites/${device.siteId}/devices/${device.id}/commands/ack`,
        JSON.stringify({ id, status: 'rejected', message: 'battery in maintenance' }),
        { qos: 1 },
      );
    });
    await client.subscribeAsync(`sites/${device.siteId}/devices/${device.id}/commands`, { qos: 1 });
    const id = (
      await call('POST', `/api/v1/devices/${device.id}/commands`, operator, {
        type: 'set_mode',
        params: { mode: 'force_charge' },
      })
    ).json<Command>().id;
    await waitForStatus(id, 'rejected');
    expect(await command(id)).toMatchObject({ message: 'battery in maintenance' });
  });

  it('expires a command nobody answers, and a late answer changes nothing', async () => {
    const device = devices.meter!;
    const id = (
      await call('POST', `/api/v1/devices/${device.id}/commands`, operator, { type: 'reboot' })
    ).json<Command>().id;
    await waitForStatus(id, 'expired', 15_000);
    const expired = await command(id);
    expect(expired.finishedAt).not.toBeNull();
    expect(expired.message).toMatch(/expired/);
    const audit = await auditOf(id);
    expect(audit.slice(1).map((entry) => (entry.newValues as { status: string }).status)).toEqual([
      'expired',
    ]);

    // The device turns up late and answers anyway; the broker still acknowledges it.
    const { client, received } = await connectDevice(mqttUrl, device, []);
    clients.push(client);
    const ackTopic = `sites/${device.siteId}/devices/${device.id}/commands/ack`;
    await client.publishAsync(ackTopic, JSON.stringify({ id, status: 'completed' }), { qos: 1 });
    await client.publishAsync(ackTopic, JSON.stringify({ id, status: 'accepted' }), { qos: 1 });
    expect(await command(id)).toEqual(expired);
    expect(await auditOf(id)).toHaveLength(audit.length);
    // An expired command is never sent, not even to a device that arrives afterwards.
    expect(received).toEqual([]);
    const metrics = (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ems_commands_finished_total\{status="expired"\} [1-9]/);
    expect(metrics).toMatch(/ems_command_acks_total\{outcome="unchanged"\} [1-9]/);
  });

  it('refuses an answer for another device’s command or an unknown one, and a malformed one', async () => {
    // Someone else's command: the load's, answered by the meter.
    const foreign = (
      await call('POST', `/api/v1/devices/${devices.load!.id}/commands`, operator, {
        type: 'reboot',
      })
    ).json<Command>();
    const device = devices.meter!;
    const { client } = await connectDevice(mqttUrl, device, []);
    clients.push(client);
    const ackTopic = `sites/${device.siteId}/devices/${device.id}/commands/ack`;
    await client.publishAsync(ackTopic, JSON.stringify({ id: foreign.id, status: 'completed' }), {
      qos: 1,
    });
    const unknown = '00000000-0000-4000-8000-00000000c0de';
    await client.publishAsync(ackTopic, JSON.stringify({ id: unknown, status: 'failed' }), {
      qos: 1,
    });
    await client.publishAsync(ackTopic, '{"id": ', { qos: 1 });
    await client.publishAsync(ackTopic, JSON.stringify({ id: foreign.id, status: 'done' }), {
      qos: 1,
    });
    expect((await command(foreign.id)).status).toBe(foreign.status);
    const letters = await inScope(database.db, 'platform', (trx) =>
      trx
        .selectFrom('ingest_dead_letters')
        .select(['reason', 'detail'])
        .where('device_id', '=', device.id)
        .orderBy('id')
        .execute(),
    );
    expect(letters.map((letter) => letter.reason)).toEqual([
      'unknown_command',
      'unknown_command',
      'malformed_json',
      'bad_shape',
    ]);
    expect(letters[0]!.detail).toContain(foreign.id);
    expect(letters[1]!.detail).toContain(unknown);
    expect(letters[3]!.detail).toMatch(/status/);
    // The device is still connected: refused answers are acknowledged, not punished.
    expect(client.connected).toBe(true);
  });

  it('sends a bulk command to a tagged group, skipping devices that do not take it', async () => {
    const payload = {
      tag: 'storage',
      type: 'set_mode',
      params: { mode: 'idle' },
      idempotencyKey: `bulk-${engine}`,
    };
    expect((await call('POST', '/api/v1/commands/bulk', viewer, payload)).statusCode).toBe(403);
    const response = await call('POST', '/api/v1/commands/bulk', operator, payload);
    expect(response.statusCode, response.body).toBe(201);
    const result = response.json<BulkCommandResult>();
    expect(result.commands.map((item) => item.deviceId).sort()).toEqual(
      [devices.battery!.id, devices.storage!.id].sort(),
    );
    expect(result.commands.every((item) => item.bulkId === result.bulkId)).toBe(true);
    expect(result.skipped).toEqual([
      { deviceId: devices.pv!.id, reason: expect.stringMatching(/pv_inverter takes/) as string },
    ]);
    // The connected batteries carry it out.
    for (const item of result.commands)
      await waitForStatus(
        item.id,
        item.deviceId === devices.storage!.id ? 'rejected' : 'completed',
      );
    const again = await call('POST', '/api/v1/commands/bulk', operator, payload);
    expect(again.statusCode).toBe(200);
    expect(again.json<BulkCommandResult>().bulkId).toBe(result.bulkId);
    expect(
      again
        .json<BulkCommandResult>()
        .commands.map((item) => item.id)
        .sort(),
    ).toEqual(result.commands.map((item) => item.id).sort());
    const conflicting = await call('POST', '/api/v1/commands/bulk', operator, {
      ...payload,
      params: { mode: 'auto' },
    });
    expect(conflicting.statusCode).toBe(409);

    const onSiteB = await call('POST', '/api/v1/commands/bulk', operator, {
      tag: 'storage',
      siteId: siteB,
      type: 'reboot',
    });
    expect(onSiteB.statusCode, onSiteB.body).toBe(201);
    expect(onSiteB.json<BulkCommandResult>().commands.map((item) => item.deviceId)).toEqual([
      devices.storage!.id,
    ]);
    const site = await call('GET', `/api/v1/sites/${siteB}/commands?type=reboot&limit=5`, viewer);
    expect(site.json<{ data: Command[] }>().data.map((item) => item.bulkId)).toContain(
      onSiteB.json<BulkCommandResult>().bulkId,
    );
    for (const [body, field] of [
      [{ tag: 'storage', type: 'set_mode', params: { mode: 'warp' } }, 'body.params.mode'],
      [{ tag: 'nobody-has-this', type: 'reboot' }, 'body.tag'],
      [
        { tag: 'storage', siteId: '00000000-0000-4000-8000-000000000000', type: 'reboot' },
        'body.siteId',
      ],
      [{ tag: '', type: 'reboot' }, 'body.tag'],
    ] as const) {
      const refused = await call('POST', '/api/v1/commands/bulk', operator, body);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(
        refused.json<{ details: { field: string }[] }>().details.map((detail) => detail.field),
      ).toContain(field);
    }
  });

  it('lists a site’s and a device’s commands newest first, filtered and paginated', async () => {
    const all = (await call('GET', `/api/v1/sites/${siteA}/commands?limit=2`, viewer)).json<{
      data: Command[];
      pagination: { total: number; totalPages: number; limit: number };
    }>();
    expect(all.data).toHaveLength(2);
    expect(all.pagination.limit).toBe(2);
    expect(all.pagination.totalPages).toBe(Math.ceil(all.pagination.total / 2));
    expect(Date.parse(all.data[0]!.createdAt)).toBeGreaterThanOrEqual(
      Date.parse(all.data[1]!.createdAt),
    );
    const oldest = (
      await call('GET', `/api/v1/sites/${siteA}/commands?sort=createdAt&limit=1`, viewer)
    ).json<{ data: Command[] }>();
    expect(oldest.data[0]!.type).toBe('set_current_limit');
    const expired = (
      await call('GET', `/api/v1/devices/${devices.meter!.id}/commands?status=expired`, viewer)
    ).json<{ data: Command[] }>();
    expect(expired.data.every((item) => item.status === 'expired')).toBe(true);
    const refused = await call(
      'GET',
      `/api/v1/sites/${siteA}/commands?status=done&limit=500`,
      viewer,
    );
    expect(refused.statusCode).toBe(400);
    expect(
      refused.json<{ details: { field: string }[] }>().details.map((detail) => detail.field),
    ).toEqual(expect.arrayContaining(['query.status', 'query.limit']));
  });
});
