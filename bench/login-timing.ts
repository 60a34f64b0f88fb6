/**
 * npm run bench:login — how long login takes for an unknown username and for a wrong password
 * (they must be alike: timing must not tell which usernames exist), and for a successful login.
 * Runs the real application in-process on a fresh embedded database; writes
 * bench/results/login-timing.json.
 */
import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { createRootLogger } from '../apps/server/src/common/logger.js';
import { loadConfig } from '../apps/server/src/config/config.schema.js';
import { Database } from '../apps/server/src/database/database.js';
import { prepareDatabase } from '../apps/server/src/database/prepare.js';
import { SeedService } from '../apps/server/src/seed/seed.service.js';
import { createServer } from '../apps/server/src/server.js';

const ROUNDS = Number(process.env.ROUNDS ?? 40);

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'ecogrid-bench-'));
const config = loadConfig({
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  LOGIN_RATE_LIMIT_MAX: '10000',
  RATE_LIMIT_MAX_REQUESTS: '100000',
});
const logger = createRootLogger({ level: 'warn', pretty: false });
const database = await Database.open({ dataDir, poolMax: 1, connectTimeoutMs: 10_000 });
try {
  await prepareDatabase(database, config, logger);
  const app = await createServer({ config, database, logger });
  await app.getHttpAdapter().getInstance().ready();
  await app.get(SeedService).run();

  const cases = {
    unknownUser: { username: 'nobody-at-all', password: 'Wrong-password-123' },
    wrongPassword: { username: 'demo-viewer', password: 'Wrong-password-123' },
    success: { username: 'demo-viewer', password: 'EcoGrid-Viewer-2026' },
  } as const;
  const samples: Record<string, number[]> = { unknownUser: [], wrongPassword: [], success: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, body] of Object.entries(cases)) {
      // Interleaved, and the wrong password never reaches the lockout (a success resets it).
      const started = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: body,
      });
      samples[name]!.push(performance.now() - started);
      if (response.statusCode >= 500) throw new Error(response.body);
    }
  }
  await app.close();

  const summary = Object.fromEntries(
    Object.entries(samples).map(([name, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [
        name,
        {
          p50Ms: +percentile(sorted, 0.5).toFixed(1),
          p90Ms: +percentile(sorted, 0.9).toFixed(1),
          n: sorted.length,
        },
      ];
    }),
  );
  const result = {
    benchmark: 'login-timing',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    engine: 'embedded',
    rounds: ROUNDS,
    results: summary,
  };
  const out = new URL('./results/login-timing.json', import.meta.url);
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
}
