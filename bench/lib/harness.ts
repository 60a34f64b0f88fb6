/**
 * What the benchmarks and the crash test share: a server process on loopback, a Mosquitto of their
 * own with the durability settings of deploy/mosquitto, a scratch PostgreSQL database, and a fleet
 * provisioned through the API. Everything binds 127.0.0.1 and is stopped by the caller.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function freePortNear(base: number, spread = 50): number {
  return base + Math.floor(Math.random() * spread);
}

export interface Mosquitto {
  process: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Mosquitto with deploy/mosquitto's persistence settings, anonymous on loopback. */
export async function startMosquitto(
  dataDir: string,
  options: { log?: string | undefined } = {},
): Promise<Mosquitto> {
  const port = freePortNear(18900, 80);
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
      // Unbounded here, so a test that outruns the server loses nothing the broker acknowledged.
      'max_queued_messages 0',
      'max_inflight_messages 0',
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      ...(options.log ? [`log_dest file ${options.log}`, 'log_type all'] : []),
    ].join('\n') + '\n',
  );
  const broker = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
  await sleep(500);
  if (broker.exitCode !== null) throw new Error('mosquitto did not start');
  return {
    process: broker,
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      if (broker.exitCode !== null || broker.signalCode !== null) return;
      broker.kill('SIGTERM');
      await new Promise((resolve) => broker.once('exit', resolve));
    },
  };
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new PostgreSQL database on the server of `adminUrl` (TEST_DATABASE_URL or the local one). */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

export class ServerProcess {
  readonly child: ChildProcess;

  constructor(
    readonly httpPort: number,
    env: Record<string, string>,
    options: {
      compiled?: boolean;
      /** A file to append the server's stdout (its JSON log lines) to; unset, they are dropped. */
      stdoutFile?: string;
    } = {},
  ) {
    const entry = options.compiled
      ? ['apps/server/dist/main.js']
      : ['--import', 'tsx', 'apps/server/src/main.ts'];
    const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'a') : undefined;
    this.child = spawn(process.execPath, entry, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(httpPort),
        MQTT_HOST: '127.0.0.1',
        JWT_SECRET: 'bench-only-secret-0123456789-0123456789-abc',
        RATE_LIMIT_MAX_REQUESTS: '1000000',
        ...env,
      },
      stdio: ['ignore', stdout ?? 'ignore', 'pipe'],
    });
    // The child holds its own copy of the descriptor.
    if (stdout !== undefined) closeSync(stdout);
    this.child.stderr?.on('data', (chunk: Buffer) =>
      process.stderr.write(`[server] ${chunk.toString()}`),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < until) {
      try {
        const response = await fetch(`http://127.0.0.1:${this.httpPort}/api/health/ready`);
        if (response.ok) return;
        last = `${response.status} ${await response.text()}`;
      } catch (error) {
        last = String(error);
      }
      await sleep(200);
    }
    throw new Error(`server did not become ready within ${timeoutMs / 1000} s: ${last}`);
  }

  async api<T>(method: string, url: string, token?: string, body?: unknown): Promise<T> {
    const response = await fetch(`http://127.0.0.1:${this.httpPort}${url}`, {
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

  async metrics(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.httpPort}/metrics`);
    return response.text();
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}

export interface Fleet {
  siteId: string;
  devices: { id: string; secret: string }[];
}

/** A site with `count` smart meters, created through the API as the demo tenant's admin. */
export async function provisionFleet(server: ServerProcess, count: number): Promise<Fleet> {
  const { accessToken } = await server.api<{ accessToken: string }>(
    'POST',
    '/api/v1/auth/login',
    undefined,
    { username: 'demo-admin', password: 'EcoGrid-Admin-2026' },
  );
  const site = await server.api<{ id: string }>('POST', '/api/v1/sites', accessToken, {
    name: `Bench ${randomBytes(3).toString('hex')}`,
    latitude: 50,
    longitude: 8,
    timezone: 'Europe/Berlin',
  });
  const devices: Fleet['devices'] = Array.from({ length: count }, () => ({ id: '', secret: '' }));
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const created = await server.api<{
        device: { id: string };
        credentials: { secret: string };
      }>('POST', '/api/v1/devices', accessToken, {
        siteId: site.id,
        type: 'smart_meter',
        name: `Meter ${index}`,
      });
      devices[index] = { id: created.device.id, secret: created.credentials.secret };
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { siteId: site.id, devices };
}

/** CPU time (user + system, seconds) and resident memory (bytes) of a process, from /proc. */
export function processUsage(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuSeconds: ticks / 100, rssBytes: rssPages * 4096 };
}

/** Busy and total CPU time of the whole machine, in ticks, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3]! + values[4]!;
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** The machine, for the record beside each result. */
export function machineDescription() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  const memory = /MemTotal:\s*(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  return {
    cpus: cpuinfo.split('\n').filter((line) => line.startsWith('processor')).length,
    cpuModel: model,
    memoryGiB: memory ? Math.round(Number(memory) / 1024 / 1024) : undefined,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** A command-line count, or a one-line refusal naming the option. */
export function positiveIntegerOption(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    process.stderr.write(`--${name} must be a whole number of at least 1, not "${value}"\n`);
    process.exit(2);
  }
  return parsed;
}

/** Summed CPU seconds of every PostgreSQL process on the machine (a bench's own are the busy ones). */
/** CPU seconds of every PostgreSQL process on this machine, by pid. */
export function postgresCpuByPid(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        byPid.set(Number(entry), processUsage(Number(entry)).cpuSeconds);
    } catch {
      // gone meanwhile
    }
  }
  return byPid;
}

/**
 * PostgreSQL's CPU seconds since `start` (a postgresCpuByPid sample): processes alive at both
 * ends count their difference, those born since count whole. A backend that ended meanwhile is
 * missing (an undercount), but the figure never goes negative, as a plain sum of totals does when
 * backends exit.
 */
export function postgresCpuSince(start: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of postgresCpuByPid()) total += seconds - (start.get(pid) ?? 0);
  return total;
}
