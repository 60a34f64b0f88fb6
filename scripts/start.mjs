#!/usr/bin/env node
/**
 * `npm start`: the server on embedded defaults and, outside production, a small demo fleet of
 * simulated devices beside it (SIMULATOR=off to skip; its log goes to DATA_DIR/simulator.log).
 * Production runs the server alone and directly: `node apps/server/dist/main.js`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';

const env = process.env;
const server = spawn(process.execPath, ['apps/server/dist/main.js'], { stdio: 'inherit', env });
let simulator;
let stopping = false;

function stop(signal) {
  stopping = true;
  simulator?.kill(signal);
  server.kill(signal);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
server.on('exit', (code, signal) => {
  simulator?.kill('SIGTERM');
  process.exitCode = code ?? (signal ? 1 : 0);
});

const wanted = env.SIMULATOR !== 'off' && env.NODE_ENV !== 'production' && !env.MQTT_URL;
if (wanted) void startSimulator();

async function startSimulator() {
  const port = env.PORT ?? '3000';
  const api = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 240 && !stopping; attempt++) {
    try {
      const response = await fetch(`${api}/api/health/ready`);
      if (response.ok) {
        const report = await response.json();
        const broker = report.dependencies.find((dependency) => dependency.name === 'mqtt');
        const mqttPort = /port (\d+)/.exec(broker?.message ?? '')?.[1];
        if (!mqttPort) return;
        const dataDir = env.DATA_DIR ?? './data';
        mkdirSync(dataDir, { recursive: true });
        const log = openSync(path.join(dataDir, 'simulator.log'), 'a');
        simulator = spawn(
          process.execPath,
          [
            'apps/simulator/dist/main.js',
            '--api',
            api,
            '--mqtt',
            `mqtt://127.0.0.1:${mqttPort}`,
            '--sites',
            '3',
            '--devices',
            '4',
            '--interval',
            '5000',
          ],
          {
            stdio: ['ignore', log, log],
            env: { ...env, SIM_STATE_FILE: path.join(dataDir, 'simulator-fleet.json') },
          },
        );
        process.stdout.write(
          `  Simulator: 3 demo sites publishing every 5 s (log: ${path.join(dataDir, 'simulator.log')}; SIMULATOR=off to skip)\n`,
        );
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
