import {
  DEVICE_TYPES,
  type DeviceType,
  importResultSchema,
  MAX_IMPORT_ROWS,
} from '@ecogrid/contracts';
import { z } from 'zod';
import type { ApiClient } from './api-client.js';
import { fleetTag, type PlannedDevice, type PlannedSite, SIMULATOR_TAG } from './fleet.js';
import type { FleetState, StoredDevice, StoredSite } from './state.js';

/*
 * Provisioning: make the server hold the planned fleet, and the state file hold every device's
 * credentials. Sites are tagged `simulator` and `fleet:<name>`, so a restart finds them again
 * (even without its state file) instead of creating duplicates. Devices are created in bulk
 * through the CSV import; a device that exists but whose secret was lost gets a new secret
 * rather than a twin.
 */

export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

/** A site as the server lists it (only the fields the simulator uses). */
export const remoteSiteSchema = z.object({
  id: z.string(),
  name: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  timezone: z.string(),
  tags: z.array(z.string()).default([]),
});
export type RemoteSite = z.infer<typeof remoteSiteSchema>;

export const remoteDeviceSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  type: z.enum(DEVICE_TYPES),
  name: z.string(),
  ratedPowerKw: z.number().nullable().default(null),
  capacityKwh: z.number().nullable().default(null),
  config: z.record(z.string(), z.unknown()).default({}),
});
export type RemoteDevice = z.infer<typeof remoteDeviceSchema>;

export interface ProvisioningPlan {
  /** Planned sites the server already has. */
  reuseSites: { planned: PlannedSite; remote: RemoteSite }[];
  createSites: PlannedSite[];
  /** Planned devices whose credentials the state file holds. */
  keepDevices: StoredDevice[];
  /** Planned devices the server has but whose secret is lost: they get a new one. */
  rotateDevices: { siteName: string; remote: RemoteDevice }[];
  /** Planned devices to create, with the name of their site. */
  createDevices: { siteName: string; device: PlannedDevice }[];
  /**
   * True when some planned device of an existing site has no stored credentials and the
   * server's device list was not given: plan again with it to tell "rotate" from "create".
   */
  needsRemoteDevices: boolean;
}

export interface PlanInput {
  planned: readonly PlannedSite[];
  /** The server's sites carrying the fleet's tag. */
  remoteSites: readonly RemoteSite[];
  /** What the state file holds. */
  stored: Pick<FleetState, 'sites' | 'devices'>;
  /** The server's devices carrying the fleet's tag, when fetched. */
  remoteDevices?: readonly RemoteDevice[];
}

/** Decides what to create, reuse and re-key; pure, so it can be tested without a server. */
export function planProvisioning({
  planned,
  remoteSites,
  stored,
  remoteDevices,
}: PlanInput): ProvisioningPlan {
  const storedSiteIds = new Set(stored.devices.map((device) => device.siteId));
  // Two sites of one name (an interrupted earlier run): prefer the one with stored devices.
  const remoteByName = new Map<string, RemoteSite>();
  for (const site of remoteSites) {
    const current = remoteByName.get(site.name);
    if (!current || (!storedSiteIds.has(current.id) && storedSiteIds.has(site.id))) {
      remoteByName.set(site.name, site);
    }
  }
  const storedByKey = new Map(
    stored.devices.map((device) => [`${device.siteId}/${device.name}`, device]),
  );
  const remoteDeviceByKey = new Map(
    (remoteDevices ?? []).map((device) => [`${device.siteId}/${device.name}`, device]),
  );

  const plan: ProvisioningPlan = {
    reuseSites: [],
    createSites: [],
    keepDevices: [],
    rotateDevices: [],
    createDevices: [],
    needsRemoteDevices: false,
  };
  for (const site of planned) {
    const remote = remoteByName.get(site.name);
    if (!remote) {
      plan.createSites.push(site);
      for (const device of site.devices) plan.createDevices.push({ siteName: site.name, device });
      continue;
    }
    plan.reuseSites.push({ planned: site, remote });
    for (const device of site.devices) {
      const key = `${remote.id}/${device.name}`;
      const kept = storedByKey.get(key);
      const existing = remoteDeviceByKey.get(key);
      if (kept) plan.keepDevices.push(kept);
      else if (existing) plan.rotateDevices.push({ siteName: site.name, remote: existing });
      else {
        if (!remoteDevices) plan.needsRemoteDevices = true;
        plan.createDevices.push({ siteName: site.name, device });
      }
    }
  }
  return plan;
}

/* The CSV import. */

export const IMPORT_COLUMNS = [
  'site_id',
  'type',
  'name',
  'rated_power_kw',
  'capacity_kwh',
  'tags',
  'config',
] as const;

export interface ImportRow {
  siteId: string;
  type: DeviceType;
  name: string;
  ratedPowerKw: number | null;
  capacityKwh: number | null;
  tags: readonly string[];
  config: Record<string, unknown>;
}

/** One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvNumber(value: number | null): string {
  return value === null ? '' : String(value);
}

export function importCsvLine(row: ImportRow): string {
  if (/[\r\n]/.test(row.name)) throw new RangeError('device names may not contain line breaks');
  return [
    row.siteId,
    row.type,
    row.name,
    csvNumber(row.ratedPowerKw),
    csvNumber(row.capacityKwh),
    row.tags.join(';'),
    Object.keys(row.config).length > 0 ? JSON.stringify(row.config) : '',
  ]
    .map(csvField)
    .join(',');
}

export const IMPORT_HEADER = IMPORT_COLUMNS.join(',');

/** A whole import body: header and one line per row, CRLF-separated. Row i is CSV line i + 2. */
export function buildImportCsv(rows: readonly ImportRow[]): string {
  return [IMPORT_HEADER, ...rows.map(importCsvLine)].join('\r\n') + '\r\n';
}

/** Below the server's default body limit (4 MiB), with room to spare. */
export const MAX_IMPORT_BYTES = 3 * 1024 * 1024;

/** Splits rows into imports of at most `maxRows` rows and about `maxBytes` bytes each. */
export function chunkImportRows<T extends ImportRow>(
  rows: readonly T[],
  maxRows = MAX_IMPORT_ROWS,
  maxBytes = MAX_IMPORT_BYTES,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = Buffer.byteLength(IMPORT_HEADER) + 2;
  for (const row of rows) {
    const rowBytes = Buffer.byteLength(importCsvLine(row)) + 2;
    if (current.length > 0 && (current.length >= maxRows || bytes + rowBytes > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = Buffer.byteLength(IMPORT_HEADER) + 2;
    }
    current.push(row);
    bytes += rowBytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/* Talking to the server. */

const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    pagination: z.object({ totalPages: z.number().int() }),
  });

async function listAll<T>(api: ApiClient, path: string, item: z.ZodType<T>): Promise<T[]> {
  const all: T[] = [];
  const schema = pageSchema(item);
  for (let page = 1; ; page += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const result = await api.get(`${path}${separator}limit=100&page=${page}`, schema);
    all.push(...result.data);
    if (page >= result.pagination.totalPages || result.data.length === 0) return all;
  }
}

async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

const credentialsSchema = z.object({ username: z.string(), secret: z.string() });

export interface ProvisionOptions {
  api: ApiClient;
  fleet: string;
  planned: readonly PlannedSite[];
  state: FleetState;
  /** Persists the state; called after every step that produced credentials. */
  save: (state: FleetState) => Promise<void>;
  log: (message: string) => void;
  /** Parallel requests for site creation and secret rotation. */
  concurrency?: number;
}

export interface ProvisionResult {
  state: FleetState;
  /** The ids of the planned sites: the ones to simulate. */
  siteIds: Set<string>;
  createdSites: number;
  createdDevices: number;
  rotatedDevices: number;
}

function storedSiteOf(site: RemoteSite): StoredSite {
  return {
    id: site.id,
    name: site.name,
    latitude: site.latitude,
    longitude: site.longitude,
    timezone: site.timezone,
  };
}

/** Brings the server and the state file in line with the plan; see the module comment. */
export async function provisionFleet(options: ProvisionOptions): Promise<ProvisionResult> {
  const { api, fleet, planned, log } = options;
  const concurrency = options.concurrency ?? 4;
  const tag = fleetTag(fleet);
  const tagQuery = `tag=${encodeURIComponent(tag)}`;

  await api.login();
  const remoteSites = await listAll(api, `/api/v1/sites?${tagQuery}`, remoteSiteSchema);
  let plan = planProvisioning({ planned, remoteSites, stored: options.state });
  if (plan.needsRemoteDevices) {
    const remoteDevices = await listAll(api, `/api/v1/devices?${tagQuery}`, remoteDeviceSchema);
    plan = planProvisioning({ planned, remoteSites, stored: options.state, remoteDevices });
  }

  // What the state keeps: sites that still exist on the server, and their devices (including
  // sites beyond this run's --sites, so shrinking and growing the fleet again loses nothing).
  const remoteIds = new Set(remoteSites.map((site) => site.id));
  const sites = new Map<string, StoredSite>();
  for (const site of remoteSites) sites.set(site.id, storedSiteOf(site));
  const devices = new Map<string, StoredDevice>();
  for (const device of options.state.devices) {
    if (remoteIds.has(device.siteId)) devices.set(device.id, device);
  }
  const dropped = options.state.devices.length - devices.size;
  if (dropped > 0) log(`forgetting ${dropped} stored device(s) whose site no longer exists`);

  let state: FleetState = {
    ...options.state,
    sites: [...sites.values()],
    devices: [...devices.values()],
  };
  const persist = async () => {
    state = { ...state, sites: [...sites.values()], devices: [...devices.values()] };
    await options.save(state);
  };

  const siteIdByName = new Map(
    plan.reuseSites.map(({ planned: site, remote }) => [site.name, remote.id]),
  );
  if (plan.createSites.length > 0) {
    log(`creating ${plan.createSites.length} site(s)`);
    await mapWithConcurrency(plan.createSites, concurrency, async (site) => {
      const created = await api.post(
        '/api/v1/sites',
        {
          name: site.name,
          latitude: site.latitude,
          longitude: site.longitude,
          timezone: site.timezone,
          capacityKw: site.capacityKw,
          tags: [SIMULATOR_TAG, tag],
        },
        remoteSiteSchema,
      );
      siteIdByName.set(site.name, created.id);
      sites.set(created.id, storedSiteOf(created));
    });
    await persist();
  }

  if (plan.rotateDevices.length > 0) {
    log(
      `${plan.rotateDevices.length} device(s) exist without stored credentials: issuing new secrets`,
    );
    let sinceSave = 0;
    await mapWithConcurrency(plan.rotateDevices, concurrency, async ({ remote }) => {
      const credentials = await api.post(
        `/api/v1/devices/${encodeURIComponent(remote.id)}/credentials`,
        undefined,
        credentialsSchema,
      );
      devices.set(remote.id, {
        id: credentials.username,
        siteId: remote.siteId,
        type: remote.type,
        name: remote.name,
        secret: credentials.secret,
        ratedPowerKw: remote.ratedPowerKw,
        capacityKwh: remote.capacityKwh,
        config: remote.config,
      });
      sinceSave += 1;
      if (sinceSave >= 100) {
        sinceSave = 0;
        await persist();
      }
    });
    await persist();
  }

  const rows = plan.createDevices.map(({ siteName, device }) => {
    const siteId = siteIdByName.get(siteName);
    if (!siteId) throw new ProvisioningError(`no id for site ${siteName}`);
    return {
      siteId,
      type: device.type,
      name: device.name,
      ratedPowerKw: device.ratedPowerKw,
      capacityKwh: device.capacityKwh,
      tags: [SIMULATOR_TAG, tag],
      config: device.config,
    } satisfies ImportRow;
  });
  const failures: string[] = [];
  let createdDevices = 0;
  const chunks = chunkImportRows(rows);
  for (const [index, chunk] of chunks.entries()) {
    log(`importing ${chunk.length} device(s) (batch ${index + 1} of ${chunks.length})`);
    const result = await api.post(
      '/api/v1/devices/import',
      buildImportCsv(chunk),
      importResultSchema,
      'text/csv',
    );
    for (const created of result.devices) {
      // Line 1 is the header; no field spans lines, so data row i is line i + 2.
      const row = chunk[created.row - 2];
      if (!row) {
        failures.push(`line ${created.row}: created device ${created.id} matches no row`);
        continue;
      }
      devices.set(created.id, {
        id: created.username,
        siteId: row.siteId,
        type: row.type,
        name: row.name,
        secret: created.secret,
        ratedPowerKw: row.ratedPowerKw,
        capacityKwh: row.capacityKwh,
        config: row.config,
      });
      createdDevices += 1;
    }
    for (const error of result.errors) {
      const problems = error.errors.map((problem) => `${problem.field}: ${problem.message}`);
      failures.push(`line ${error.row}: ${problems.join('; ')}`);
    }
    // Secrets are shown only once: keep them before anything else can go wrong.
    await persist();
  }
  if (failures.length > 0) {
    throw new ProvisioningError(
      `${failures.length} device(s) could not be created; first: ${failures.slice(0, 3).join(' | ')}`,
    );
  }

  const siteIds = new Set(
    planned.map((site) => siteIdByName.get(site.name)).filter((id): id is string => !!id),
  );
  return {
    state,
    siteIds,
    createdSites: plan.createSites.length,
    createdDevices,
    rotatedDevices: plan.rotateDevices.length,
  };
}
