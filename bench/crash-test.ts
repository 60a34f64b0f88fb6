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
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { Database } from '../apps/server/src/database/database.js';
import { inScope } from '../apps/server/src/database/scope.js';
import {
  createScratchDatabase,
  freePortNear,
  machineDescription,
  positiveIntegerOption,
  provisionFleet,
  ServerProcess,
  sleep,
  startMosquitto,
  type ScratchDatabase,
} from './lib/harness.js';

const { values: options } = parseArgs({
  options: {
    broker: { type: 'string', default: 'embedded' },
    devices: { type: 'string', default: '20' },
    kills: { type: 'string', default: '5' },
    'in-flight': { type: 'string', default: '20' },
    'broker-log': { type: 'string' },
  },
});
if (options.broker !== 'external' && options.broker !== 'embedded') {
  process.stderr.write(`--broker must be embedded or external, not "${options.broker}"\n`);
  process.exit(2);
}
const BROKER = options.broker;
const DEVICES = positiveIntegerOption('devices', options.devices);
const KILLS = positiveIntegerOption('kills', options.kills);
const IN_FLIGHT = positiveIntegerOption('in-flight', options['in-flight']);
const HTTP_PORT = freePortNear(3990, 5);
const MQTT_PORT = freePortNear(18830);
const log = (message: string) => process.stdout.write(`crash-test: ${message}\n`);

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
  let serverEnv: Record<string, string> = {
    DATA_DIR: dataDir,
    DEMO_SEED: 'true',
    MQTT_PORT: String(MQTT_PORT),
  };
  let scratch: ScratchDatabase | undefined;
  const mosquitto =
    BROKER === 'external'
      ? await startMosquitto(dataDir, { log: options['broker-log'] })
      : undefined;
  const brokerUrl = mosquitto ? mosquitto.url : `mqtt://127.0.0.1:${MQTT_PORT}`;
  if (BROKER === 'external') {
    scratch = await createScratchDatabase('ecogrid_crash');
    const group = new URL(scratch.url).pathname.slice(1);
    serverEnv = {
      ...serverEnv,
      DATABASE_URL: scratch.url,
      MQTT_URL: brokerUrl,
      MQTT_CLIENT_ID: `ecogrid-crash-${group}`,
      MQTT_SHARE_GROUP: group,
    };
  }
  const databaseUrl = scratch?.url;
  let server = new ServerProcess(HTTP_PORT, serverEnv);
  const publishers: Publisher[] = [];
  const started = Date.now();
  try {
    await server.waitReady();
    const fleet = await provisionFleet(server, DEVICES);
    log(
      `${BROKER}: ${DEVICES} devices publishing QoS 1, ${IN_FLIGHT} in flight each; ${KILLS} SIGKILLs`,
    );
    for (const device of fleet.devices)
      publishers.push(new Publisher(brokerUrl, fleet.siteId, device, BROKER === 'embedded'));
    for (let kill = 1; kill <= KILLS; kill++) {
      await sleep(1500 + Math.random() * 3000);
      const acked = publishers.reduce((total, publisher) => total + publisher.acked.size, 0);
      await server.stop('SIGKILL');
      log(`kill ${kill}: SIGKILL after ${acked} acknowledged readings; restarting`);
      server = new ServerProcess(HTTP_PORT, serverEnv);
      await server.waitReady();
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
    await server.stop();

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
      machine: machineDescription(),
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
    await server.stop('SIGKILL');
    await mosquitto?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}

await main();
