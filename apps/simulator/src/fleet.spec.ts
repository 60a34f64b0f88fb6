import { createDeviceSchema, deviceConfigSchemas } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import {
  buildSiteSpec,
  createFleet,
  createSimulatedSites,
  deviceMix,
  fleetTag,
  locateSite,
  planFleet,
  plannedSiteName,
  syntheticFleetState,
} from './fleet.js';

describe('deviceMix', () => {
  it('starts with a grid meter, then PV, battery, EV charger, heat pump and load', () => {
    expect(deviceMix(1)).toEqual(['grid_meter']);
    expect(deviceMix(3)).toEqual(['grid_meter', 'pv_inverter', 'battery']);
    expect(deviceMix(6)).toEqual([
      'grid_meter',
      'pv_inverter',
      'battery',
      'ev_charger',
      'heat_pump',
      'load',
    ]);
  });

  it('adds more EV chargers, PV and loads beyond six, but never a second meter or battery', () => {
    const mix = deviceMix(20);

    expect(mix.filter((kind) => kind === 'grid_meter')).toHaveLength(1);
    expect(mix.filter((kind) => kind === 'battery')).toHaveLength(1);
    expect(mix.filter((kind) => kind === 'ev_charger').length).toBeGreaterThan(4);
  });
});

describe('planFleet', () => {
  it('gives every site and device a unique name derived from the fleet and position', () => {
    const plan = planFleet({ fleet: 'north', siteCount: 12, devicesPerSite: 7 });
    const names = plan.flatMap((site) => site.devices.map((device) => device.name));

    expect(new Set(plan.map((site) => site.name)).size).toBe(12);
    expect(new Set(names).size).toBe(84);
    expect(plan[0]!.name).toBe('sim-north-site-00001');
    expect(plan[0]!.devices.map((device) => device.name)).toEqual([
      'sim-north-site-00001-meter-1',
      'sim-north-site-00001-pv-1',
      'sim-north-site-00001-battery-1',
      'sim-north-site-00001-ev-1',
      'sim-north-site-00001-heatpump-1',
      'sim-north-site-00001-load-1',
      'sim-north-site-00001-ev-2',
    ]);
    expect(plannedSiteName('x', 41)).toBe('sim-x-site-00042');
    expect(fleetTag('north')).toBe('fleet:north');
  });

  it('plans the same fleet every time, and a different one for another name', () => {
    const plan = (fleet: string) => planFleet({ fleet, siteCount: 5, devicesPerSite: 6 });

    expect(plan('a')).toEqual(plan('a'));
    expect(plan('a').map((site) => site.latitude)).not.toEqual(
      plan('b').map((site) => site.latitude),
    );
  });

  it('leaves existing sites and devices unchanged when the fleet grows', () => {
    const small = planFleet({ fleet: 'f', siteCount: 2, devicesPerSite: 6 });
    const moreSites = planFleet({ fleet: 'f', siteCount: 10, devicesPerSite: 6 });
    const moreDevices = planFleet({ fleet: 'f', siteCount: 2, devicesPerSite: 9 });

    expect(moreSites.slice(0, 2)).toEqual(small);
    moreDevices.forEach((site, index) => {
      expect(site.devices.slice(0, 6)).toEqual(small[index]!.devices);
      expect(site.latitude).toBe(small[index]!.latitude);
    });
  });

  it('plans devices the platform accepts', () => {
    for (const site of planFleet({ fleet: 'valid', siteCount: 3, devicesPerSite: 11 })) {
      expect(site.capacityKw).toBeGreaterThan(0);
      for (const device of site.devices) {
        const parsed = createDeviceSchema.safeParse({
          siteId: '00000000-0000-4000-8000-000000000000',
          type: device.type,
          name: device.name,
          ratedPowerKw: device.ratedPowerKw,
          capacityKwh: device.capacityKwh,
          config: device.config,
          tags: ['simulator', fleetTag('valid')],
        });
        expect(parsed.error).toBeUndefined();
        expect(deviceConfigSchemas[device.type].safeParse(device.config).error).toBeUndefined();
      }
    }
  });

  it('sizes business sites (with a metered load) larger than homes', () => {
    const homes = planFleet({ fleet: 'h', siteCount: 20, devicesPerSite: 3 });
    const businesses = planFleet({ fleet: 'h', siteCount: 20, devicesPerSite: 6 });
    const meanPv = (plan: typeof homes) =>
      plan.reduce((sum, site) => sum + site.capacityKw, 0) / plan.length;

    expect(meanPv(businesses)).toBeGreaterThan(meanPv(homes) * 2);
  });
});

describe('building the simulation', () => {
  it('derives hidden parameters from the ids, so a restart simulates the same site', () => {
    const state = syntheticFleetState(
      's',
      planFleet({ fleet: 's', siteCount: 1, devicesPerSite: 6 }),
    );

    expect(buildSiteSpec(state.sites[0]!, state.devices)).toEqual(
      buildSiteSpec(state.sites[0]!, state.devices),
    );
  });

  it('uses the stored ratings', () => {
    const state = syntheticFleetState(
      'r',
      planFleet({ fleet: 'r', siteCount: 1, devicesPerSite: 6 }),
    );
    const spec = buildSiteSpec(state.sites[0]!, state.devices);
    const stored = (type: string) => state.devices.find((device) => device.type === type)!;

    const pv = spec.devices.find((device) => device.kind === 'pv_inverter');
    expect(pv?.kind === 'pv_inverter' && pv.pvArray.ratedKwp).toBe(
      stored('pv_inverter').ratedPowerKw,
    );
    const battery = spec.devices.find((device) => device.kind === 'battery');
    expect(battery?.kind === 'battery' && battery.battery.capacityKwh).toBe(
      stored('battery').capacityKwh,
    );
    const charger = spec.devices.find((device) => device.kind === 'ev_charger');
    expect(charger?.kind === 'ev_charger' && charger.charger.maxPowerKw).toBe(
      stored('ev_charger').ratedPowerKw,
    );
  });

  it('skips devices without physics and devices of unknown sites', () => {
    const state = syntheticFleetState(
      'k',
      planFleet({ fleet: 'k', siteCount: 2, devicesPerSite: 3 }),
    );
    state.devices.push(
      { ...state.devices[0]!, id: 'smart-1', type: 'smart_meter' },
      { ...state.devices[0]!, id: 'orphan-1', siteId: 'nowhere' },
    );

    const { sites, skipped } = createSimulatedSites(state, 1);
    expect(sites).toHaveLength(2);
    expect(skipped.map((device) => device.id).sort()).toEqual(['orphan-1', 'smart-1']);
  });

  it('simulates only the selected sites', () => {
    const state = syntheticFleetState(
      'k',
      planFleet({ fleet: 'k', siteCount: 3, devicesPerSite: 3 }),
    );
    const { sites } = createSimulatedSites(state, 1, new Set([state.sites[1]!.id]));

    expect(sites.map((site) => site.spec.siteId)).toEqual([state.sites[1]!.id]);
  });

  it('builds an offline fleet with ids that are valid MQTT topic levels', () => {
    for (const site of createFleet(3, 1, 6)) {
      for (const { siteId, deviceId } of site.devices) {
        expect(siteId).toMatch(/^[a-z0-9-]+$/);
        expect(deviceId).toMatch(/^[a-z0-9-]+$/);
      }
    }
  });

  it('locates a site known only by id, the same way every time', () => {
    const location = locateSite('3f0c5b9e-0000-4000-8000-000000000001');

    expect(locateSite('3f0c5b9e-0000-4000-8000-000000000001')).toEqual(location);
    expect(location.timezone).toMatch(/^Europe\//);
  });
});
