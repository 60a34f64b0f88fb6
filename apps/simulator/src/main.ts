import { randomInt } from 'node:crypto';
import { ApiClient, ApiError } from './api-client.js';
import {
  ConfigError,
  parseSimulatorConfig,
  redactUrl,
  type SimulatorConfig,
  usage,
} from './config.js';
import { DeviceCommandHandler } from './commands/command-handler.js';
import type { DeviceControlSnapshot } from './commands/device-control.js';
import { DEFAULT_RECENT_COMMANDS, RecentCommands } from './commands/recent-commands.js';
import { createSimulatedSites, locateSite, planFleet } from './fleet.js';
import { ConnectionPool } from './mqtt/connection-pool.js';
import { DeviceConnection } from './mqtt/device-connection.js';
import { planProvisioning, ProvisioningError, provisionFleet } from './provision.js';
import { emptyPublishCounts } from './runner.js';
import { SimClock, TickScheduler } from './scheduler.js';
import type { SimulatedSite } from './site.js';
import {
  emptyFleetState,
  type FleetState,
  readDevicesFile,
  readFleetState,
  readSnapshot,
  snapshotPathFor,
  StateFileError,
  writeFleetState,
  writeSnapshot,
} from './state.js';
import { formatStatus, LogLimiter, type StatusTotals } from './status.js';

const STATUS_EVERY_MS = 10_000;
/** Counters lost in a crash (kill -9) are at most this old. */
const SNAPSHOT_EVERY_MS = 15_000;
/** The driver wakes at least this often: connection attempts and slices are due in between. */
const LOOP_MS = 50;
/** How long the first tick waits for the initial wave of connections. */
const CONNECT_GRACE_MS = 10_000;
const MAX_CONNECT_WAIT_MS = 180_000;
/** How long a clean stop waits for the broker to acknowledge the devices' goodbyes. */
const CLOSE_TIMEOUT_MS = 10_000;

function log(message: string): void {
  console.log(`${new Date().toISOString()} simulator ${message}`);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

interface LoadedFleet {
  state: FleetState;
  /** The sites to simulate; undefined means all of the state's sites. */
  siteIds: Set<string> | undefined;
}

/** The sites of the plan, when the stored state has every planned site and device. */
function storedSitesCoveringPlan(
  config: SimulatorConfig,
  state: FleetState,
): Set<string> | undefined {
  const planned = planFleet(config);
  const plan = planProvisioning({
    planned,
    remoteSites: state.sites.map((site) => ({ ...site, tags: [] })),
    stored: state,
    remoteDevices: [],
  });
  const complete =
    plan.createSites.length === 0 &&
    plan.createDevices.length === 0 &&
    plan.rotateDevices.length === 0;
  return complete ? new Set(plan.reuseSites.map(({ remote }) => remote.id)) : undefined;
}

async function loadFleet(config: SimulatorConfig): Promise<LoadedFleet> {
  if (config.devicesFile) {
    const state = await readDevicesFile(config.devicesFile, locateSite);
    log(
      `using ${state.devices.length} device(s) of ${state.sites.length} site(s) from ${config.devicesFile}`,
    );
    return { state, siteIds: undefined };
  }

  const stored = await readFleetState(config.stateFile);
  if (stored && stored.fleet !== config.fleet) {
    throw new StateFileError(
      `${config.stateFile} holds fleet "${stored.fleet}"; pass --fleet ${stored.fleet} or another --state-file`,
    );
  }
  if (stored?.apiUrl && stored.apiUrl !== config.apiUrl) {
    throw new StateFileError(
      `${config.stateFile} was provisioned against ${stored.apiUrl}; pass another --state-file for ${config.apiUrl}`,
    );
  }
  const state = stored ?? emptyFleetState(config.fleet, config.apiUrl);
  const api = new ApiClient({
    baseUrl: config.apiUrl,
    username: config.username,
    password: config.password,
    log,
  });
  try {
    const result = await provisionFleet({
      api,
      fleet: config.fleet,
      planned: planFleet(config),
      state: { ...state, apiUrl: config.apiUrl },
      save: (next) => writeFleetState(config.stateFile, next),
      log,
    });
    log(
      `fleet "${config.fleet}": ${result.siteIds.size} site(s); created ${result.createdSites} site(s) and ` +
        `${result.createdDevices} device(s), issued ${result.rotatedDevices} new secret(s); credentials in ${config.stateFile}`,
    );
    return { state: result.state, siteIds: result.siteIds };
  } catch (error) {
    // The API may be down while the broker is not: run with what is stored, if it is enough.
    const covered = stored ? storedSitesCoveringPlan(config, stored) : undefined;
    if (error instanceof ApiError && error.status === undefined && stored && covered) {
      log(
        `${error.message}; continuing with the ${covered.size} site(s) stored in ${config.stateFile}`,
      );
      return { state: stored, siteIds: covered };
    }
    throw error;
  }
}

/**
 * Says goodbye for every device at once (a retained `offline`, then DISCONNECT): one slow
 * acknowledgement must not hold up the others, and none waits longer than `timeoutMs`.
 */
async function closeAll(
  connections: readonly DeviceConnection[],
  timeoutMs: number,
): Promise<void> {
  await Promise.all(connections.map((connection) => connection.close(timeoutMs)));
}

async function run(config: SimulatorConfig, parsedAtMs: number): Promise<void> {
  const seed = config.seed ?? randomInt(0, 2 ** 32);
  const { state, siteIds } = await loadFleet(config);
  const { sites, skipped } = createSimulatedSites(state, seed, siteIds);
  if (skipped.length > 0) {
    const types = [...new Set(skipped.map((device) => device.type))].join(', ');
    log(`${skipped.length} device(s) not simulated (no physics for: ${types}, or unknown site)`);
  }
  if (sites.length === 0) fail('nothing to simulate: no site with a device the simulator knows');

  // Counters continue from the previous run, and so does simulated time (never backwards).
  const snapshotPath = snapshotPathFor(config.stateFile);
  const snapshot = await readSnapshot(snapshotPath);
  let startMs = config.startMs;
  if (snapshot) {
    for (const site of sites) {
      site.restore(snapshot.devices);
      site.restoreControls(snapshot.controls ?? {});
    }
    const previousMs = Date.parse(snapshot.simulatedAt);
    if (snapshot.fleet === state.fleet && previousMs >= startMs) {
      startMs = Math.min(previousMs + 1, Date.now());
      log(`continuing after the previous run's last reading at ${snapshot.simulatedAt}`);
    }
  }

  const devices = sites.flatMap((site) => site.devices);
  const secrets = new Map(state.devices.map((device) => [device.id, device.secret]));
  log(
    `simulating ${sites.length} site(s) with ${devices.length} device(s), seed ${seed} ` +
      `(--seed ${seed} replays it), every ${config.intervalMs} ms at ${config.speed}×, ` +
      `broker ${redactUrl(config.mqttUrl)}`,
  );

  const counts = emptyPublishCounts();
  let acked = 0;
  let stopping = false;
  const errorLog = new LogLimiter(20, STATUS_EVERY_MS);
  // Its own budget, so a burst of errors does not hide what commands did, nor the reverse.
  const commandLog = new LogLimiter(20, STATUS_EVERY_MS);
  const logCommand = (line: string) => {
    if (commandLog.allow(Date.now())) log(line);
  };
  const pool = new ConnectionPool<DeviceConnection>({
    connectsPerSecond: config.connectsPerSecond,
  });
  const connections = new Map<string, DeviceConnection>();
  const handlers = new Map<string, DeviceCommandHandler>();
  const siteOfDevice = new Map<string, SimulatedSite>();
  for (const site of sites) {
    for (const device of site.devices) siteOfDevice.set(device.deviceId, site);
  }
  for (const device of devices) {
    const connection = DeviceConnection.create(
      config.mqttUrl,
      { siteId: device.siteId, deviceId: device.deviceId, secret: secrets.get(device.deviceId) },
      {
        onAcknowledged: () => {
          acked += 1;
        },
        onConnected: (opened) => pool.connected(opened, Date.now()),
        onClosed: (closed) => pool.closed(closed, Date.now()),
        onError: (identity, error) => {
          // While stopping, in-flight readings fail as connections close: expected, not news.
          if (!stopping && errorLog.allow(Date.now())) {
            log(`device ${identity.deviceId}: ${error.message}`);
          }
        },
        onCommand: (identity, payload) => {
          handlers
            .get(identity.deviceId)
            ?.handle(payload)
            .catch((error: unknown) => {
              logCommand(`device ${identity.deviceId}: command not handled: ${String(error)}`);
            });
        },
      },
    );
    connections.set(device.deviceId, connection);
    handlers.set(
      device.deviceId,
      new DeviceCommandHandler({
        deviceId: device.deviceId,
        kind: device.kind,
        site: siteOfDevice.get(device.deviceId)!,
        link: connection,
        recent: new RecentCommands(
          DEFAULT_RECENT_COMMANDS,
          snapshot?.commands?.[device.deviceId] ?? [],
        ),
        log: logCommand,
      }),
    );
    pool.add(connection);
  }
  // Commands still running when the previous run stopped are reported failed once connected.
  for (const handler of handlers.values()) void handler.failInterrupted();

  let clock: SimClock | undefined;
  let scheduler: TickScheduler | undefined;
  const startedMs = Date.now();
  let firstWaveDoneMs: number | undefined;
  const connectedCount = () => {
    let count = 0;
    for (const connection of connections.values()) if (connection.isConnected) count += 1;
    return count;
  };

  const snapshotNow = async () => {
    const devicesSnapshot = Object.assign(
      {},
      ...sites.map((site: SimulatedSite) => site.snapshot()),
    ) as Record<string, Record<string, number>>;
    await writeSnapshot(snapshotPath, {
      version: 1,
      fleet: state.fleet,
      simulatedAt: new Date(scheduler?.simulated?.atMs ?? startMs).toISOString(),
      devices: devicesSnapshot,
      controls: Object.assign({}, ...sites.map((site) => site.controlSnapshot())) as Record<
        string,
        DeviceControlSnapshot
      >,
      commands: Object.fromEntries(
        [...handlers]
          .filter(([, handler]) => handler.recent.size > 0)
          .map(([deviceId, handler]) => [deviceId, handler.recent.entries()]),
      ),
    });
  };

  let announcedLive = false;
  let loopTimer: NodeJS.Timeout | undefined;
  const loop = () => {
    const nowMs = Date.now();
    pool.service(nowMs);
    if (!scheduler) {
      // The first tick waits for the first wave of connections (or gives up waiting), so a
      // fleet does not start by skipping its first readings as offline.
      if (pool.pendingFirstConnects === 0) firstWaveDoneMs ??= nowMs;
      const connected = connectedCount();
      const ready =
        connected === connections.size ||
        (firstWaveDoneMs !== undefined && nowMs - firstWaveDoneMs >= CONNECT_GRACE_MS) ||
        nowMs - startedMs >= MAX_CONNECT_WAIT_MS;
      if (ready) {
        // Time spent provisioning and connecting does not count: with --start in the past the
        // replay begins where asked, and a live fleet's first reading is stamped now.
        const firstMs = startMs + (nowMs - parsedAtMs);
        clock = new SimClock(firstMs, config.intervalMs, config.speed);
        log(
          `${connected}/${connections.size} device(s) connected; publishing from ${new Date(firstMs).toISOString()}`,
        );
        scheduler = new TickScheduler(sites, connections, counts, {
          intervalMs: config.intervalMs,
          clock,
          firstTickMs: nowMs,
          onCommandOutcome: (outcome) => handlers.get(outcome.deviceId)?.settle(outcome),
        });
      }
    }
    scheduler?.runDue(nowMs);
    if (clock?.isLive && !announcedLive && config.speed > 1) {
      announcedLive = true;
      log('simulated time reached the present: continuing in real time');
    }
    if (stopping) return;
    const wakeMs = Math.min(nowMs + LOOP_MS, scheduler?.dueAtMs ?? Number.POSITIVE_INFINITY);
    loopTimer = setTimeout(loop, Math.max(0, wakeMs - Date.now()));
  };
  loop();

  let previousTotals: StatusTotals | undefined;
  const totals = (): StatusTotals => ({
    devices: connections.size,
    connected: connectedCount(),
    published: counts.sent,
    acked,
    skippedOffline: counts.offline,
    skippedBusy: counts.busy,
    reconnects: pool.reconnects,
    simulatedAtMs: scheduler?.simulated?.atMs,
    live: clock?.isLive ?? false,
  });
  const statusTimer = setInterval(() => {
    const current = totals();
    log(formatStatus(current, previousTotals));
    previousTotals = current;
    const suppressed = errorLog.takeSuppressed();
    if (suppressed > 0) log(`${suppressed} more device message(s) not shown`);
    const commandLines = commandLog.takeSuppressed();
    if (commandLines > 0) log(`${commandLines} more command line(s) not shown`);
  }, STATUS_EVERY_MS);

  // One write at a time, in order: an older snapshot must never land after a newer one.
  let snapshotWrite: Promise<void> | undefined;
  const saveSnapshot = (): Promise<void> => {
    const previous = snapshotWrite ?? Promise.resolve();
    const next = previous
      .then(snapshotNow)
      .catch((error: unknown) => log(`could not save counters: ${(error as Error).message}`));
    snapshotWrite = next;
    return next;
  };
  const snapshotTimer = setInterval(() => {
    if (scheduler) void saveSnapshot();
  }, SNAPSHOT_EVERY_MS);

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting without a clean disconnect`);
      process.exit(1);
    }
    stopping = true;
    clearTimeout(loopTimer);
    clearInterval(statusTimer);
    clearInterval(snapshotTimer);
    pool.stop();
    log(`${signal} received: saving counters, disconnecting ${connections.size} device(s)`);
    const saved = scheduler ? saveSnapshot() : Promise.resolve();
    void saved
      .then(() => closeAll([...connections.values()], CLOSE_TIMEOUT_MS))
      .then(() => {
        log(`stopped: ${formatStatus(totals())}`);
        process.exit(0);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

const parsedAtMs = Date.now();

function readConfig(): SimulatorConfig {
  try {
    return parseSimulatorConfig(process.argv.slice(2), process.env, parsedAtMs);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

const config = readConfig();
if (config.help) {
  console.log(usage());
} else {
  run(config, parsedAtMs).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === undefined) {
      fail(`${error.message} (is the server running at ${config.apiUrl}?)`);
    }
    if (
      error instanceof ApiError ||
      error instanceof ProvisioningError ||
      error instanceof StateFileError
    ) {
      fail(error.message);
    }
    throw error;
  });
}
