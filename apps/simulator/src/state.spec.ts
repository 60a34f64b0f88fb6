import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateSite, planFleet, syntheticFleetState } from './fleet.js';
import {
  type FleetState,
  readDevicesFile,
  readFleetState,
  readSnapshot,
  snapshotPathFor,
  StateFileError,
  writeFleetState,
  writeSnapshot,
} from './state.js';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'simulator-state-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function sampleState(): FleetState {
  return {
    ...syntheticFleetState('round', planFleet({ fleet: 'round', siteCount: 2, devicesPerSite: 6 })),
    apiUrl: 'http://localhost:3000',
  };
}

describe('fleet state file', () => {
  it('round-trips, creating the directory, readable by the owner only', async () => {
    const path = join(directory, 'nested', 'fleet.json');
    const state = sampleState();

    await writeFleetState(path, state);
    const read = await readFleetState(path);

    expect(read).toEqual({ ...state, updatedAt: expect.any(String) as string });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(directory, 'nested'))).mode & 0o777).toBe(0o700);
  });

  it('replaces the file whole and leaves no temporary files behind', async () => {
    const path = join(directory, 'fleet.json');
    await writeFleetState(path, sampleState());
    await writeFleetState(path, { ...sampleState(), devices: [] });

    expect(await readdir(directory)).toEqual(['fleet.json']);
    expect((await readFleetState(path))?.devices).toEqual([]);
  });

  it('is undefined before the first run', async () => {
    expect(await readFleetState(join(directory, 'missing.json'))).toBeUndefined();
  });

  it('refuses a file that is not a fleet state, in one line', async () => {
    const path = join(directory, 'fleet.json');
    await writeFile(path, '{"version": 1, "fleet": "x", "sites": [], "devices": [{"id": "a/b"}]}');

    const error = await readFleetState(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).not.toContain('\n');
    await writeFile(path, 'not json');
    await expect(readFleetState(path)).rejects.toThrow('is not valid JSON');
  });
});

describe('devices file', () => {
  it('accepts a fleet state as written by the simulator', async () => {
    const path = join(directory, 'export.json');
    const state = sampleState();
    await writeFleetState(path, state);

    expect((await readDevicesFile(path, locateSite)).devices).toEqual(state.devices);
  });

  it('accepts a plain list of credentials and locates unknown sites', async () => {
    const path = join(directory, 'devices.json');
    await writeFile(
      path,
      JSON.stringify([
        { deviceId: 'd-1', siteId: 's-1', type: 'pv_inverter', secret: 'x', ratedPowerKw: 5 },
        { username: 'd-2', siteId: 's-1', type: 'grid_meter', password: 'y' },
      ]),
    );

    const state = await readDevicesFile(path, locateSite);
    expect(state.devices.map((device) => [device.id, device.secret])).toEqual([
      ['d-1', 'x'],
      ['d-2', 'y'],
    ]);
    expect(state.sites).toEqual([{ id: 's-1', name: 's-1', ...locateSite('s-1') }]);
  });

  it('says what is wrong with an unusable file', async () => {
    const path = join(directory, 'devices.json');
    await writeFile(path, JSON.stringify([{ siteId: 's-1', type: 'pv_inverter' }]));

    await expect(readDevicesFile(path, locateSite)).rejects.toThrow(StateFileError);
    await expect(readDevicesFile(join(directory, 'none.json'), locateSite)).rejects.toThrow(
      'does not exist',
    );
  });
});

describe('snapshot of counters', () => {
  it('lives next to the state file and round-trips', async () => {
    expect(snapshotPathFor('data/simulator-fleet.json')).toBe('data/simulator-fleet.counters.json');
    expect(snapshotPathFor('fleet')).toBe('fleet.counters.json');

    const path = join(directory, 'fleet.counters.json');
    const snapshot = {
      version: 1 as const,
      fleet: 'round',
      simulatedAt: '2025-06-21T10:00:00.000Z',
      devices: { 'meter-1': { import_kwh: 12.5, export_kwh: 3 } },
    };
    await writeSnapshot(path, snapshot);

    expect(await readSnapshot(path)).toEqual(snapshot);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(snapshot);
  });

  it('keeps the control states and answered commands of the devices', async () => {
    const path = join(directory, 'fleet.counters.json');
    const snapshot = {
      version: 1 as const,
      simulatedAt: '2025-06-21T10:00:00.000Z',
      devices: { 'battery-1': { soc_pct: 40 } },
      controls: { 'battery-1': { mode: 'setpoint' as const, setpointKw: -2 } },
      commands: {
        'battery-1': [
          {
            id: '7d9f1c7e-3f4b-4c1a-9a53-5b0c2a1e9f10',
            type: 'set_power_setpoint',
            status: 'completed' as const,
            message: 'following a setpoint of -2 kW',
          },
        ],
      },
    };
    await writeSnapshot(path, snapshot);

    expect(await readSnapshot(path)).toEqual(snapshot);
  });

  it('drops a damaged command section on its own, keeping the counters', async () => {
    const path = join(directory, 'fleet.counters.json');
    await writeFile(
      path,
      JSON.stringify({
        version: 1,
        simulatedAt: '2025-06-21T10:00:00.000Z',
        devices: { 'meter-1': { import_kwh: 7 } },
        controls: { 'battery-1': { mode: 'turbo' } },
        commands: { 'battery-1': [{ id: 'not-a-uuid', status: 'done' }] },
      }),
    );

    expect(await readSnapshot(path)).toEqual({
      version: 1,
      simulatedAt: '2025-06-21T10:00:00.000Z',
      devices: { 'meter-1': { import_kwh: 7 } },
    });
  });

  it('is ignored when missing or damaged: counters then start from zero', async () => {
    const path = join(directory, 'fleet.counters.json');
    expect(await readSnapshot(path)).toBeUndefined();
    await writeFile(path, '{"version": 1');
    expect(await readSnapshot(path)).toBeUndefined();
  });
});
