import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/**
 * The whole product as an operator meets it: the built server on its embedded database and broker,
 * the simulator publishing a small fleet through it, and headless Chromium on the built web app.
 */

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const OUTPUT = path.join(ROOT, 'test-output', 'e2e');
export const SCREENSHOTS = path.join(OUTPUT, 'screenshots');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const DEMO = {
  admin: { username: 'demo-admin', password: 'EcoGrid-Admin-2026' },
  operator: { username: 'demo-operator', password: 'EcoGrid-Operator-2026' },
  viewer: { username: 'demo-viewer', password: 'EcoGrid-Viewer-2026' },
} as const;

const BUILT = [
  'apps/server/dist/main.js',
  'apps/simulator/dist/main.js',
  'apps/web/dist/index.html',
] as const;

export function missingBuilds(): string[] {
  return BUILT.filter((file) => !existsSync(path.join(ROOT, file)));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Stack {
  server: ChildProcess | undefined;
  simulator: ChildProcess | undefined;
  browser: Browser | undefined;
  readonly baseUrl: string;

  private constructor(
    readonly port: number,
    /** Fixed for the stack's life, so devices reconnect to a restarted server by themselves. */
    readonly brokerPort: number,
    readonly dataDir: string,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<Stack> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const stack = new Stack(
      await freePort(),
      await freePort(),
      await mkdtemp(path.join(tmpdir(), 'ecogrid-e2e-')),
    );
    await stack.startServer();
    stack.startSimulator();
    stack.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    return stack;
  }

  /** Starts (or restarts) the server on the same port and data directory. */
  async startServer(): Promise<void> {
    const log = createWriteStream(path.join(OUTPUT, 'server.log'), { flags: 'a' });
    const server = spawn(process.execPath, ['apps/server/dist/main.js'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        DATA_DIR: this.dataDir,
        MQTT_PORT: String(this.brokerPort),
        MQTT_HOST: '127.0.0.1',
        DEMO_SEED: 'true',
        JWT_SECRET: 'e2e-only-jwt-secret-0123456789-abcdefghijklmnop',
        LOG_LEVEL: 'warn',
        LIVE_SUMMARY_INTERVAL_MS: '1000',
        LIVE_MAX_HZ: '4',
        COMMAND_TIMEOUT: '60',
        RATE_LIMIT_MAX_REQUESTS: '100000',
        LOGIN_RATE_LIMIT_MAX: '1000',
        SHUTDOWN_GRACE_MS: '10000',
      },
    });
    server.stdout?.pipe(log);
    server.stderr?.pipe(log);
    this.server = server;
    await this.waitReady();
  }

  /** SIGTERM and wait: clients get 1012 and the embedded database closes cleanly. */
  async stopServer(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
    if (server.exitCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
  }

  startSimulator(): void {
    const log = createWriteStream(path.join(OUTPUT, 'simulator.log'), { flags: 'a' });
    const simulator = spawn(
      process.execPath,
      [
        'apps/simulator/dist/main.js',
        '--api',
        this.baseUrl,
        '--mqtt',
        `mqtt://127.0.0.1:${this.brokerPort}`,
        '--sites',
        '2',
        '--devices',
        '4',
        '--interval',
        '1000',
        '--fleet',
        'e2e',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          SIM_STATE_FILE: path.join(this.dataDir, 'simulator-fleet.json'),
          SIM_USERNAME: DEMO.admin.username,
          SIM_PASSWORD: DEMO.admin.password,
        },
      },
    );
    simulator.stdout?.pipe(log);
    simulator.stderr?.pipe(log);
    this.simulator = simulator;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await stopChild(this.simulator);
    await this.stopServer();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (this.server?.exitCode !== null) {
        throw new Error(`the server exited (${this.server?.exitCode}); see ${OUTPUT}/server.log`);
      }
      try {
        const response = await fetch(`${this.baseUrl}/api/health/ready`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error('the server was not ready within 90 s');
  }
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}
