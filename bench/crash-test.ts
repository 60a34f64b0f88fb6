/**
 * npm run test:crash [-- --broker embedded|external] [--devices 20] [--kills 5]
 *
 * Devices publish QoS 1 readings, each with its own sequence number, as fast as they can while the
 * server is killed with SIGKILL at random moments and restarted. Afterwards every reading whose
 * PUBACK a device received must be in the database exactly once.
 * - embedded: the server's own broker and the embedded database;
 * - external: a Mosquitto this test starts with the persistence and queue settings of
 *   deploy/mosquitto (on a free loopback port), and PostgreSQL (TEST_DATABASE_URL, an admin URL on
 *   which a scratch database is created).
 * Only 127.0.0.1; bounded in time; stops the processes it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { Database } from '../apps/server/src/database/database.js';
import { inScope } from '../apps/server/src/database/scope.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: options } = parseArgs({
  options: {
    broker: { type: 'string', default: 'embedded' },
    devices: { type: 'string', default: '20' },
    kills: { type: 'string', default: '5' },
    'in-flight': { type: 'string', default: '20' },
    'broker-log': { type: 'string' },
  },
});
const BROKER = options.broker === 'external' ? 'external' : 'embedded';
const DEVICES = Number(options.devices);
const KILLS = Number(options.kills);
const IN_FLIGHT = Number(options['in-flight']);
const HTTP_PORT = 3990 + Math.floor(Math.random() * 5);
const MQTT_PORT = 18830 + Math.floor(Math.random() * 50);

interface Fleet {
  siteId: string;
  devices: { id: string; secret: string }[];
}

/** Mosquitto with deploy/mosquitto's durability settings, anonymous on loopback, for this test only. */
async function startMosquitto(dataDir: string): Promise<{ process: ChildProcess; url: string }> {
  const port = 18900 + Math.floor(Math.random() * 80);
  // Started as root, Mosquitto drops to its own user: its persistence directory must be writable.
  const brokerDir = path.join(dataDir, 'broker');
  await mkdir(brokerDir, { mode: 0o777 });
  await chmod(brokerDir, 0o777);
  const config = path.join(brokerDir, 'mosquitto.conf');
  await writeFile(
    config,
    [
      'persistence true',
      `persistence_location ${brokerDir}/`,
      'autosave_interval 1',
      'autosave_on_changes true',
      'max_queued_messages 0',
      'max_inflight_messages 0',
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      ...(options['broker-log'] ? [`log_dest file ${options['broker-log']}`, 'log_type all'] : []),
    ].join('\n') + '\n',
  );
  const broker = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
  await sleep(500);
  return { process: broker, url: `mqtt://127.0.0.1:${port}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message: string) => process.stdout.write(`crash-test: ${message}\n`);

function startServer(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(HTTP_PORT),
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(MQTT_PORT),
      JWT_SECRET: 'crash-test-secret-0123456789-0123456789-abc',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[server] ${chunk.toString()}`));
  return child;
}

async function waitReady(timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const response = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/health/ready`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(200);
  }
  throw new Error(`server did not become ready within ${timeoutMs / 1000} s: ${last}`);
}

async function api<T>(method: string, url: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${HTTP_PORT}${url}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok)
    throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function provision(): Promise<Fleet> {
  const { accessToken } = await api<{ accessToken: string }>(
    'POST',
    '/api/v1/auth/login',
    undefined,
    { username: 'demo-admin', password: 'EcoGrid-Admin-2026' },
  );
  const site = await api<{ id: string }>('POST', '/api/v1/sites', accessToken, {
    name: `Crash ${randomBytes(3).toString('hex')}`,
    latitude: 50,
    longitude: 8,
    timezone: 'Europe/Berlin',
  });
  const devices: Fleet['devices'] = [];
  for (let index = 0; index < DEVICES; index++) {
    const created = await api<{ device: { id: string }; credentials: { secret: string } }>(
      'POST',
      '/api/v1/devices',
      accessToken,
      { siteId: site.id, type: 'smart_meter', name: `Meter ${index}` },
    );
    devices.push({ id: created.device.id, secret: created.credentials.secret });
  }
  return { siteId: site.id, devices };
}

/** A device publishing readings 1, 2, 3, … with bounded in-flight; records what was acknowledged. */
class Publisher {
  readonly acked = new Set<number>();
  private next = 1;
  private inFlight = 0;
  private running = true;
  private client: MqttClient;
  private readonly start = Date.now() - 60_000;

  constructor(
    url: string,
    private readonly siteId: string,
    private readonly device: { id: string; secret: string },
    authenticated: boolean,
  ) {
    this.client = mqtt.connect(url, {
      clientId: device.id,
      ...(authenticated ? { username: device.id, password: device.secret } : {}),
      protocolVersion: 4,
      clean: false,
      reconnectPeriod: 200,
      connectTimeout: 5000,
    });
    this.client.on('connect', () => this.pump());
    this.client.on('error', () => undefined);
  }

  private pump(): void {
    while (this.running && this.client.connected && this.inFlight < IN_FLIGHT) {
      const sequence = this.next++;
      this.inFlight++;
      // Unique timestamp per reading: the sequence in milliseconds after the device's start.
      const payload = JSON.stringify({
        ts: this.start + sequence,
        metrics: { energy_kwh: sequence },
      });
      this.client.publish(
        `sites/${this.siteId}/devices/${this.device.id}/telemetry`,
        payload,
        { qos: 1 },
        (error) => {
          this.inFlight--;
          if (!error) this.acked.add(sequence);
          this.pump();
        },
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    const until = Date.now() + 30_000;
    while (this.inFlight > 0 && Date.now() < until) await sleep(100);
    await this.client.endAsync(true);
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ecogrid-crash-'));
  let serverEnv: Record<string, string> = { DATA_DIR: dataDir, DEMO_SEED: 'true' };
  let databaseUrl: string | undefined;
  let adminUrl: string | undefined;
  let scratch: string | undefined;
  const mosquitto = BROKER === 'external' ? await startMosquitto(dataDir) : undefined;
  const brokerUrl = mosquitto ? mosquitto.url : `mqtt://127.0.0.1:${MQTT_PORT}`;
  if (BROKER === 'external') {
    adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    scratch = `ecogrid_crash_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${scratch}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${scratch}`;
    databaseUrl = url.href;
    serverEnv = {
      ...serverEnv,
      DATABASE_URL: databaseUrl,
      MQTT_URL: brokerUrl,
      MQTT_CLIENT_ID: `ecogrid-crash-${scratch}`,
      MQTT_SHARE_GROUP: scratch,
    };
  }
  let server = startServer(serverEnv);
  const publishers: Publisher[] = [];
  const started = Date.now();
  try {
    await waitReady();
    const fleet = await provision();
    log(
      `${BROKER}: ${DEVICES} devices publishing QoS 1, ${IN_FLIGHT} in flight each; ${KILLS} SIGKILLs`,
    );
    for (const device of fleet.devices)
      publishers.push(new Publisher(brokerUrl, fleet.siteId, device, BROKER === 'embedded'));
    for (let kill = 1; kill <= KILLS; kill++) {
      await sleep(1500 + Math.random() * 3000);
      const acked = publishers.reduce((total, publisher) => total + publisher.acked.size, 0);
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      log(`kill ${kill}: SIGKILL after ${acked} acknowledged readings; restarting`);
      server = startServer(serverEnv);
      await waitReady();
    }
    await sleep(2000);
    await Promise.all(publishers.map((publisher) => publisher.stop()));
    const acknowledged = publishers.reduce((total, publisher) => total + publisher.acked.size, 0);
    if (databaseUrl) {
      // The broker still holds readings for the server: wait while it drains them, as long as the
      // count keeps growing.
      let stored = 0;
      let progressAt = Date.now();
      while (stored < acknowledged && Date.now() - progressAt < 30_000) {
        await sleep(1000);
        const probe = new pg.Client({ connectionString: databaseUrl });
        await probe.connect();
        const result = await probe.query<{ count: string }>(
          'select count(*) as count from readings',
        );
        await probe.end();
        const count = Number(result.rows[0]!.count);
        if (count > stored) progressAt = Date.now();
        stored = count;
      }
      log(`drained: ${stored} readings stored, ${acknowledged} acknowledged by the broker`);
    }
    await sleep(500);
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));

    const database = await Database.open({
      url: databaseUrl,
      dataDir,
      poolMax: 1,
      connectTimeoutMs: 10_000,
    });
    let missing = 0;
    let acked = 0;
    let stored = 0;
    try {
      for (const [index, publisher] of publishers.entries()) {
        const rows = await inScope(database.db, 'platform', (trx) =>
          sql<{
            value: number;
          }>`select value from readings where device_id = ${fleet.devices[index]!.id} and metric = 'energy_kwh'`.execute(
            trx,
          ),
        );
        const values = new Set(rows.rows.map((row) => Number(row.value)));
        stored += rows.rows.length;
        acked += publisher.acked.size;
        for (const sequence of publisher.acked) if (!values.has(sequence)) missing++;
      }
    } finally {
      await database.close();
    }
    const seconds = (Date.now() - started) / 1000;
    const result = {
      broker: BROKER,
      database: BROKER === 'external' ? 'postgres' : 'embedded',
      devices: DEVICES,
      kills: KILLS,
      acknowledged: acked,
      stored,
      missingAcknowledged: missing,
      seconds: +seconds.toFixed(1),
      machine: { cpus: cpus().length, node: process.version },
      date: new Date().toISOString(),
    };
    log(JSON.stringify(result));
    await writeFile(
      new URL(`./results/crash-test-${BROKER}.json`, import.meta.url),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    if (missing > 0 || acked === 0) {
      log(`FAILED: ${missing} acknowledged reading(s) missing`);
      process.exitCode = 1;
    } else {
      log(
        `passed: all ${acked} acknowledged readings stored exactly once (${stored} stored in all)`,
      );
    }
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    mosquitto?.process.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
    if (adminUrl && scratch) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`drop database if exists "${scratch}" with (force)`);
      await admin.end();
    }
  }
}

await main();
