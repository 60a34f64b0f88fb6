/**
 * npm run bench:live [-- --clients 1000,max --seconds 30 --rate 10000 --sites 100 --devices-per-site 20
 *                       --database postgres|embedded --skip restart,slow --restart-clients 1000
 *                       --slow-seconds 90 --out bench/results/live.json]
 *
 * The live stream under ingest load. A server (compiled, its embedded MQTT broker on a free port,
 * PostgreSQL in a scratch database or with --database embedded PGlite) gets `--sites` sites of
 * `--devices-per-site` smart meters; the devices publish QoS 1 telemetry at a steady `--rate`
 * readings/s in all (a reading: one device's message of 3 metrics, so 3 stored values), each
 * reading stamped with its publish time. WebSocket clients, held by 2-4 child processes
 * (bench/live-client-worker.ts) so they do not share an event loop with the publishers, each
 * subscribe to one site, round-robin. Latency is a client's receive time minus the reading's
 * timestamp: device publish → broker → commit → live hub (coalesced to LIVE_MAX_HZ per device)
 * → browser message, all on this machine's one clock.
 * For each N of `--clients` ("max": 2500, 5000, 10000 in turn beyond the largest number given,
 * until one fails the bar): connect, authenticate and subscribe N clients (time, failures), warm
 * up, then over `--seconds`: delivered updates/s, latency p50/p95/p99/max, server CPU and RSS,
 * PostgreSQL and client-process CPU, machine CPU, and what the publishers achieved. The bar: at
 * most 1 % of clients failing to subscribe, p99 ≤ 5 s, publishers at ≥ 95 % of the rate.
 * Then (unless skipped):
 * - restart: with `--restart-clients` connected the server gets SIGTERM and starts again on the
 *   same port and database; the clients' close codes, the time until 95 % and all of them are
 *   subscribed again, and whether updates reach them again;
 * - slow: 100 clients following 10 sites each stop reading their sockets (once subscribed)
 *   beside 100 normal clients; the server's RSS every second for `--slow-seconds`, when it
 *   closed the slow ones, as too slow (4008: a paused reader cannot answer the server's pings,
 *   and the server closes a client whose ping waits longer than LIVE_SLOW_GRACE_MS) or as dead,
 *   and the normal clients' latency meanwhile.
 * The server runs with its LIVE_* defaults; only JWT_EXPIRES_IN and the login rate limit are
 * raised for the bench. Its log goes to the scratch data directory (the restart result quotes
 * its shutdown lines).
 * Everything runs on 127.0.0.1 and stops by itself; every process the bench starts is stopped
 * and its scratch database dropped, also on failure or Ctrl-C. Results: bench/results/live.json
 * (or `--out`), with the machine and the settings; a summary on stdout.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import {
  createScratchDatabase,
  freePortNear,
  machineCpu,
  machineDescription,
  positiveIntegerOption,
  postgresCpuByPid,
  postgresCpuSince,
  processUsage,
  provisionFleet,
  ROOT,
  ServerProcess,
  sleep,
  type Fleet,
} from './lib/harness.js';
import { LatencyHistogram } from './lib/latency-histogram.js';
import type { ClientSpec, FromWorker, Snapshot, ToWorker } from './live-client-worker.js';

// --- Options --------------------------------------------------------------------------------------

const refuse = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};

function parseOptions() {
  try {
    return parseArgs({
      options: {
        clients: { type: 'string', default: '1000,max' },
        seconds: { type: 'string', default: '30' },
        rate: { type: 'string', default: '10000' },
        sites: { type: 'string', default: '100' },
        'devices-per-site': { type: 'string', default: '20' },
        database: { type: 'string', default: 'postgres' },
        skip: { type: 'string', default: '' },
        'restart-clients': { type: 'string', default: '1000' },
        'slow-seconds': { type: 'string', default: '90' },
        out: { type: 'string' },
      },
    }).values;
  } catch (error) {
    return refuse((error as Error).message);
  }
}
const options = parseOptions();
const SECONDS = positiveIntegerOption('seconds', options.seconds);
const RATE = positiveIntegerOption('rate', options.rate);
const SITES = positiveIntegerOption('sites', options.sites);
const DEVICES_PER_SITE = positiveIntegerOption('devices-per-site', options['devices-per-site']);
const RESTART_CLIENTS = positiveIntegerOption('restart-clients', options['restart-clients']);
const SLOW_SECONDS = positiveIntegerOption('slow-seconds', options['slow-seconds']);
if (options.database !== 'postgres' && options.database !== 'embedded')
  refuse(`--database must be postgres or embedded, not "${options.database}"`);
const DATABASE = options.database as 'postgres' | 'embedded';
const SKIP = options.skip.split(',').filter((entry) => entry.trim() !== '');
for (const entry of SKIP)
  if (entry !== 'restart' && entry !== 'slow')
    refuse(`--skip takes restart and/or slow, not "${entry}"`);
const CLIENT_STEPS = options.clients.split(',').map((entry) => entry.trim());
const MAX_STEPS = [2500, 5000, 10_000];
for (const [index, entry] of CLIENT_STEPS.entries()) {
  if (entry === 'max' && index !== CLIENT_STEPS.length - 1)
    refuse('--clients: "max" can only come last');
  if (entry !== 'max') positiveIntegerOption('clients', entry);
}
const OUT = path.resolve(options.out ?? path.join(ROOT, 'bench/results/live.json'));

const METRICS = 3;
const WARMUP_SECONDS = 5;
/** Readings a device may have unacknowledged; beyond, its turn is missed (the rate shows it). */
const DEVICE_WINDOW = 10;
const SETUP_TIMEOUT_MS = 60_000;
/** Clients of one process that set up at once. */
const SETUP_CONCURRENCY = 100;
const SLOW_CLIENTS = 100;
const SLOW_SITES_EACH = 10;
const SLOW_NORMAL_CLIENTS = 100;
const BAR = { maxFailedShare: 0.01, maxP99Ms: 5_000, minRateShare: 0.95 };
/** The server's defaults, recorded with the results (the bench does not change them). */
const LIVE_MAX_HZ = 2;

const log = (message: string) => process.stdout.write(`bench:live: ${message}\n`);
const round = (value: number, digits = 0) => +value.toFixed(digits);
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

// --- Cleaning up ----------------------------------------------------------------------------------

/** Run in reverse order on the way out, whatever happened. */
const cleanups: (() => unknown)[] = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`clean-up step failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything the bench started`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// --- The server -----------------------------------------------------------------------------------

let server: ServerProcess | undefined;

async function scrape(): Promise<string> {
  return server!.metrics();
}

/** A counter's value summed over the series whose labels contain `labels`. */
function metricValue(metrics: string, name: string, labels = ''): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!(line.startsWith(`${name} `) || line.startsWith(`${name}{`))) continue;
    if (labels && !line.includes(labels)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const sentUpdates = (metrics: string) =>
  metricValue(metrics, 'ems_live_messages_sent_total', 'type="device.metrics"');

// --- Publishers -----------------------------------------------------------------------------------

interface Publisher {
  client: MqttClient;
  topic: string;
  inFlight: number;
  lastTs: number;
  energy: number;
}

/** Every device publishing in turn, round-robin, at a steady total rate of readings. */
class Publishers {
  private readonly devices: Publisher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private tokens = 0;
  private last = 0;
  private cursor = 0;
  published = 0;
  acked = 0;
  failed = 0;
  missed = 0;

  constructor(
    url: string,
    fleets: Fleet[],
    private readonly rate: number,
  ) {
    for (const fleet of fleets) {
      for (const device of fleet.devices) {
        const client = mqtt.connect(url, {
          clientId: device.id,
          username: device.id,
          password: device.secret,
          protocolVersion: 4,
          clean: true,
          reconnectPeriod: 500,
          connectTimeout: 30_000,
        });
        client.on('error', () => undefined);
        this.devices.push({
          client,
          topic: `sites/${fleet.siteId}/devices/${device.id}/telemetry`,
          inFlight: 0,
          lastTs: 0,
          energy: 0,
        });
      }
    }
  }

  async connected(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const connected = this.devices.filter((device) => device.client.connected).length;
      if (connected === this.devices.length) return;
      await sleep(200);
    }
    throw new Error('the devices did not all connect to the broker');
  }

  start(): void {
    this.last = performance.now();
    this.tick();
  }

  /** Acknowledged readings so far (the PUBACK follows the commit). */
  get acknowledged(): number {
    return this.acked;
  }

  async end(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all(this.devices.map((device) => device.client.endAsync(true)));
  }

  private readonly tick = (): void => {
    const now = performance.now();
    // At most 50 ms of catching up: a stall is missed readings, not a burst.
    this.tokens = Math.min(this.tokens + ((now - this.last) / 1000) * this.rate, this.rate / 20);
    this.last = now;
    for (let tried = 0; this.tokens >= 1 && tried < this.devices.length; tried++) {
      const device = this.devices[this.cursor]!;
      this.cursor = (this.cursor + 1) % this.devices.length;
      this.tokens--;
      if (!device.client.connected || device.inFlight >= DEVICE_WINDOW) {
        this.missed++;
        continue;
      }
      this.publish(device);
    }
    this.timer = setTimeout(this.tick, 5);
  };

  private publish(device: Publisher): void {
    const ts = Math.max(Date.now(), device.lastTs + 1);
    device.lastTs = ts;
    device.energy += 0.001;
    const payload =
      `{"ts":${ts},"metrics":{"power_kw":${(3 + Math.random()).toFixed(3)},` +
      `"voltage_v":${(230 + Math.random()).toFixed(2)},"energy_kwh":${device.energy.toFixed(3)}}}`;
    device.inFlight++;
    this.published++;
    device.client.publish(device.topic, payload, { qos: 1 }, (error) => {
      device.inFlight--;
      if (error) this.failed++;
      else this.acked++;
    });
  }
}

// --- Client processes -----------------------------------------------------------------------------

const liveWorkers = new Set<ChildProcess>();
cleanups.push(() => {
  for (const worker of liveWorkers) worker.kill('SIGKILL');
});

/** Child processes holding the WebSocket clients; each answers one request at a time. */
class ClientProcesses {
  private constructor(private readonly workers: ChildProcess[]) {}

  static async start(count: number): Promise<ClientProcesses> {
    const workers = Array.from({ length: count }, () => {
      const worker = fork(path.join(ROOT, 'bench/live-client-worker.ts'), [], {
        cwd: ROOT,
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      liveWorkers.add(worker);
      // A send to a process that is gone fails its request below; it must not end the bench.
      worker.on('error', (error) => log(`client process: ${error.message}`));
      worker.once('exit', () => liveWorkers.delete(worker));
      return worker;
    });
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (message: FromWorker) => {
              if (message.type !== 'hello') return;
              worker.off('message', onMessage);
              resolve();
            };
            worker.on('message', onMessage);
            worker.once('exit', (code) => reject(new Error(`a client process exited (${code})`)));
          }),
      ),
    );
    return new ClientProcesses(workers);
  }

  get pids(): number[] {
    return this.workers.map((worker) => worker.pid!);
  }

  /** Opens each process's share of clients; resolves when every one is set up or given up. */
  async open(shares: ClientSpec[][], url: string, token: string) {
    const replies = await Promise.all(
      this.workers.map((worker, index) =>
        this.request<Extract<FromWorker, { type: 'opened' }>>(worker, 'opened', {
          type: 'open',
          url,
          token,
          clients: shares[index] ?? [],
          concurrency: SETUP_CONCURRENCY,
          timeoutMs: SETUP_TIMEOUT_MS,
        }),
      ),
    );
    const setup = new LatencyHistogram();
    const errors: Record<string, number> = {};
    for (const reply of replies) {
      for (const ms of reply.setupMs) setup.record(ms);
      for (const [reason, count] of Object.entries(reply.errors))
        errors[reason] = (errors[reason] ?? 0) + count;
    }
    return {
      ready: replies.reduce((total, reply) => total + reply.ready, 0),
      failed: replies.reduce((total, reply) => total + reply.failed, 0),
      errors,
      setupMs: setup.summary(),
    };
  }

  broadcast(message: ToWorker): void {
    for (const worker of this.workers) if (worker.connected) worker.send(message);
  }

  snapshots(): Promise<Snapshot[]> {
    return Promise.all(
      this.workers.map((worker) =>
        this.request<Snapshot>(worker, 'snapshot', { type: 'snapshot' }),
      ),
    );
  }

  /** Closes every client, then ends the processes. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map((worker) =>
        Promise.race([this.request(worker, 'closed', { type: 'close' }), sleep(10_000)]).catch(
          () => undefined,
        ),
      ),
    );
    await Promise.all(
      this.workers.map(async (worker) => {
        if (worker.exitCode !== null || worker.signalCode !== null) return;
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        if (worker.connected) worker.disconnect();
        await Promise.race([exited, sleep(5_000)]);
        worker.kill('SIGKILL');
      }),
    );
  }

  private request<T extends FromWorker>(
    worker: ChildProcess,
    reply: T['type'],
    message: ToWorker,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (answer: FromWorker) => {
        if (answer.type !== reply) return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(answer as T);
      };
      const onExit = (code: number | null) => {
        worker.off('message', onMessage);
        reject(new Error(`a client process exited (${code}) before answering ${message.type}`));
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      if (worker.connected) worker.send(message);
      else onExit(worker.exitCode);
    });
  }
}

function merged(snapshots: Snapshot[]) {
  const histogram = new LatencyHistogram();
  const closes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const snapshot of snapshots) {
    histogram.merge(snapshot.histogram, snapshot.maxMs);
    for (const [code, count] of Object.entries(snapshot.closes))
      closes[code] = (closes[code] ?? 0) + count;
    for (const [reason, count] of Object.entries(snapshot.errors))
      errors[reason] = (errors[reason] ?? 0) + count;
  }
  return {
    clients: snapshots.reduce((total, snapshot) => total + snapshot.clients, 0),
    subscribed: snapshots.reduce((total, snapshot) => total + snapshot.subscribed, 0),
    updates: snapshots.reduce((total, snapshot) => total + snapshot.updates, 0),
    /** Each process's count over its own window (they start and end a few ms apart). */
    updatesPerSecond: Math.round(
      snapshots.reduce(
        (total, snapshot) => total + snapshot.updates / Math.max(snapshot.windowSeconds, 0.001),
        0,
      ),
    ),
    latencyMs: histogram.summary(),
    closes,
    errors,
    marked: snapshots.flatMap((snapshot) => snapshot.marked),
  };
}

/** N clients, one site each (round-robin), spread evenly over the processes. */
function siteClients(count: number, siteIds: string[], processes: number): ClientSpec[][] {
  const shares: ClientSpec[][] = Array.from({ length: processes }, () => []);
  for (let index = 0; index < count; index++)
    shares[index % processes]!.push({ siteIds: [siteIds[index % siteIds.length]!], slow: false });
  return shares;
}

const processesFor = (clients: number) => Math.min(4, Math.max(2, Math.ceil(clients / 2500)));

// --- Resource use ---------------------------------------------------------------------------------

/** CPU (in % of one core) of the server, PostgreSQL and the bench's processes; the server's RSS. */
class Usage {
  private readonly start;
  private peakRss: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly clientPids: number[]) {
    const rss = processUsage(server!.pid).rssBytes;
    this.peakRss = rss;
    this.start = {
      at: performance.now(),
      server: processUsage(server!.pid).cpuSeconds,
      postgres: DATABASE === 'postgres' ? postgresCpuByPid() : new Map<number, number>(),
      clients: this.clientCpu(),
      bench: process.cpuUsage(),
      machine: machineCpu(),
      rss,
    };
    this.timer = setInterval(() => {
      try {
        this.peakRss = Math.max(this.peakRss, processUsage(server!.pid).rssBytes);
      } catch {
        // the server is gone (the bench is being interrupted); end() will say so
      }
    }, 250);
  }

  end() {
    clearInterval(this.timer);
    const seconds = (performance.now() - this.start.at) / 1000;
    const share = (cpuSeconds: number) => Math.round((cpuSeconds / seconds) * 100);
    const now = processUsage(server!.pid);
    this.peakRss = Math.max(this.peakRss, now.rssBytes);
    const bench = process.cpuUsage(this.start.bench);
    const machine = machineCpu();
    return {
      serverCpuPct: share(now.cpuSeconds - this.start.server),
      serverRssMiB: {
        atStart: mib(this.start.rss),
        peak: mib(this.peakRss),
        atEnd: mib(now.rssBytes),
      },
      ...(DATABASE === 'postgres'
        ? { postgresCpuPct: share(postgresCpuSince(this.start.postgres)) }
        : {}),
      clientProcessesCpuPct: share(this.clientCpu() - this.start.clients),
      publishersCpuPct: share((bench.user + bench.system) / 1e6),
      machineBusyPct: Math.round(
        ((machine.busy - this.start.machine.busy) / (machine.total - this.start.machine.total)) *
          100,
      ),
    };
  }

  private clientCpu(): number {
    let total = 0;
    for (const pid of this.clientPids) {
      try {
        total += processUsage(pid).cpuSeconds;
      } catch {
        // exited
      }
    }
    return total;
  }
}

// --- Phases ---------------------------------------------------------------------------------------

interface Context {
  url: string;
  token: string;
  siteIds: string[];
  publishers: Publishers;
}

async function clientStep(context: Context, clients: number) {
  const processes = await ClientProcesses.start(processesFor(clients));
  try {
    const rssBefore = processUsage(server!.pid).rssBytes;
    const connectStarted = performance.now();
    const opened = await processes.open(
      siteClients(clients, context.siteIds, processesFor(clients)),
      context.url,
      context.token,
    );
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const rssConnected = processUsage(server!.pid).rssBytes;
    await sleep(WARMUP_SECONDS * 1000);

    processes.broadcast({ type: 'window' });
    const sentBefore = sentUpdates(await scrape());
    const ackedBefore = context.publishers.acknowledged;
    const publishedBefore = context.publishers.published;
    const usage = new Usage(processes.pids);
    const started = performance.now();
    await sleep(SECONDS * 1000);
    const snapshot = merged(await processes.snapshots());
    const seconds = (performance.now() - started) / 1000;
    const resources = usage.end();
    const sent = sentUpdates(await scrape()) - sentBefore;
    const achieved = (context.publishers.acknowledged - ackedBefore) / seconds;
    const published = (context.publishers.published - publishedBefore) / seconds;

    const deviceHz = achieved / (context.siteIds.length * DEVICES_PER_SITE);
    const failedReasons: string[] = [];
    if (opened.failed > clients * BAR.maxFailedShare)
      failedReasons.push(`${opened.failed} clients failed to subscribe`);
    if (snapshot.subscribed < opened.ready * (1 - BAR.maxFailedShare))
      failedReasons.push(`${opened.ready - snapshot.subscribed} clients lost their subscription`);
    if (snapshot.latencyMs.p99 === null || snapshot.latencyMs.p99 > BAR.maxP99Ms)
      failedReasons.push(`p99 ${snapshot.latencyMs.p99} ms`);
    if (achieved < RATE * BAR.minRateShare)
      failedReasons.push(`publishers held ${Math.round(achieved)} readings/s`);
    return {
      clients,
      clientProcesses: processesFor(clients),
      connect: {
        seconds: round(connectSeconds, 1),
        subscribed: opened.ready,
        failed: opened.failed,
        ...(Object.keys(opened.errors).length > 0 ? { errors: opened.errors } : {}),
        perClientMs: opened.setupMs,
        serverRssMiB: { before: mib(rssBefore), after: mib(rssConnected) },
      },
      measuredSeconds: round(seconds, 1),
      deliveredUpdatesPerSecond: snapshot.updatesPerSecond,
      /** Every client gets each device of its site at min(LIVE_MAX_HZ, the device's rate). */
      expectedUpdatesPerSecond: Math.round(
        clients * DEVICES_PER_SITE * Math.min(LIVE_MAX_HZ, deviceHz),
      ),
      serverSentUpdatesPerSecond: Math.round(sent / seconds),
      latencyMs: snapshot.latencyMs,
      subscribedAtEnd: snapshot.subscribed,
      ...(Object.keys(snapshot.closes).length > 0 ? { closesDuringWindow: snapshot.closes } : {}),
      publishers: {
        targetReadingsPerSecond: RATE,
        publishedReadingsPerSecond: Math.round(published),
        /** Acknowledged, that is committed (the PUBACK follows the commit). */
        achievedReadingsPerSecond: Math.round(achieved),
      },
      ...resources,
      passed: failedReasons.length === 0,
      ...(failedReasons.length > 0 ? { failedBecause: failedReasons } : {}),
    };
  } finally {
    await processes.close();
  }
}

/** Seconds after `from` at which the clients reached a moment: quantiles over those that did. */
function spread(moments: (number | null)[], from: number) {
  const reached = moments
    .filter((moment): moment is number => moment !== null)
    .map((moment) => (moment - from) / 1000)
    .sort((a, b) => a - b);
  const at = (share: number) => {
    const needed = Math.ceil(moments.length * share);
    return needed > 0 && reached.length >= needed ? round(reached[needed - 1]!, 1) : null;
  };
  return {
    reached: reached.length,
    first: reached.length > 0 ? round(reached[0]!, 1) : null,
    p50: at(0.5),
    p95: at(0.95),
    all: at(1),
  };
}

/** The server's own log lines about stopping (its lifecycle context), for the record. */
async function shutdownLog(file: string, since: number): Promise<string[]> {
  const lines: string[] = [];
  for (const line of (await readFile(file, 'utf8').catch(() => '')).split('\n')) {
    try {
      const entry = JSON.parse(line) as { time?: string; context?: string; msg?: string };
      if (Date.parse(entry.time ?? '') >= since && entry.context === 'lifecycle' && entry.msg)
        lines.push(entry.msg);
    } catch {
      // not a JSON line
    }
  }
  return lines;
}

async function restartPhase(context: Context, start: () => ServerProcess, logFile: string) {
  const clients = RESTART_CLIENTS;
  const processes = await ClientProcesses.start(processesFor(clients));
  try {
    const opened = await processes.open(
      siteClients(clients, context.siteIds, processesFor(clients)),
      context.url,
      context.token,
    );
    await sleep(WARMUP_SECONDS * 1000);
    processes.broadcast({ type: 'window' });
    processes.broadcast({ type: 'mark' });
    await sleep(3000);
    const before = merged(await processes.snapshots());

    const terminatedAt = Date.now();
    const old = server!;
    await old.stop('SIGTERM');
    const exitedAt = Date.now();
    const exitCode = old.child.exitCode;
    server = start();
    await server.waitReady();
    const readyAt = Date.now();

    let after = merged(await processes.snapshots());
    const until = Date.now() + 90_000;
    while (after.marked.some((mark) => mark.updatedAt === null) && Date.now() < until) {
      await sleep(500);
      after = merged(await processes.snapshots());
    }
    const marks = after.marked;
    const closeCodes: Record<string, number> = {};
    for (const mark of marks) {
      const key = mark.closeCode === null ? 'not closed' : String(mark.closeCode);
      closeCodes[key] = (closeCodes[key] ?? 0) + 1;
    }
    // Delivery once everyone is back, over a short window.
    processes.broadcast({ type: 'window' });
    await sleep(5000);
    const resumed = merged(await processes.snapshots());
    return {
      clients,
      subscribedBefore: opened.ready,
      updatesPerSecondBefore: before.updatesPerSecond,
      latencyMsBefore: before.latencyMs,
      shutdownSeconds: round((exitedAt - terminatedAt) / 1000, 1),
      serverExitCode: exitCode,
      serverShutdownLog: await shutdownLog(logFile, terminatedAt),
      startSeconds: round((readyAt - exitedAt) / 1000, 1),
      closeCodes,
      /** Failed reconnection attempts meanwhile, by reason. */
      reconnectErrors: after.errors,
      closedSecondsAfterSigterm: spread(
        marks.map((mark) => mark.closedAt),
        terminatedAt,
      ),
      resubscribedSecondsAfterSigterm: spread(
        marks.map((mark) => mark.resubscribedAt),
        terminatedAt,
      ),
      resubscribedSecondsAfterReady: spread(
        marks.map((mark) => mark.resubscribedAt),
        readyAt,
      ),
      firstUpdateSecondsAfterReady: spread(
        marks.map((mark) => mark.updatedAt),
        readyAt,
      ),
      updatesPerSecondAfter: resumed.updatesPerSecond,
      latencyMsAfter: resumed.latencyMs,
    };
  } finally {
    await processes.close();
  }
}

async function slowPhase(context: Context) {
  const processes = await ClientProcesses.start(2);
  try {
    const sites = context.siteIds;
    const normal = siteClients(SLOW_NORMAL_CLIENTS, sites, 1)[0]!;
    const slow: ClientSpec[] = Array.from({ length: SLOW_CLIENTS }, (_, index) => ({
      siteIds: Array.from(
        { length: Math.min(SLOW_SITES_EACH, sites.length) },
        (_, offset) => sites[(index * SLOW_SITES_EACH + offset) % sites.length]!,
      ),
      slow: true,
    }));
    // Normal clients in one process, slow ones in the other: the normal ones' figures stay theirs.
    const opened = await processes.open([normal, slow], context.url, context.token);
    // The slow ones stop reading as soon as they are subscribed.
    const metricsBefore = await scrape();
    const slowBefore = metricValue(metricsBefore, 'ems_live_closed_slow_total');
    const deadBefore = metricValue(metricsBefore, 'ems_live_closed_dead_total');
    const rssStart = processUsage(server!.pid).rssBytes;
    processes.broadcast({ type: 'window' });
    processes.broadcast({ type: 'pause' });
    const pausedAt = performance.now();
    const series: {
      second: number;
      rssMiB: number;
      closedSlow: number;
      closedDead: number;
      clients: number;
    }[] = [];
    for (let second = 1; second <= SLOW_SECONDS; second++) {
      await sleep(pausedAt + second * 1000 - performance.now());
      const metrics = await scrape();
      series.push({
        second,
        rssMiB: mib(processUsage(server!.pid).rssBytes),
        closedSlow: metricValue(metrics, 'ems_live_closed_slow_total') - slowBefore,
        closedDead: metricValue(metrics, 'ems_live_closed_dead_total') - deadBefore,
        clients: metricValue(metrics, 'ems_live_clients'),
      });
    }
    const normalResult = merged([(await processes.snapshots())[0]!]);
    const last = series.at(-1)!;
    /** Seconds after the slow clients stopped reading at which the first and the last were closed. */
    const closings = (count: (point: (typeof series)[number]) => number) => {
      const first = series.find((point) => count(point) > 0);
      const all = series.find((point) => count(point) === count(last));
      return first && all ? { closed: count(last), first: first.second, last: all.second } : null;
    };
    const rss = series.map((point) => point.rssMiB);
    const peak = Math.max(...rss);
    return {
      slowClients: SLOW_CLIENTS,
      sitesPerSlowClient: Math.min(SLOW_SITES_EACH, sites.length),
      normalClients: SLOW_NORMAL_CLIENTS,
      subscribed: opened.ready,
      seconds: SLOW_SECONDS,
      serverRssMiB: {
        start: mib(rssStart),
        peak,
        peakAtSecond: series[rss.indexOf(peak)]!.second,
        end: rss.at(-1)!,
      },
      /**
       * Closed 4008: their ping stayed unanswered beyond LIVE_SLOW_GRACE_MS while the server was
       * sending to them (a paused reader cannot answer), or their socket backed up past the bound.
       */
      closedTooSlow: closings((point) => point.closedSlow),
      /** Cut as dead: their ping stayed unanswered while nothing was being sent to them. */
      closedNoPong: closings((point) => point.closedDead),
      normalClientsLatencyMs: normalResult.latencyMs,
      normalClientsUpdatesPerSecond: normalResult.updatesPerSecond,
      normalClientsClosed: normalResult.closes,
      series,
    };
  } finally {
    await processes.close();
  }
}

const describeClosings = (closings: { closed: number; first: number; last: number } | null) =>
  closings
    ? `${closings.closed} (${closings.first}-${closings.last} s after they stopped reading)`
    : 'none';

// --- Main -----------------------------------------------------------------------------------------

async function main() {
  const startedAt = Date.now();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ecogrid-bench-live-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const httpPort = freePortNear(4300, 100);
  const mqttPort = freePortNear(19300, 100);
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    DEMO_SEED: 'true',
    MQTT_PORT: String(mqttPort),
    JWT_EXPIRES_IN: '4h',
    LOGIN_RATE_LIMIT_MAX: '10000',
    LOG_LEVEL: 'info',
  };
  if (DATABASE === 'postgres') {
    const scratch = await createScratchDatabase('ecogrid_bench_live');
    cleanups.push(() => scratch.drop());
    env.DATABASE_URL = scratch.url;
  }
  const logFile = path.join(dataDir, 'server.log');
  const start = () => new ServerProcess(httpPort, env, { compiled: true, stdoutFile: logFile });
  cleanups.push(() => server?.stop('SIGKILL'));
  server = start();
  await server.waitReady();

  const setupStarted = performance.now();
  log(`provisioning ${SITES} sites × ${DEVICES_PER_SITE} devices`);
  const fleets: Fleet[] = [];
  let nextSite = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (nextSite < SITES) {
        nextSite++;
        fleets.push(await provisionFleet(server!, DEVICES_PER_SITE));
      }
    }),
  );
  const { accessToken } = await server.api<{ accessToken: string }>(
    'POST',
    '/api/v1/auth/login',
    undefined,
    { username: 'demo-viewer', password: 'EcoGrid-Viewer-2026' },
  );
  const publishers = new Publishers(`mqtt://127.0.0.1:${mqttPort}`, fleets, RATE);
  cleanups.push(() => publishers.end());
  await publishers.connected(60_000);
  publishers.start();
  const setupSeconds = round((performance.now() - setupStarted) / 1000, 1);
  log(
    `${fleets.length * DEVICES_PER_SITE} devices (provisioned and connected in ${setupSeconds} s) ` +
      `publishing ${RATE} readings/s; settling`,
  );
  await sleep(WARMUP_SECONDS * 1000);

  const context: Context = {
    url: `ws://127.0.0.1:${httpPort}/api/v1/ws`,
    token: accessToken,
    siteIds: fleets.map((fleet) => fleet.siteId),
    publishers,
  };
  const steps: Awaited<ReturnType<typeof clientStep>>[] = [];
  const explicit = CLIENT_STEPS.filter((entry) => entry !== 'max').map(Number);
  const wantsMax = CLIENT_STEPS.includes('max');
  const largestGiven = Math.max(0, ...explicit);
  const plan = [
    ...explicit,
    ...(wantsMax ? MAX_STEPS.filter((clients) => clients > largestGiven) : []),
  ];
  for (const [index, clients] of plan.entries()) {
    const stepping = index >= explicit.length;
    if (stepping && steps.some((step) => !step.passed)) break;
    log(`${clients} clients: connecting`);
    const step = await clientStep(context, clients);
    steps.push(step);
    log(
      `${clients} clients: connected in ${step.connect.seconds} s (${step.connect.failed} failed); ` +
        `${step.deliveredUpdatesPerSecond} updates/s (expected ${step.expectedUpdatesPerSecond}), ` +
        `latency p50 ${step.latencyMs.p50} ms, p99 ${step.latencyMs.p99} ms, max ${step.latencyMs.max} ms; ` +
        `publishers ${step.publishers.achievedReadingsPerSecond} readings/s; server CPU ${step.serverCpuPct} %, ` +
        `RSS ${step.serverRssMiB.peak} MiB; machine ${step.machineBusyPct} % busy` +
        (step.passed ? '' : ` — fails the bar: ${step.failedBecause!.join(', ')}`),
    );
  }
  const held = steps.filter((step) => step.passed).map((step) => step.clients);

  let restart: Awaited<ReturnType<typeof restartPhase>> | undefined;
  if (!SKIP.includes('restart')) {
    log(`restart: ${RESTART_CLIENTS} clients connected, SIGTERM to the server, start it again`);
    restart = await restartPhase(context, start, logFile);
    log(
      `restart: close codes ${JSON.stringify(restart.closeCodes)}; server stopped in ${restart.shutdownSeconds} s ` +
        `(exit ${restart.serverExitCode}), ready again ${restart.startSeconds} s later; ` +
        `95 % subscribed again ${restart.resubscribedSecondsAfterSigterm.p95} s after SIGTERM, all ` +
        `${restart.resubscribedSecondsAfterSigterm.all} s; ${restart.firstUpdateSecondsAfterReady.reached}/${restart.clients} ` +
        `have updates again (${restart.updatesPerSecondAfter} updates/s)`,
    );
  }

  let slow: Awaited<ReturnType<typeof slowPhase>> | undefined;
  if (!SKIP.includes('slow')) {
    log(`slow: ${SLOW_CLIENTS} clients stop reading beside ${SLOW_NORMAL_CLIENTS} normal ones`);
    slow = await slowPhase(context);
    log(
      `slow: server RSS ${slow.serverRssMiB.start} → peak ${slow.serverRssMiB.peak} (s ${slow.serverRssMiB.peakAtSecond}) → ` +
        `${slow.serverRssMiB.end} MiB; closed as too slow (4008): ${describeClosings(slow.closedTooSlow)}, ` +
        `as dead (idle, no pong): ${describeClosings(slow.closedNoPong)}` +
        `; normal clients p50 ${slow.normalClientsLatencyMs.p50} ms, p99 ${slow.normalClientsLatencyMs.p99} ms`,
    );
  }

  const report = {
    benchmark: 'live',
    date: new Date().toISOString(),
    machine: machineDescription(),
    unit:
      `readings: one device message of ${METRICS} metrics (${METRICS} stored values); ` +
      'updates: device.metrics messages received by the clients',
    settings: {
      database: DATABASE === 'postgres' ? 'postgresql' : 'embedded (PGlite)',
      broker: 'embedded',
      rateReadingsPerSecond: RATE,
      sites: SITES,
      devicesPerSite: DEVICES_PER_SITE,
      metricsPerReading: METRICS,
      clients: options.clients,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      deviceWindow: DEVICE_WINDOW,
      bar: BAR,
      server: { LIVE_MAX_HZ, other: 'LIVE_* defaults', JWT_EXPIRES_IN: env.JWT_EXPIRES_IN },
      restartClients: RESTART_CLIENTS,
      slowSeconds: SLOW_SECONDS,
    },
    steps,
    largestClientsHeld: held.length > 0 ? Math.max(...held) : null,
    ...(restart ? { restart } : {}),
    ...(slow ? { slowClients: slow } : {}),
    setupSeconds,
    totalSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
  await writeFile(OUT, `${JSON.stringify(report, null, 2)}\n`);
  log(
    `largest N that met the bar: ${report.largestClientsHeld ?? 'none'}; results written to ` +
      path.relative(process.cwd(), OUT),
  );
}

try {
  await main();
} catch (error) {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
