import { DEVICE_TYPES } from '@ecogrid/contracts';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { deviceControlSnapshotSchema } from './commands/device-control.js';
import { recordedCommandSchema } from './commands/recent-commands.js';

/*
 * What the simulator keeps between runs:
 *   the fleet state  sites and devices it provisioned, with each device's secret (shown by the
 *                    server only once), so a restart reuses them instead of creating more;
 *   the snapshot     counters and states of charge, so counters keep growing across restarts.
 * Both are written atomically (temporary file, then rename) and readable by the owner only.
 */

/** An id used as one MQTT topic level: no separators, wildcards or blanks. */
const topicLevelSchema = z
  .string()
  .regex(/^[^/+#\s]{1,128}$/, 'must be a single MQTT topic level (no / + # or blanks)');

export const storedSiteSchema = z.object({
  id: topicLevelSchema,
  name: z.string().min(1),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  timezone: z.string().min(1),
});
export type StoredSite = z.infer<typeof storedSiteSchema>;

export const storedDeviceSchema = z.object({
  id: topicLevelSchema,
  siteId: topicLevelSchema,
  type: z.enum(DEVICE_TYPES),
  name: z.string().min(1),
  secret: z.string().min(1),
  ratedPowerKw: z.number().nonnegative().nullable().default(null),
  capacityKwh: z.number().nonnegative().nullable().default(null),
  config: z.record(z.string(), z.unknown()).default({}),
});
export type StoredDevice = z.infer<typeof storedDeviceSchema>;

export const FLEET_STATE_VERSION = 1;

export const fleetStateSchema = z.object({
  version: z.literal(FLEET_STATE_VERSION),
  fleet: z.string().min(1),
  apiUrl: z.string().optional(),
  updatedAt: z.string().optional(),
  sites: z.array(storedSiteSchema),
  devices: z.array(storedDeviceSchema),
});
export type FleetState = z.infer<typeof fleetStateSchema>;

export function emptyFleetState(fleet: string, apiUrl?: string): FleetState {
  return {
    version: FLEET_STATE_VERSION,
    fleet,
    ...(apiUrl ? { apiUrl } : {}),
    sites: [],
    devices: [],
  };
}

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StateFileError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Writes JSON so that a crash leaves either the old or the new file, never half of one, readable
 * by the owner only (the fleet state holds device secrets).
 */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The saved fleet state, or undefined when there is none yet. */
export async function readFleetState(path: string): Promise<FleetState | undefined> {
  const json = await readJson(path);
  if (json === undefined) return undefined;
  const parsed = fleetStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new StateFileError(
      `${path} is not a simulator fleet state: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

export async function writeFleetState(path: string, state: FleetState): Promise<void> {
  await writeJsonAtomically(path, { ...state, updatedAt: new Date().toISOString() });
}

/*
 * A devices file given with --devices-file: either a fleet state written by this simulator (for
 * instance copied from another machine), or a plain list of device credentials as exported from
 * the platform. Sites without coordinates get a location derived from their id.
 */
const exportedDeviceSchema = z
  .object({
    id: topicLevelSchema.optional(),
    deviceId: topicLevelSchema.optional(),
    username: topicLevelSchema.optional(),
    siteId: topicLevelSchema,
    type: z.enum(DEVICE_TYPES),
    name: z.string().min(1).optional(),
    secret: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    ratedPowerKw: z.number().nonnegative().nullable().optional(),
    capacityKwh: z.number().nonnegative().nullable().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .transform((device, context) => {
    const id = device.id ?? device.deviceId ?? device.username;
    const secret = device.secret ?? device.password;
    if (!id) context.addIssue({ code: 'custom', message: 'needs id, deviceId or username' });
    if (!secret) context.addIssue({ code: 'custom', message: 'needs secret or password' });
    return {
      id: id ?? '',
      siteId: device.siteId,
      type: device.type,
      name: device.name ?? `${device.type} ${id ?? ''}`,
      secret: secret ?? '',
      ratedPowerKw: device.ratedPowerKw ?? null,
      capacityKwh: device.capacityKwh ?? null,
      config: device.config ?? {},
    } satisfies StoredDevice;
  });

const devicesFileSchema = z.union([
  fleetStateSchema,
  z.object({
    fleet: z.string().min(1).optional(),
    sites: z.array(storedSiteSchema).optional(),
    devices: z.array(exportedDeviceSchema).min(1),
  }),
  z.array(exportedDeviceSchema).min(1),
]);

/** Where a site of unknown location is put: deterministic, spread over a few European cities. */
export type LocateSite = (siteId: string) => Omit<StoredSite, 'id' | 'name'>;

export async function readDevicesFile(path: string, locate: LocateSite): Promise<FleetState> {
  const json = await readJson(path);
  if (json === undefined) throw new StateFileError(`devices file ${path} does not exist`);
  const parsed = devicesFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new StateFileError(
      `${path} is neither a simulator fleet state nor a list of devices: ${describeIssues(parsed.error)}`,
    );
  }
  const data = parsed.data;
  if (!Array.isArray(data) && 'version' in data) return data;
  const devices = Array.isArray(data) ? data : data.devices;
  const knownSites = Array.isArray(data) ? [] : (data.sites ?? []);
  const sites = new Map(knownSites.map((site) => [site.id, site]));
  for (const device of devices) {
    if (!sites.has(device.siteId)) {
      sites.set(device.siteId, {
        id: device.siteId,
        name: device.siteId,
        ...locate(device.siteId),
      });
    }
  }
  return {
    version: FLEET_STATE_VERSION,
    fleet: (Array.isArray(data) ? undefined : data.fleet) ?? 'devices-file',
    sites: [...sites.values()],
    devices,
  };
}

/* The snapshot of counters, and of what commands left behind. */

export const snapshotSchema = z.object({
  version: z.literal(1),
  fleet: z.string().optional(),
  /** The simulated instant of the last reading: a restart continues after it, never before. */
  simulatedAt: z.iso.datetime({ offset: true }),
  devices: z.record(z.string(), z.record(z.string(), z.number())),
  /**
   * Device id → the control state commands set (battery mode, PV limit, …). A section that does
   * not read back is dropped on its own, so it never costs the counters.
   */
  controls: z.record(z.string(), deviceControlSnapshotSchema).optional().catch(undefined),
  /** Device id → the commands it answered recently, oldest first: redeliveries stay answered. */
  commands: z.record(z.string(), z.array(recordedCommandSchema)).optional().catch(undefined),
});
export type FleetSnapshot = z.infer<typeof snapshotSchema>;

/** `data/simulator-fleet.json` → `data/simulator-fleet.counters.json`. */
export function snapshotPathFor(statePath: string): string {
  return statePath.endsWith('.json')
    ? `${statePath.slice(0, -'.json'.length)}.counters.json`
    : `${statePath}.counters.json`;
}

/** The saved snapshot; undefined when there is none or it cannot be used (it is only a cache). */
export async function readSnapshot(path: string): Promise<FleetSnapshot | undefined> {
  let json: unknown;
  try {
    json = await readJson(path);
  } catch {
    return undefined;
  }
  const parsed = snapshotSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export async function writeSnapshot(path: string, snapshot: FleetSnapshot): Promise<void> {
  await writeJsonAtomically(path, snapshot);
}
