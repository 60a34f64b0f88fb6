import { MAX_IMPORT_ROWS } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { fleetTag, planFleet, type PlannedSite } from './fleet.js';
import {
  buildImportCsv,
  chunkImportRows,
  csvField,
  IMPORT_HEADER,
  type ImportRow,
  importCsvLine,
  planProvisioning,
  provisionFleet,
  type RemoteDevice,
  type RemoteSite,
} from './provision.js';
import { emptyFleetState, type FleetState, type StoredDevice } from './state.js';
import { FakeApi, parseCsv } from './test/fake-api.js';

const planned = planFleet({ fleet: 'p', siteCount: 3, devicesPerSite: 4 });

function remoteSite(site: PlannedSite, id: string): RemoteSite {
  return {
    id,
    name: site.name,
    latitude: site.latitude,
    longitude: site.longitude,
    timezone: site.timezone,
    tags: ['simulator', fleetTag('p')],
  };
}

function storedDevice(siteId: string, name: string, id = `${name}-id`): StoredDevice {
  return {
    id,
    siteId,
    type: 'grid_meter',
    name,
    secret: 's',
    ratedPowerKw: null,
    capacityKwh: null,
    config: {},
  };
}

describe('planProvisioning', () => {
  it('creates every site and device on an empty server', () => {
    const plan = planProvisioning({ planned, remoteSites: [], stored: { sites: [], devices: [] } });

    expect(plan.createSites.map((site) => site.name)).toEqual(planned.map((site) => site.name));
    expect(plan.createDevices).toHaveLength(12);
    expect(plan.reuseSites).toEqual([]);
    expect(plan.needsRemoteDevices).toBe(false);
  });

  it('reuses everything on a restart: stored credentials, existing sites', () => {
    const remoteSites = planned.map((site, index) => remoteSite(site, `site-${index}`));
    const devices = planned.flatMap((site, index) =>
      site.devices.map((device) => storedDevice(`site-${index}`, device.name)),
    );
    const plan = planProvisioning({ planned, remoteSites, stored: { sites: [], devices } });

    expect(plan.createSites).toEqual([]);
    expect(plan.createDevices).toEqual([]);
    expect(plan.rotateDevices).toEqual([]);
    expect(plan.keepDevices).toHaveLength(12);
    expect(plan.needsRemoteDevices).toBe(false);
  });

  it('asks for the server’s devices when an existing site lacks stored credentials', () => {
    const remoteSites = [remoteSite(planned[0]!, 'site-0')];
    const devices = [storedDevice('site-0', planned[0]!.devices[0]!.name)];
    const plan = planProvisioning({ planned, remoteSites, stored: { sites: [], devices } });

    expect(plan.needsRemoteDevices).toBe(true);
    expect(plan.keepDevices).toHaveLength(1);
    expect(plan.createSites).toHaveLength(2);
  });

  it('issues new secrets for devices that exist but whose secret was lost, creates the rest', () => {
    const site = planned[0]!;
    const remoteSites = [remoteSite(site, 'site-0')];
    const remoteDevices: RemoteDevice[] = [
      {
        id: 'dev-1',
        siteId: 'site-0',
        type: 'pv_inverter',
        name: site.devices[1]!.name,
        ratedPowerKw: 5,
        capacityKwh: null,
        config: {},
      },
      // Same name on another site: not this one.
      {
        id: 'dev-x',
        siteId: 'other',
        type: 'battery',
        name: site.devices[2]!.name,
        ratedPowerKw: 5,
        capacityKwh: 10,
        config: {},
      },
    ];
    const plan = planProvisioning({
      planned: [site],
      remoteSites,
      stored: { sites: [], devices: [storedDevice('site-0', site.devices[0]!.name)] },
      remoteDevices,
    });

    expect(plan.keepDevices.map((device) => device.name)).toEqual([site.devices[0]!.name]);
    expect(plan.rotateDevices.map(({ remote }) => remote.id)).toEqual(['dev-1']);
    expect(plan.createDevices.map(({ device }) => device.name)).toEqual([
      site.devices[2]!.name,
      site.devices[3]!.name,
    ]);
    expect(plan.needsRemoteDevices).toBe(false);
  });

  it('prefers, among two sites of one name, the one whose devices it knows', () => {
    const site = planned[0]!;
    const plan = planProvisioning({
      planned: [site],
      remoteSites: [remoteSite(site, 'first'), remoteSite(site, 'second')],
      stored: {
        sites: [],
        devices: site.devices.map((device) => storedDevice('second', device.name)),
      },
    });

    expect(plan.reuseSites.map(({ remote }) => remote.id)).toEqual(['second']);
    expect(plan.keepDevices).toHaveLength(4);
  });

  it('does not trust stored devices of a site the server no longer has', () => {
    const site = planned[0]!;
    const plan = planProvisioning({
      planned: [site],
      remoteSites: [],
      stored: {
        sites: [],
        devices: site.devices.map((device) => storedDevice('deleted', device.name)),
      },
    });

    expect(plan.keepDevices).toEqual([]);
    expect(plan.createSites).toHaveLength(1);
    expect(plan.createDevices).toHaveLength(4);
  });
});

function row(overrides: Partial<ImportRow> = {}): ImportRow {
  return {
    siteId: '00000000-0000-4000-8000-000000000001',
    type: 'ev_charger',
    name: 'sim-p-site-00001-ev-1',
    ratedPowerKw: 11.04,
    capacityKwh: null,
    tags: ['simulator', 'fleet:p'],
    config: { phases: 3, maxCurrentA: 16 },
    ...overrides,
  };
}

describe('CSV for the device import', () => {
  it('quotes fields with commas, quotes or line breaks and leaves others alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('-5')).toBe('-5');
    expect(csvField('')).toBe('');
  });

  it('writes one line per device with the import’s columns', () => {
    expect(IMPORT_HEADER).toBe('site_id,type,name,rated_power_kw,capacity_kwh,tags,config');
    expect(importCsvLine(row())).toBe(
      '00000000-0000-4000-8000-000000000001,ev_charger,sim-p-site-00001-ev-1,11.04,,simulator;fleet:p,"{""phases"":3,""maxCurrentA"":16}"',
    );
    expect(importCsvLine(row({ config: {}, ratedPowerKw: null, name: 'a, "b"' }))).toBe(
      '00000000-0000-4000-8000-000000000001,ev_charger,"a, ""b""",,,simulator;fleet:p,',
    );
  });

  it('reads back as written: header, then row i on line i + 2', () => {
    const rows = [
      row(),
      row({ name: 'x,y', config: { note: 'a "quoted", text' } }),
      row({ tags: [] }),
    ];
    const parsed = parseCsv(buildImportCsv(rows));

    expect(parsed[0]).toEqual(IMPORT_HEADER.split(','));
    expect(parsed).toHaveLength(4);
    expect(parsed[2]![2]).toBe('x,y');
    expect(JSON.parse(parsed[2]![6]!)).toEqual({ note: 'a "quoted", text' });
    expect(buildImportCsv(rows).endsWith('\r\n')).toBe(true);
  });

  it('refuses names with line breaks, which would shift the row numbers', () => {
    expect(() => importCsvLine(row({ name: 'a\nb' }))).toThrow(RangeError);
  });

  it('splits into imports of at most 10,000 rows', () => {
    const rows = Array.from({ length: 25_001 }, (_, index) => row({ name: `device-${index}` }));
    const chunks = chunkImportRows(rows);

    expect(chunks.map((chunk) => chunk.length)).toEqual([MAX_IMPORT_ROWS, MAX_IMPORT_ROWS, 5_001]);
    expect(chunks.flat()).toEqual(rows);
  });

  it('also splits by size, and never makes an empty import', () => {
    const rows = Array.from({ length: 10 }, (_, index) => row({ name: `device-${index}` }));
    const lineBytes = importCsvLine(rows[0]!).length + 2;
    const chunks = chunkImportRows(rows, 100, IMPORT_HEADER.length + 2 + 3 * lineBytes);

    expect(chunks.map((chunk) => chunk.length)).toEqual([3, 3, 3, 1]);
    expect(chunkImportRows(rows, 100, 10).every((chunk) => chunk.length === 1)).toBe(true);
    expect(chunkImportRows([], 100, 1_000)).toEqual([]);
  });
});

describe('provisionFleet (against a fake API)', () => {
  function setup(api = new FakeApi()) {
    const saved: FleetState[] = [];
    const client = new ApiClient({
      baseUrl: 'http://api.test',
      username: 'admin',
      password: 'right',
      fetch: api.fetch,
      sleep: () => Promise.resolve(),
    });
    const run = (state: FleetState, plan = planned) =>
      provisionFleet({
        api: client,
        fleet: 'p',
        planned: plan,
        state,
        save: (next) => {
          saved.push(structuredClone(next));
          return Promise.resolve();
        },
        log: () => undefined,
      });
    return { api, saved, run };
  }

  it('creates tagged sites, imports the devices in one CSV and keeps every secret', async () => {
    const { api, saved, run } = setup();
    const result = await run(emptyFleetState('p'));

    expect(api.sites).toHaveLength(3);
    expect(
      api.sites.every((site) => site.tags.includes('simulator') && site.tags.includes('fleet:p')),
    ).toBe(true);
    expect(
      api.requests.filter((request) => request.startsWith('POST /api/v1/devices/import')),
    ).toHaveLength(1);
    expect(result.createdDevices).toBe(12);
    expect(result.siteIds.size).toBe(3);
    const last = saved.at(-1)!;
    expect(last.devices).toHaveLength(12);
    for (const device of api.devices) {
      const stored = last.devices.find((candidate) => candidate.id === device.id);
      expect(stored?.secret).toBe(device.secret);
      expect(stored?.siteId).toBe(device.siteId);
      expect(stored?.name).toBe(device.name);
      expect(stored?.type).toBe(device.type);
    }
  });

  it('creates nothing again on a restart with its state file', async () => {
    const { api, run } = setup();
    const first = await run(emptyFleetState('p'));
    const requestsBefore = api.requests.length;
    const second = await run(first.state);

    expect(second.createdSites + second.createdDevices + second.rotatedDevices).toBe(0);
    expect(api.sites).toHaveLength(3);
    expect(api.devices).toHaveLength(12);
    expect(second.state.devices).toEqual(first.state.devices);
    // Login and one page of sites: no device listing, no writes.
    expect(
      api.requests
        .slice(requestsBefore)
        .every((request) => !request.startsWith('POST /api/v1/sites')),
    ).toBe(true);
  });

  it('after losing its state file, re-keys the existing devices instead of duplicating them', async () => {
    const { api, run } = setup();
    await run(emptyFleetState('p'));
    const result = await run(emptyFleetState('p'));

    expect(api.sites).toHaveLength(3);
    expect(api.devices).toHaveLength(12);
    expect(result.rotatedDevices).toBe(12);
    for (const device of api.devices) {
      expect(result.state.devices.find((stored) => stored.id === device.id)?.secret).toBe(
        device.secret,
      );
    }
  });

  it('adds only the new sites and devices when the fleet grows', async () => {
    const { api, run } = setup();
    const first = await run(emptyFleetState('p'));
    const bigger = planFleet({ fleet: 'p', siteCount: 5, devicesPerSite: 6 });
    const result = await run(first.state, bigger);

    expect(result.createdSites).toBe(2);
    expect(result.createdDevices).toBe(2 * 6 + 3 * 2);
    expect(api.devices).toHaveLength(30);
    expect(result.state.devices).toHaveLength(30);
  });

  it('keeps what was created and reports the rows the server refused', async () => {
    const { api, saved, run } = setup();
    api.refuseImportLines = new Set([3]);

    await expect(run(emptyFleetState('p'))).rejects.toThrow(
      /1 device\(s\) could not be created; first: line 3/,
    );
    const afterFailure = saved.at(-1)!;
    expect(afterFailure.devices).toHaveLength(11);

    // The next run creates just the missing one.
    const retry = await run(afterFailure);
    expect(retry.createdDevices).toBe(1);
    expect(retry.rotatedDevices).toBe(0);
    expect(api.devices).toHaveLength(12);
    expect(retry.state.devices).toHaveLength(12);
  });

  it('waits out rate limits', async () => {
    const api = new FakeApi();
    api.rateLimitNext = 2;
    const { run } = setup(api);

    await expect(run(emptyFleetState('p'))).resolves.toMatchObject({ createdDevices: 12 });
  });
});
