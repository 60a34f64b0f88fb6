import { randomInt } from 'node:crypto';
import { ConfigError, parseSimulatorConfig, redactUrl, type SimulatorConfig } from './config.js';
import { createFleet } from './fleet.js';
import { DeviceConnection } from './mqtt/device-connection.js';
import { elapsedSeconds, emptyPublishCounts, runTick } from './runner.js';

const STATS_EVERY_MS = 60_000;

function log(message: string): void {
  console.log(`${new Date().toISOString()} simulator ${message}`);
}

function readConfig(): SimulatorConfig {
  try {
    return parseSimulatorConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

function run(config: SimulatorConfig): void {
  const seed = config.seed ?? randomInt(0, 2 ** 32);
  const sites = createFleet(config.siteCount, seed);
  log(
    `starting ${sites.length} site(s) with seed ${seed} (set SIM_SEED=${seed} to replay), ` +
      `publishing every ${config.intervalMs} ms to ${redactUrl(config.mqttUrl)}`,
  );

  let acknowledged = 0;
  const connections = new Map<string, DeviceConnection>();
  for (const device of sites.flatMap((site) => site.devices)) {
    const connection = DeviceConnection.open(config.mqttUrl, device, {
      onAcknowledged: () => {
        acknowledged += 1;
      },
      onError: (identity, error) => log(`device ${identity.deviceId}: ${error.message}`),
    });
    connections.set(device.deviceId, connection);
  }

  let counts = emptyPublishCounts();
  let previousTickMs = Date.now();
  let lastStatsMs = Date.now();
  let nextTick: NodeJS.Timeout | undefined;
  let stopping = false;

  const tick = () => {
    const nowMs = Date.now();
    runTick(
      sites,
      connections,
      new Date(nowMs),
      elapsedSeconds(previousTickMs, nowMs, config.intervalMs),
      counts,
    );
    previousTickMs = nowMs;

    if (nowMs - lastStatsMs >= STATS_EVERY_MS) {
      log(
        `last ${Math.round((nowMs - lastStatsMs) / 1_000)} s: ${counts.sent} readings sent, ` +
          `${acknowledged} acknowledged, ${counts.offline} skipped while offline, ` +
          `${counts.busy} skipped while the previous one was unacknowledged`,
      );
      counts = emptyPublishCounts();
      acknowledged = 0;
      lastStatsMs = nowMs;
    }
    // Scheduled from the tick's start, so publishing time does not stretch the interval.
    if (!stopping) nextTick = setTimeout(tick, Math.max(0, nowMs + config.intervalMs - Date.now()));
  };
  // First reading after one interval gives the connections time to come up.
  nextTick = setTimeout(tick, config.intervalMs);

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(nextTick);
    log(`${signal} received: disconnecting ${connections.size} device(s)`);
    void Promise.allSettled([...connections.values()].map((connection) => connection.close())).then(
      () => {
        log('stopped');
        process.exit(0);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

run(readConfig());
