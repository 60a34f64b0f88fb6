/**
 * npm run bench:ingest [-- --seconds 20 --devices 200 --window N --only embedded+embedded,mosquitto+postgres
 *                         --shapes single,batch]
 *
 * Devices publish QoS 1 telemetry through a broker into the server, which commits it to its
 * database. For each broker (the server's embedded one, a Mosquitto of the bench's own) and each
 * database (embedded PGlite, PostgreSQL) and each message shape:
 * - single: one reading of 5 metrics per message ({"ts", "metrics": {5}});
 * - batch:  a gateway batch of 50 such readings per message.
 * Throughput counts stored values (one row per device, metric and timestamp: 5 per reading) that
 * the server committed, from its own counter ems_ingest_readings_total, while publishers keep the
 * server saturated (at most a bounded backlog beyond what it committed). Latency, publish to
 * commit, is measured in a second phase paced at 80 % of that throughput: from the server's
 * commit-lag histogram (a reading's timestamp is its publish time), and on the embedded broker
 * also as publish → PUBACK at the device (the PUBACK follows the commit).
 * Then the raw ceiling: COPY of as many rows of the same shape into the same database, so the
 * result is a ratio. CPU and RSS of the server (and of Mosquitto and PostgreSQL) are sampled
 * from /proc. Everything runs on 127.0.0.1 and stops by itself; results go to
 * bench/results/ingest.json.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  createScratchDatabase,
  freePortNear,
  machineCpu,
  machineDescription,
  positiveIntegerOption,
  processUsage,
  provisionFleet,
  ServerProcess,
  sleep,
  startMosquitto,
  type Fleet,
  type Mosquitto,
  type ScratchDatabase,
} from './lib/harness.js';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    devices: { type: 'string', default: '200' },
    only: { type: 'string' },
    shapes: { type: 'string', default: 'single,batch' },
    window: { type: 'string' },
  },
});
const SECONDS = positiveIntegerOption('seconds', options.seconds);
const DEVICES = positiveIntegerOption('devices', options.devices);
const METRICS = ['power_kw', 'voltage_v', 'current_a', 'frequency_hz', 'energy_kwh'] as const;
const BATCH = 50;
/** Stored values the publishers may be ahead of the server's commits. */
const MAX_BACKLOG_VALUES = 60_000;
const PACED_SHARES = [0.5, 0.8];
const PACED_SECONDS = 12;

type Broker = 'embedded' | 'mosquitto';
type Engine = 'embedded' | 'postgres';
type Shape = 'single' | 'batch';

const log = (message: string) => process.stdout.write(`bench:ingest: ${message}\n`);

// --- Publishing -----------------------------------------------------------------------------------

class Device {
  private lastTs = 0;
  private counter = 0;
  inFlight = 0;
  readonly client: MqttClient;
  private readonly topic: string;

  constructor(
    url: string,
    siteId: string,
    device: Fleet['devices'][number],
    authenticated: boolean,
  ) {
    this.topic = `sites/${siteId}/devices/${device.id}/telemetry`;
    this.client = mqtt.connect(url, {
      clientId: device.id,
      ...(authenticated ? { username: device.id, password: device.secret } : {}),
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 500,
    });
    this.client.on('error', () => undefined);
  }

  /** One message: its readings end at the moment of publishing, 1 ms apart, each 5 values. */
  payload(shape: Shape): string {
    const count = shape === 'single' ? 1 : BATCH;
    const end = Math.max(Date.now(), this.lastTs + count);
    const readings: string[] = [];
    for (let index = count - 1; index >= 0; index--) {
      this.counter += 0.01;
      readings.push(
        `{"ts":${end - index},"metrics":{"power_kw":${(3 + Math.random()).toFixed(3)},` +
          `"voltage_v":${(230 + Math.random()).toFixed(2)},"current_a":${(14 + Math.random()).toFixed(2)},` +
          `"frequency_hz":50.0${Math.floor(Math.random() * 9)},"energy_kwh":${this.counter.toFixed(3)}}}`,
      );
    }
    this.lastTs = end;
    return shape === 'single' ? readings[0]! : `[${readings.join(',')}]`;
  }

  publish(shape: Shape, onAck: (sentAt: number, ok: boolean) => void): void {
    const sentAt = performance.now();
    this.inFlight++;
    this.client.publish(this.topic, this.payload(shape), { qos: 1 }, (error) => {
      this.inFlight--;
      onAck(sentAt, !error);
    });
  }
}

/** Waits until the server's commit counter stands still for a second: nothing left queued. */
async function drained(progress: Progress): Promise<void> {
  let previous = await progress.read();
  for (;;) {
    await sleep(1000);
    const now = await progress.read();
    if (now === previous) return;
    previous = now;
  }
}

/** Reads the server's counters; publishers stay at most MAX_BACKLOG_VALUES ahead of commits. */
class Progress {
  committed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly server: ServerProcess) {}

  async start(): Promise<void> {
    this.committed = await this.read();
    this.timer = setInterval(() => {
      void this.read().then(
        (value) => (this.committed = value),
        () => undefined,
      );
    }, 100);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async read(): Promise<number> {
    return counterValue(await this.server.metrics(), 'ems_ingest_readings_total');
  }
}

interface PhaseResult {
  seconds: number;
  messages: number;
  values: number;
  pubackMs: number[];
}

/**
 * Publishes for `seconds`: as fast as the bounds allow (rate undefined), or at `rate` messages/s.
 * Each device keeps at most `window` messages unacknowledged.
 */
async function publishFor(
  devices: Device[],
  shape: Shape,
  progress: Progress,
  seconds: number,
  window: number,
  rate?: number,
): Promise<PhaseResult> {
  const perMessage = (shape === 'single' ? 1 : BATCH) * METRICS.length;
  const pubackMs: number[] = [];
  let published = 0;
  const startCommitted = await progress.read();
  progress.committed = startCommitted;
  const started = performance.now();
  const until = started + seconds * 1000;
  let tokens = 0;
  let last = started;
  let cursor = 0;
  while (performance.now() < until) {
    const now = performance.now();
    if (rate !== undefined) tokens = Math.min(tokens + ((now - last) / 1000) * rate, rate / 10);
    last = now;
    let sent = 0;
    for (let tried = 0; tried < devices.length; tried++) {
      if (rate !== undefined && tokens < 1) break;
      const backlog = (published - (progress.committed - startCommitted) / perMessage) * perMessage;
      if (backlog >= MAX_BACKLOG_VALUES) break;
      const device = devices[cursor]!;
      cursor = (cursor + 1) % devices.length;
      if (device.inFlight >= window || !device.client.connected) continue;
      device.publish(shape, (sentAt, ok) => {
        if (ok && rate !== undefined) pubackMs.push(performance.now() - sentAt);
      });
      published++;
      sent++;
      if (rate !== undefined) tokens--;
    }
    // Let the sockets and the acknowledgements run.
    await new Promise((resolve) => setImmediate(resolve));
    if (sent === 0) await sleep(1);
  }
  const elapsed = (performance.now() - started) / 1000;
  const committed = (await progress.read()) - startCommitted;
  return {
    seconds: elapsed,
    messages: Math.round(committed / perMessage),
    values: committed,
    pubackMs,
  };
}

// --- Measuring ------------------------------------------------------------------------------------

function counterValue(metrics: string, name: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Cumulative bucket counts of a histogram, by upper bound in seconds. */
function histogram(metrics: string, name: string): Map<number, number> {
  const buckets = new Map<number, number>();
  const pattern = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`);
  for (const line of metrics.split('\n')) {
    const match = pattern.exec(line);
    if (match) buckets.set(match[1] === '+Inf' ? Infinity : Number(match[1]), Number(match[2]));
  }
  return buckets;
}

/** A quantile of the observations between two scrapes, interpolated within its bucket, in ms. */
function histogramQuantile(
  before: Map<number, number>,
  after: Map<number, number>,
  quantile: number,
): number | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((bound) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total === 0) return null;
  const rank = quantile * total;
  let lower = 0;
  let below = 0;
  for (const [index, bound] of bounds.entries()) {
    const cumulative = counts[index]!;
    if (cumulative >= rank) {
      if (bound === Infinity) return lower * 1000;
      const inBucket = cumulative - below;
      const fraction = inBucket === 0 ? 1 : (rank - below) / inBucket;
      return +((lower + (bound - lower) * fraction) * 1000).toFixed(1);
    }
    lower = bound;
    below = cumulative;
  }
  return null;
}

function percentile(values: number[], quantile: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return +sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!.toFixed(1);
}

/** Summed CPU seconds of every PostgreSQL process on the machine (ours are the busy ones). */
async function postgresCpuSeconds(): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = (await readFile(`/proc/${entry}/comm`, 'utf8')).trim();
      if (comm === 'postgres') total += processUsage(Number(entry)).cpuSeconds;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU use (in % of one core) of the server, broker and database, and the server's peak RSS. */
class Usage {
  private readonly start: {
    server: number;
    broker: number;
    database: number;
    machine: ReturnType<typeof machineCpu>;
    at: number;
  };
  private peakRss = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly serverPid: number,
    private readonly brokerPid: number | undefined,
    databaseCpu: number,
  ) {
    this.start = {
      server: processUsage(serverPid).cpuSeconds,
      broker: brokerPid ? processUsage(brokerPid).cpuSeconds : 0,
      database: databaseCpu,
      machine: machineCpu(),
      at: performance.now(),
    };
    this.timer = setInterval(() => {
      this.peakRss = Math.max(this.peakRss, processUsage(serverPid).rssBytes);
    }, 250);
  }

  static async begin(serverPid: number, brokerPid: number | undefined, engine: Engine) {
    return new Usage(serverPid, brokerPid, engine === 'postgres' ? await postgresCpuSeconds() : 0);
  }

  async end(engine: Engine) {
    clearInterval(this.timer);
    const seconds = (performance.now() - this.start.at) / 1000;
    const machine = machineCpu();
    const share = (cpu: number) => Math.round((cpu / seconds) * 100);
    const server = processUsage(this.serverPid);
    this.peakRss = Math.max(this.peakRss, server.rssBytes);
    return {
      serverCpuPct: share(server.cpuSeconds - this.start.server),
      serverPeakRssMiB: Math.round(this.peakRss / 1024 / 1024),
      ...(this.brokerPid
        ? { mosquittoCpuPct: share(processUsage(this.brokerPid).cpuSeconds - this.start.broker) }
        : {}),
      ...(engine === 'postgres'
        ? { postgresCpuPct: share((await postgresCpuSeconds()) - this.start.database) }
        : {}),
      machineBusyPct: Math.round(
        ((machine.busy - this.start.machine.busy) / (machine.total - this.start.machine.total)) *
          100,
      ),
    };
  }
}

// --- The COPY ceiling -----------------------------------------------------------------------------

function copyRows(fleet: Fleet, tenantId: string, rows: number): string {
  const lines: string[] = [];
  const base = Date.now() - 2 * 3_600_000;
  const perDevice = Math.ceil(rows / METRICS.length / fleet.devices.length);
  for (let step = 0; step < perDevice; step++) {
    const ts = new Date(base + step).toISOString();
    for (const device of fleet.devices)
      for (const metric of METRICS)
        lines.push(`${tenantId},${device.id},${metric},${ts},${(Math.random() * 100).toFixed(3)}`);
    if (lines.length >= rows) break;
  }
  return lines.slice(0, rows).join('\n') + '\n';
}

const COPY_SQL = `copy readings (tenant_id, device_id, metric, ts, value) from stdin with (format csv)`;

async function copyCeiling(
  engine: Engine,
  target: { url?: string | undefined; dataDir: string },
  fleet: Fleet,
  rows: number,
): Promise<{ rows: number; seconds: number; valuesPerSecond: number }> {
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    const tenant = await client.query<{ tenant_id: string }>(
      'select tenant_id from devices where id = $1',
      [fleet.devices[0]!.id],
    );
    const csv = copyRows(fleet, tenant.rows[0]!.tenant_id, rows);
    const started = performance.now();
    await pipeline(Readable.from([csv]), client.query(copyFrom(COPY_SQL)));
    const seconds = (performance.now() - started) / 1000;
    await client.end();
    return { rows, seconds: +seconds.toFixed(2), valuesPerSecond: Math.round(rows / seconds) };
  }
  const database = await PGlite.create({ dataDir: path.join(target.dataDir, 'pglite') });
  try {
    const tenant = await database.query<{ tenant_id: string }>(
      'select tenant_id from devices where id = $1',
      [fleet.devices[0]!.id],
    );
    const csv = copyRows(fleet, tenant.rows[0]!.tenant_id, rows);
    const started = performance.now();
    await database.query(COPY_SQL.replace('stdin', `'/dev/blob'`), [], {
      blob: new Blob([csv]),
    });
    const seconds = (performance.now() - started) / 1000;
    return { rows, seconds: +seconds.toFixed(2), valuesPerSecond: Math.round(rows / seconds) };
  } finally {
    await database.close();
  }
}

// --- One run ------------------------------------------------------------------------------------

async function run(broker: Broker, engine: Engine, shape: Shape) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ecogrid-bench-'));
  const httpPort = freePortNear(4100, 100);
  const mqttPort = freePortNear(19100, 100);
  let mosquitto: Mosquitto | undefined;
  let scratch: ScratchDatabase | undefined;
  let server: ServerProcess | undefined;
  let progress: Progress | undefined;
  const devices: Device[] = [];
  try {
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      DEMO_SEED: 'true',
      MQTT_PORT: String(mqttPort),
    };
    if (engine === 'postgres') {
      scratch = await createScratchDatabase('ecogrid_bench');
      env.DATABASE_URL = scratch.url;
    }
    if (broker === 'mosquitto') {
      mosquitto = await startMosquitto(dataDir);
      env.MQTT_URL = mosquitto.url;
      env.MQTT_SHARE_GROUP = 'bench';
      env.MQTT_CLIENT_ID = `ecogrid-bench-${httpPort}`;
    }
    server = new ServerProcess(httpPort, env, { compiled: true });
    await server.waitReady();
    const fleet = await provisionFleet(server, DEVICES);
    const url = mosquitto ? mosquitto.url : `mqtt://127.0.0.1:${mqttPort}`;
    for (const device of fleet.devices)
      devices.push(new Device(url, fleet.siteId, device, broker === 'embedded'));
    const until = Date.now() + 30_000;
    while (devices.some((device) => !device.client.connected) && Date.now() < until)
      await sleep(100);
    progress = new Progress(server);
    await progress.start();
    const window = options.window
      ? positiveIntegerOption('window', options.window)
      : shape === 'single'
        ? 30
        : 3;

    await publishFor(devices, shape, progress, 3, window); // warm-up
    await drained(progress);
    const usage = await Usage.begin(server.pid, mosquitto?.process.pid, engine);
    const saturated = await publishFor(devices, shape, progress, SECONDS, window);
    const resources = await usage.end(engine);
    const throughput = saturated.values / saturated.seconds;

    // Latency at a share of what the server sustained, each phase starting with nothing queued.
    const perMessage = (shape === 'single' ? 1 : BATCH) * METRICS.length;
    const paced = [];
    for (const share of PACED_SHARES) {
      await drained(progress);
      const rate = (throughput * share) / perMessage;
      const lagBefore = histogram(await server.metrics(), 'ems_ingest_commit_lag_seconds');
      const phase = await publishFor(devices, shape, progress, PACED_SECONDS, window, rate);
      await drained(progress);
      const lagAfter = histogram(await server.metrics(), 'ems_ingest_commit_lag_seconds');
      paced.push({
        share,
        targetValuesPerSecond: Math.round(rate * perMessage),
        valuesPerSecond: Math.round(phase.values / phase.seconds),
        commitLagMs: {
          p50: histogramQuantile(lagBefore, lagAfter, 0.5),
          p99: histogramQuantile(lagBefore, lagAfter, 0.99),
        },
        ...(broker === 'embedded'
          ? {
              pubackMs: {
                p50: percentile(phase.pubackMs, 0.5),
                p99: percentile(phase.pubackMs, 0.99),
              },
            }
          : {}),
      });
    }

    await Promise.all(devices.map((device) => device.client.endAsync(true)));
    devices.length = 0;
    await server.stop();
    await mosquitto?.stop();
    const copyTarget = { url: scratch?.url, dataDir };
    const rows = Math.min(Math.max(saturated.values, 200_000), 2_000_000);
    const copy = await copyCeiling(engine, copyTarget, fleet, rows);

    const result = {
      broker,
      database: engine === 'postgres' ? 'postgresql' : 'embedded (PGlite)',
      shape:
        shape === 'single'
          ? 'one reading of 5 metrics per message'
          : `gateway batch of ${BATCH} readings of 5 metrics`,
      devices: DEVICES,
      saturated: {
        seconds: +saturated.seconds.toFixed(1),
        messagesPerSecond: Math.round(saturated.messages / saturated.seconds),
        valuesPerSecond: Math.round(throughput),
        ...resources,
      },
      paced,
      copyCeiling: copy,
      ratioToCopy: +(throughput / copy.valuesPerSecond).toFixed(2),
    };
    log(
      `${broker} → ${engine}, ${shape}: ${result.saturated.valuesPerSecond} values/s ` +
        `(${result.saturated.messagesPerSecond} msg/s), COPY ${copy.valuesPerSecond}/s, ratio ${result.ratioToCopy}; ` +
        paced
          .map(
            (phase) =>
              `commit lag at ${Math.round(phase.share * 100)} %: p50 ${phase.commitLagMs.p50} ms, p99 ${phase.commitLagMs.p99} ms; `,
          )
          .join('') +
        `server CPU ${resources.serverCpuPct} %, RSS ${resources.serverPeakRssMiB} MiB`,
    );
    return result;
  } finally {
    progress?.stop();
    await Promise.all(devices.map((device) => device.client.endAsync(true)));
    await server?.stop('SIGKILL');
    await mosquitto?.stop();
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// --- Main -----------------------------------------------------------------------------------------

const combinations: [Broker, Engine][] = [
  ['embedded', 'embedded'],
  ['embedded', 'postgres'],
  ['mosquitto', 'postgres'],
  ['mosquitto', 'embedded'],
];
const wanted = options.only?.split(',').map((entry) => entry.trim());
const shapes = options.shapes.split(',').map((shape) => shape.trim()) as Shape[];
const known = combinations.map(([broker, engine]) => `${broker}+${engine}`);
for (const [name, given, allowed] of [
  ['only', wanted ?? [], known],
  ['shapes', shapes, ['single', 'batch']],
] as const) {
  const unknown = given.filter((value) => !(allowed as readonly string[]).includes(value));
  if (unknown.length > 0) {
    process.stderr.write(`--${name}: unknown ${unknown.join(', ')}; use ${allowed.join(', ')}\n`);
    process.exit(2);
  }
}
const results = [];
for (const [broker, engine] of combinations) {
  if (wanted && !wanted.includes(`${broker}+${engine}`)) continue;
  for (const shape of shapes) results.push(await run(broker, engine, shape));
}
const report = {
  benchmark: 'ingest',
  date: new Date().toISOString(),
  machine: machineDescription(),
  unit: 'values: one stored row per device, metric and timestamp (a reading of 5 metrics is 5 values)',
  settings: {
    seconds: SECONDS,
    devices: DEVICES,
    maxBacklogValues: MAX_BACKLOG_VALUES,
    pacedShares: PACED_SHARES,
    pacedSeconds: PACED_SECONDS,
  },
  results,
};
const file = new URL(
  `./results/ingest${wanted ? `-${wanted.join('-').replaceAll('+', '_')}` : ''}.json`,
  import.meta.url,
);
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
log(`results written to bench/results/${path.basename(file.pathname)}`);
