import {
  BATTERY_MODES,
  deviceCommandMessageSchema,
  isTerminalCommandStatus,
  type BulkCommandResult,
  type Command,
  type CommandStatus,
} from '@ecogrid/contracts';
import { sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope } from '../src/database/scope.js';
import { createTestDatabase, type TestDatabaseTarget } from './database.js';
import { PLATFORM_ADMIN, strongPassword, TEST_JWT_SECRET, uniqueName } from './identity.js';
import { listeningPort, SERVER_ENTRY, spawnServer, type ServerProcess } from './process.js';

const DEVICES = 45;
const COMMANDS = 1000;
/** Bulk reboots of the whole fleet, and one bulk switch that the batteries and chargers skip. */
const REBOOT_BULKS = 15;
const SINGLES_BEFORE_RESTART = 120;
const TIMEOUT_SECONDS = 20;
const GRACE_SECONDS = 2;
const SENDERS = 4;

const RANK: Record<CommandStatus, number> = {
  pending: 0,
  sent: 1,
  accepted: 2,
  rejected: 3,
  completed: 3,
  failed: 3,
  expired: 3,
};

/** A port the OS says is free, so the broker listens on the same one after the restart. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A device as the contract expects one: it runs each command id at most once, keeps what it ran
 * across reconnects, answers a repeat with the outcome it had, and refuses a command whose
 * deadline passed.
 */
class SimulatedDevice {
  readonly executions = new Map<string, number>();
  readonly outcomes = new Map<string, 'completed' | 'rejected'>();
  redeliveries = 0;
  refusedExpired = 0;
  received = 0;
  private client: MqttClient | undefined;

  constructor(
    readonly id: string,
    readonly siteId: string,
    readonly type: string,
    private readonly secret: string,
  ) {}

  async connect(url: string): Promise<void> {
    const client = await mqtt.connectAsync(url, {
      clientId: this.id,
      username: this.id,
      password: this.secret,
      protocolVersion: 4,
      // Reconnects by itself when the server restarts; unacknowledged answers are sent again.
      reconnectPeriod: 200,
      connectTimeout: 5_000,
    });
    this.client = client;
    // While the server restarts, reconnecting fails for a while; that is expected here.
    client.on('error', () => undefined);
    client.on('message', (_topic, payload) => this.onCommand(payload));
    await client.subscribeAsync(`sites/${this.siteId}/devices/${this.id}/commands`, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client?.endAsync(true);
  }

  private onCommand(payload: Buffer): void {
    this.received++;
    const command = deviceCommandMessageSchema.parse(JSON.parse(payload.toString('utf8')));
    const known = this.outcomes.get(command.id);
    if (known) {
      this.redeliveries++;
      this.answer(command.id, known);
      return;
    }
    if (Date.parse(command.expiresAt) <= Date.now()) {
      this.refusedExpired++;
      this.outcomes.set(command.id, 'rejected');
      this.answer(command.id, 'rejected', 'expired before it arrived');
      return;
    }
    this.executions.set(command.id, (this.executions.get(command.id) ?? 0) + 1);
    this.outcomes.set(command.id, 'completed');
    this.answer(command.id, 'accepted');
    this.answer(command.id, 'completed');
  }

  private answer(id: string, status: string, message?: string): void {
    this.client?.publish(
      `sites/${this.siteId}/devices/${this.id}/commands/ack`,
      JSON.stringify({ id, status, ...(message ? { message } : {}) }),
      { qos: 1 },
    );
  }
}

/** A valid command for a device of this type, varied by n. */
function commandFor(type: string, n: number): { type: string; params: Record<string, unknown> } {
  switch (type) {
    case 'battery':
      return n % 3 === 0
        ? { type: 'set_mode', params: { mode: BATTERY_MODES[n % BATTERY_MODES.length] } }
        : { type: 'set_power_setpoint', params: { powerKw: (n % 21) - 10 } };
    case 'ev_charger':
      return n % 2 === 0
        ? { type: 'set_current_limit', params: { currentA: 6 + (n % 26) } }
        : { type: n % 4 === 1 ? 'start_charging' : 'stop_charging', params: {} };
    default:
      return { type: 'switch', params: { on: n % 2 === 0 } };
  }
}

const TYPES = ['battery', 'ev_charger', 'load', 'heat_pump'];

describe('commands across a server restart with devices coming and going', () => {
  let target: TestDatabaseTarget;
  let server: ServerProcess | undefined;
  let base = '';
  let token = '';
  let mqttUrl = '';
  let env: Record<string, string> = {};
  const devices: SimulatedDevice[] = [];

  async function start(): Promise<void> {
    server = spawnServer(SERVER_ENTRY, env);
    base = `http://127.0.0.1:${await listeningPort(server)}`;
  }

  /** One API call, retried through a restart (connection refused, 503) until the deadline. */
  async function api<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        if (response.status !== 503)
          return { status: response.status, body: (await response.json()) as T };
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path} kept failing`);
      await sleep(100);
    }
  }

  async function expectStatus<T>(
    method: 'GET' | 'POST',
    path: string,
    expected: number[],
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const response = await api<T>(method, path, body, headers);
    expect(expected, `${method} ${path}: ${JSON.stringify(response.body)}`).toContain(
      response.status,
    );
    return response.body;
  }

  beforeAll(async () => {
    target = await createTestDatabase('embedded');
    env = {
      ...target.env,
      MQTT_PORT: String(await freePort()),
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'warn',
      LOGIN_RATE_LIMIT_MAX: '10000',
      RATE_LIMIT_MAX_REQUESTS: '1000000',
      COMMAND_TIMEOUT: String(TIMEOUT_SECONDS),
      COMMAND_EXPIRY_GRACE: String(GRACE_SECONDS),
      COMMAND_SWEEP_INTERVAL_MS: '300',
    };
    mqttUrl = `mqtt://127.0.0.1:${env.MQTT_PORT}`;
    await start();
  });

  afterAll(async () => {
    await Promise.all(devices.map((device) => device.close()));
    await server?.stop();
    await target?.drop();
  });

  it('ends every one of 1,000 commands exactly once and runs none twice', async () => {
    // A tenant, its admin, a site and the fleet.
    token = (
      await expectStatus<{ accessToken: string }>(
        'POST',
        '/api/v1/auth/login',
        [200],
        PLATFORM_ADMIN,
      )
    ).accessToken;
    const name = uniqueName('fleet');
    const tenant = await expectStatus<{ id: string }>('POST', '/api/v1/tenants', [201], {
      name,
      slug: name,
    });
    const password = strongPassword();
    const username = uniqueName('admin');
    await expectStatus(
      'POST',
      '/api/v1/users',
      [201],
      { username, password, displayName: username, role: 'admin' },
      { 'x-tenant-id': tenant.id },
    );
    token = (
      await expectStatus<{ accessToken: string }>('POST', '/api/v1/auth/login', [200], {
        username,
        password,
      })
    ).accessToken;
    const site = await expectStatus<{ id: string }>('POST', '/api/v1/sites', [201], {
      name: 'Fleet depot',
      latitude: 52.5,
      longitude: 13.4,
      timezone: 'Europe/Berlin',
    });
    for (let index = 0; index < DEVICES; index++) {
      const type = TYPES[index % TYPES.length]!;
      const created = await expectStatus<{
        device: { id: string };
        credentials: { secret: string };
      }>('POST', '/api/v1/devices', [201], {
        siteId: site.id,
        type,
        name: `${type} ${index}`,
        tags: ['fleet'],
      });
      devices.push(
        new SimulatedDevice(created.device.id, site.id, type, created.credentials.secret),
      );
    }
    // Two thirds online from the start; of the rest, some come after the restart, some only
    // once everything of theirs has expired.
    const online = devices.filter((_device, index) => index % 3 !== 2);
    const offline = devices.filter((_device, index) => index % 3 === 2);
    const late = offline.slice(0, 8);
    const tooLate = offline.slice(8);
    await Promise.all(online.map((device) => device.connect(mqttUrl)));

    // Before the restart: bulk commands to the whole fleet and single commands round it; after
    // it, single commands to the devices that are, or are about to be, connected.
    type Request = { path: string; body: Record<string, unknown>; bulk: boolean };
    const switchable = devices.filter(
      (device) => device.type === 'load' || device.type === 'heat_pump',
    );
    const bulks: Request[] = [
      ...Array.from({ length: REBOOT_BULKS }, (_unused, b) => ({
        path: '/api/v1/commands/bulk',
        body: { tag: 'fleet', type: 'reboot', idempotencyKey: `bulk-${b}` },
        bulk: true,
      })),
      {
        path: '/api/v1/commands/bulk',
        body: { tag: 'fleet', type: 'switch', params: { on: false }, idempotencyKey: 'switch' },
        bulk: true,
      },
    ];
    const single = (device: SimulatedDevice, n: number): Request => ({
      path: `/api/v1/devices/${device.id}/commands`,
      body: { ...commandFor(device.type, n), idempotencyKey: `single-${n}` },
      bulk: false,
    });
    const singles = COMMANDS - REBOOT_BULKS * DEVICES - switchable.length;
    const before = Array.from({ length: SINGLES_BEFORE_RESTART }, (_unused, n) =>
      single(devices[n % DEVICES]!, n),
    );
    bulks.forEach((bulk, b) =>
      before.splice(Math.floor((b * before.length) / bulks.length) + b, 0, bulk),
    );
    const reachable = [...online, ...late];
    const after = Array.from({ length: singles - SINGLES_BEFORE_RESTART }, (_unused, n) =>
      single(reachable[n % reachable.length]!, SINGLES_BEFORE_RESTART + n),
    );
    const requests = [...before, ...after];

    const made = new Map<string, string>();
    let skipped = 0;
    let answered = 0;
    let next = 0;
    let restarted: Promise<void> | undefined;
    let restartedAt = Number.POSITIVE_INFINITY;
    const sender = async () => {
      for (let item = next++; item < requests.length; item = next++) {
        const request = requests[item]!;
        if (request.bulk) {
          const result = await expectStatus<BulkCommandResult>(
            'POST',
            request.path,
            [200, 201],
            request.body,
          );
          for (const command of result.commands) made.set(command.id, command.deviceId);
          if (request.body.type === 'switch') skipped = result.skipped.length;
        } else {
          const command = await expectStatus<Command>(
            'POST',
            request.path,
            [200, 201],
            request.body,
          );
          made.set(command.id, command.deviceId);
        }
        answered++;
        // Near the end of the first part, with requests in flight, the server is stopped and
        // started again; requests cut off are sent again with their idempotency keys.
        if (answered === Math.floor(before.length * 0.9)) {
          restarted = (async () => {
            await server!.stop();
            await start();
            restartedAt = Date.now();
            await Promise.all(late.map((device) => device.connect(mqttUrl)));
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, () => sender()));
    await restarted;
    expect(made.size).toBe(COMMANDS);
    expect(skipped).toBe(DEVICES - switchable.length);

    // Everything ends: what nobody answers expires after COMMAND_TIMEOUT plus the grace.
    const all = async (): Promise<Command[]> => {
      const commands: Command[] = [];
      for (let page = 1; ; page++) {
        const body = await expectStatus<{ data: Command[]; pagination: { totalPages: number } }>(
          'GET',
          `/api/v1/sites/${site.id}/commands?limit=100&page=${page}`,
          [200],
        );
        commands.push(...body.data);
        if (page >= body.pagination.totalPages) return commands;
      }
    };
    const deadline = Date.now() + (TIMEOUT_SECONDS + GRACE_SECONDS + 15) * 1000;
    let commands = await all();
    while (commands.some((command) => !isTerminalCommandStatus(command.status))) {
      expect(Date.now(), 'every command ends by its deadline').toBeLessThan(deadline);
      await sleep(500);
      commands = await all();
    }
    // The last devices arrive when nothing of theirs is open any more: nothing reaches them.
    await Promise.all(tooLate.map((device) => device.connect(mqttUrl)));
    await sleep(1000);

    expect(commands).toHaveLength(COMMANDS);
    expect(new Set(commands.map((command) => command.id))).toEqual(new Set(made.keys()));
    const byStatus = new Map<CommandStatus, number>();
    for (const command of commands)
      byStatus.set(command.status, (byStatus.get(command.status) ?? 0) + 1);

    // No command ran twice. Each one that completed ran once; one that ran without completing
    // had its answer arrive after it expired (the device was cut off by the restart).
    const executed = new Map<string, number>();
    for (const device of devices) {
      for (const [id, count] of device.executions) executed.set(id, count);
    }
    expect([...executed.values()].filter((count) => count !== 1)).toEqual([]);
    const statusOf = new Map(commands.map((command) => [command.id, command.status]));
    for (const command of commands) {
      if (command.status === 'completed') expect(executed.has(command.id)).toBe(true);
    }
    for (const id of executed.keys()) expect(['completed', 'expired']).toContain(statusOf.get(id));
    // Devices refuse what arrives after its deadline: those are the rejections, never run.
    const refused = devices.reduce((sum, device) => sum + device.refusedExpired, 0);
    expect(byStatus.get('rejected') ?? 0).toBe(refused);
    expect(byStatus.get('failed') ?? 0).toBe(0);
    expect(
      (byStatus.get('completed') ?? 0) +
        (byStatus.get('rejected') ?? 0) +
        (byStatus.get('expired') ?? 0),
    ).toBe(COMMANDS);

    // What the restarted server made for connected devices completed; the devices that came
    // only after expiry got nothing and their commands expired.
    const deviceOf = new Map(devices.map((device) => [device.id, device]));
    for (const command of commands) {
      const device = deviceOf.get(command.deviceId)!;
      if (tooLate.includes(device)) expect(command.status).toBe('expired');
      else if (Date.parse(command.createdAt) > restartedAt)
        expect(command.status, JSON.stringify(command)).toBe('completed');
    }
    expect(
      commands.filter((command) => Date.parse(command.createdAt) > restartedAt).length,
    ).toBeGreaterThan(0);
    expect(tooLate.every((device) => device.received === 0 && device.executions.size === 0)).toBe(
      true,
    );
    const summary = {
      statuses: Object.fromEntries(byStatus),
      executed: executed.size,
      redeliveries: devices.reduce((sum, device) => sum + device.redeliveries, 0),
      refusedExpired: refused,
    };
    expect(summary.statuses.completed).toBeGreaterThan(0);
    console.log(`commands across a restart: ${JSON.stringify(summary)}`);

    // The history: every move in the audit log, one chain per command, never backwards.
    await server!.stop();
    const database = await target.open();
    try {
      const entries = await inScope(database.db, 'platform', (trx) =>
        sql<{ resource_id: string; action: string; old_values: unknown; new_values: unknown }>`
            select resource_id, action, old_values, new_values from audit_logs
            where resource_type = 'command' order by id`.execute(trx),
      );
      const chains = new Map<string, { action: string; from?: string; to: string }[]>();
      for (const entry of entries.rows) {
        const chain = chains.get(entry.resource_id) ?? [];
        const to = (entry.new_values as { status: string }).status;
        const from = (entry.old_values as { status?: string } | null)?.status;
        chain.push({ action: entry.action, to, ...(from ? { from } : {}) });
        chains.set(entry.resource_id, chain);
      }
      expect(chains.size).toBe(COMMANDS);
      const finalOf = new Map(commands.map((command) => [command.id, command.status]));
      const broken: string[] = [];
      for (const [id, chain] of chains) {
        const [created, ...moves] = chain;
        let current: CommandStatus = 'pending';
        let ok = created!.action === 'command.create' && created!.to === 'pending';
        for (const move of moves) {
          ok &&= move.action === 'command.status_changed' && move.from === current;
          ok &&= RANK[move.to as CommandStatus] > RANK[current];
          current = move.to as CommandStatus;
        }
        ok &&= current === finalOf.get(id);
        ok &&=
          moves.filter((move) => isTerminalCommandStatus(move.to as CommandStatus)).length === 1;
        if (!ok) broken.push(`${id}: ${JSON.stringify(chain)}`);
      }
      expect(broken).toEqual([]);
    } finally {
      await database.close();
    }
  }, 150_000);
});
