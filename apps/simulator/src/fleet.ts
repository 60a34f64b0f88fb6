import { typicalOffice } from './physics/commercial-load.js';
import { homeWallbox } from './physics/ev-charger.js';
import { typicalHeatPump } from './physics/heat-pump.js';
import { typicalHousehold } from './physics/load.js';
import {
  createSeededRandom,
  deriveSeed,
  hashString,
  type RandomSource,
  uniformBetween,
} from './physics/random.js';
import { climateAt } from './physics/temperature.js';
import { temperateClouds } from './physics/weather.js';
import { roundTo } from './rounding.js';
import {
  type DeviceKind,
  type DeviceSpec,
  isSimulatedKind,
  SimulatedSite,
  type SiteSpec,
} from './site.js';
import {
  FLEET_STATE_VERSION,
  type FleetState,
  type StoredDevice,
  type StoredSite,
} from './state.js';

/*
 * The fleet: which sites and devices the simulator wants (the plan, the same every time for the
 * same fleet name), and the simulated sites built from what was provisioned. A device's hidden
 * physical parameters (panel losses, building insulation, habits) follow from its id, so a
 * restart simulates the same site again.
 */

export const SIMULATOR_TAG = 'simulator';

/** The tag that finds a fleet's sites and devices again after a restart. */
export function fleetTag(fleet: string): string {
  return `fleet:${fleet}`;
}

interface Location {
  latitude: number;
  longitude: number;
  timezone: string;
}

/** Sites spread over European cities, so the fleet sees different sunrise times and zones. */
const locations: readonly [Location, ...Location[]] = [
  { latitude: 52.52, longitude: 13.405, timezone: 'Europe/Berlin' },
  { latitude: 48.137, longitude: 11.575, timezone: 'Europe/Berlin' },
  { latitude: 48.208, longitude: 16.373, timezone: 'Europe/Vienna' },
  { latitude: 52.37, longitude: 4.895, timezone: 'Europe/Amsterdam' },
  { latitude: 47.377, longitude: 8.541, timezone: 'Europe/Zurich' },
  { latitude: 40.417, longitude: -3.704, timezone: 'Europe/Madrid' },
  { latitude: 38.722, longitude: -9.139, timezone: 'Europe/Lisbon' },
  { latitude: 55.676, longitude: 12.568, timezone: 'Europe/Copenhagen' },
];

function jitteredLocation(index: number, random: RandomSource): Location {
  const city = locations[index % locations.length] ?? locations[0];
  return {
    latitude: roundTo(city.latitude + uniformBetween(random, -0.2, 0.2), 4),
    longitude: roundTo(city.longitude + uniformBetween(random, -0.2, 0.2), 4),
    timezone: city.timezone,
  };
}

/** A location for a site known only by its id (a devices file without coordinates). */
export function locateSite(siteId: string): Location {
  const seed = hashString(siteId);
  return jitteredLocation(seed % locations.length, createSeededRandom(seed));
}

/*
 * The device mix of a site with n devices: a grid meter first (the balance needs it), then PV,
 * a battery, an EV charger, a heat pump and a metered commercial load; beyond six, more EV
 * chargers, PV inverters, heat pumps and loads, as on a small business park.
 */
const BASE_MIX: readonly DeviceKind[] = [
  'grid_meter',
  'pv_inverter',
  'battery',
  'ev_charger',
  'heat_pump',
  'load',
];
const EXTRA_MIX: readonly DeviceKind[] = [
  'ev_charger',
  'pv_inverter',
  'ev_charger',
  'heat_pump',
  'load',
];

export function deviceMix(devicesPerSite: number): DeviceKind[] {
  return Array.from({ length: devicesPerSite }, (_, index) =>
    index < BASE_MIX.length
      ? BASE_MIX[index]!
      : EXTRA_MIX[(index - BASE_MIX.length) % EXTRA_MIX.length]!,
  );
}

export interface PlannedDevice {
  type: DeviceKind;
  /** Unique within the fleet; how a restart recognises the device. */
  name: string;
  ratedPowerKw: number | null;
  capacityKwh: number | null;
  config: Record<string, unknown>;
}

export interface PlannedSite extends Location {
  /** Unique within the fleet; how a restart recognises the site. */
  name: string;
  capacityKw: number;
  devices: PlannedDevice[];
}

export interface FleetPlanOptions {
  fleet: string;
  siteCount: number;
  devicesPerSite: number;
}

export function plannedSiteName(fleet: string, siteIndex: number): string {
  return `sim-${fleet}-site-${String(siteIndex + 1).padStart(5, '0')}`;
}

const SHORT_NAMES: Record<DeviceKind, string> = {
  grid_meter: 'meter',
  pv_inverter: 'pv',
  battery: 'battery',
  ev_charger: 'ev',
  heat_pump: 'heatpump',
  load: 'load',
};

/** Wallboxes as sold: 3 × 16 A (11 kW) mostly, some 1 × 32 A (7.4 kW) and 3 × 32 A (22 kW). */
const WALLBOXES = [
  { phases: 3, maxCurrentA: 16 },
  { phases: 3, maxCurrentA: 16 },
  { phases: 3, maxCurrentA: 16 },
  { phases: 1, maxCurrentA: 32 },
  { phases: 3, maxCurrentA: 32 },
] as const;

function planDevice(
  type: DeviceKind,
  name: string,
  commercial: boolean,
  random: RandomSource,
): PlannedDevice {
  const scale = (home: [number, number], business: [number, number]) => {
    const [low, high] = commercial ? business : home;
    return uniformBetween(random, low, high);
  };
  switch (type) {
    case 'grid_meter':
      return { type, name, ratedPowerKw: null, capacityKwh: null, config: { phases: 3 } };
    case 'pv_inverter': {
      const kwp = roundTo(scale([4, 12], [20, 80]), 1);
      return { type, name, ratedPowerKw: kwp, capacityKwh: null, config: { peakPowerKwp: kwp } };
    }
    case 'battery': {
      const capacityKwh = roundTo(scale([5, 15], [20, 80]), 1);
      const powerKw = roundTo(capacityKwh * 0.5, 1);
      return {
        type,
        name,
        ratedPowerKw: powerKw,
        capacityKwh,
        config: {
          minSocPct: 0,
          maxSocPct: 100,
          maxChargeKw: powerKw,
          maxDischargeKw: powerKw,
          roundTripEfficiencyPct: 90,
        },
      };
    }
    case 'ev_charger': {
      const box = commercial
        ? { phases: 3 as const, maxCurrentA: 32 }
        : (WALLBOXES[Math.floor(random() * WALLBOXES.length)] ?? WALLBOXES[0]);
      return {
        type,
        name,
        ratedPowerKw: roundTo((box.phases * 230 * box.maxCurrentA) / 1_000, 2),
        capacityKwh: null,
        config: { phases: box.phases, maxCurrentA: box.maxCurrentA },
      };
    }
    case 'heat_pump': {
      const thermalPowerKw = roundTo(scale([6, 12], [20, 45]), 1);
      return {
        type,
        name,
        // The electrical maximum: full heat at a cold-day COP of 2.5.
        ratedPowerKw: roundTo(thermalPowerKw / 2.5, 1),
        capacityKwh: null,
        config: { thermalPowerKw, cop: 4 },
      };
    }
    case 'load':
      return {
        type,
        name,
        ratedPowerKw: roundTo(uniformBetween(random, 15, 60), 1),
        capacityKwh: null,
        config: { category: 'commercial' },
      };
  }
}

/** Site `siteIndex` of a fleet: the same for the same fleet name and index, every time. */
export function planSite(fleet: string, siteIndex: number, devicesPerSite: number): PlannedSite {
  const random = createSeededRandom(deriveSeed(hashString(fleet), siteIndex));
  const name = plannedSiteName(fleet, siteIndex);
  const mix = deviceMix(devicesPerSite);
  const commercial = mix.includes('load');
  const location = jitteredLocation(siteIndex, random);
  const counts = new Map<DeviceKind, number>();
  const devices = mix.map((type) => {
    const number = (counts.get(type) ?? 0) + 1;
    counts.set(type, number);
    // Each device draws from its own stream, so adding devices never changes the existing ones.
    const deviceRandom = createSeededRandom(deriveSeed(hashString(`${name}/${type}`), number));
    return planDevice(type, `${name}-${SHORT_NAMES[type]}-${number}`, commercial, deviceRandom);
  });
  const capacityKw = devices
    .filter((device) => device.type === 'pv_inverter')
    .reduce((sum, device) => sum + (device.ratedPowerKw ?? 0), 0);
  return { name, ...location, capacityKw: roundTo(capacityKw, 1), devices };
}

export function planFleet({ fleet, siteCount, devicesPerSite }: FleetPlanOptions): PlannedSite[] {
  return Array.from({ length: siteCount }, (_, siteIndex) =>
    planSite(fleet, siteIndex, devicesPerSite),
  );
}

/** A fleet state with made-up ids and secrets: for tests and runs without a server. */
export function syntheticFleetState(fleet: string, plan: readonly PlannedSite[]): FleetState {
  const sites: StoredSite[] = plan.map((site) => ({
    id: site.name,
    name: site.name,
    latitude: site.latitude,
    longitude: site.longitude,
    timezone: site.timezone,
  }));
  const devices: StoredDevice[] = plan.flatMap((site) =>
    site.devices.map((device) => ({
      id: device.name,
      siteId: site.name,
      type: device.type,
      name: device.name,
      secret: 'not-a-secret',
      ratedPowerKw: device.ratedPowerKw,
      capacityKwh: device.capacityKwh,
      config: device.config,
    })),
  );
  return { version: FLEET_STATE_VERSION, fleet, sites, devices };
}

function numberIn(config: Record<string, unknown>, key: string): number | undefined {
  const value = config[key];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function deviceSpecOf(
  device: StoredDevice & { type: DeviceKind },
  commercial: boolean,
): DeviceSpec {
  const random = createSeededRandom(hashString(device.id));
  const rated = device.ratedPowerKw && device.ratedPowerKw > 0 ? device.ratedPowerKw : undefined;
  const { config } = device;
  switch (device.type) {
    case 'grid_meter':
      return { kind: 'grid_meter', deviceId: device.id };
    case 'pv_inverter':
      return {
        kind: 'pv_inverter',
        deviceId: device.id,
        pvArray: {
          ratedKwp: numberIn(config, 'peakPowerKwp') ?? rated ?? 8,
          performanceRatio: uniformBetween(random, 0.75, 0.85),
        },
      };
    case 'battery': {
      const capacityKwh = device.capacityKwh && device.capacityKwh > 0 ? device.capacityKwh : 10;
      const roundTrip = (numberIn(config, 'roundTripEfficiencyPct') ?? 90) / 100;
      const oneWay = Math.sqrt(Math.min(1, roundTrip));
      return {
        kind: 'battery',
        deviceId: device.id,
        battery: {
          capacityKwh,
          maxChargeKw: numberIn(config, 'maxChargeKw') ?? rated ?? capacityKwh / 2,
          maxDischargeKw: numberIn(config, 'maxDischargeKw') ?? rated ?? capacityKwh / 2,
          chargeEfficiency: oneWay,
          dischargeEfficiency: oneWay,
        },
        initialSocPct: uniformBetween(random, 20, 80),
      };
    }
    case 'ev_charger': {
      const phases = config.phases === 1 ? 1 : 3;
      const current = numberIn(config, 'maxCurrentA');
      return {
        kind: 'ev_charger',
        deviceId: device.id,
        charger: {
          ...homeWallbox,
          maxPowerKw: rated ?? (current ? (phases * 230 * current) / 1_000 : 11),
          phases,
          sessionsPerDay: commercial
            ? uniformBetween(random, 0.9, 1.4)
            : uniformBetween(random, 0.5, 0.95),
          arrivalHour: uniformBetween(random, 17, 19.5),
        },
      };
    }
    case 'heat_pump': {
      const thermalPowerKw = numberIn(config, 'thermalPowerKw') ?? (rated ? rated * 2.5 : 8);
      return {
        kind: 'heat_pump',
        deviceId: device.id,
        heatPump: {
          ...typicalHeatPump,
          thermalPowerKw,
          // Sized so the capacity covers a −12 °C day with some margin.
          heatLossKwPerK:
            (thermalPowerKw * uniformBetween(random, 0.6, 0.9)) /
            (typicalHeatPump.heatingLimitC + 12),
          hotWaterKwhPerDay: thermalPowerKw * uniformBetween(random, 0.5, 0.9),
        },
      };
    }
    case 'load': {
      const peakLoadKw = rated ?? 25;
      return {
        kind: 'load',
        deviceId: device.id,
        profile: {
          ...typicalOffice,
          peakLoadKw,
          baseLoadKw: peakLoadKw * uniformBetween(random, 0.2, 0.35),
          openHour: uniformBetween(random, 7.5, 8.5),
          closeHour: uniformBetween(random, 17, 19),
        },
      };
    }
  }
}

/** The simulated site of a provisioned site and its devices (of the types the simulator knows). */
export function buildSiteSpec(site: StoredSite, devices: readonly StoredDevice[]): SiteSpec {
  const random = createSeededRandom(hashString(site.id));
  const simulated = devices.filter((device): device is StoredDevice & { type: DeviceKind } =>
    isSimulatedKind(device.type),
  );
  const commercial = simulated.some((device) => device.type === 'load');
  // The household is drawn even for commercial sites, so every site uses its stream alike.
  const household = {
    ...typicalHousehold,
    baseLoadKw: uniformBetween(random, 0.2, 0.45),
    morningPeakKw: uniformBetween(random, 0.8, 1.6),
    eveningPeakKw: uniformBetween(random, 1.5, 3),
  };
  return {
    siteId: site.id,
    timeZone: site.timezone,
    latitudeDeg: site.latitude,
    longitudeDeg: site.longitude,
    household: commercial ? null : household,
    clouds: { ...temperateClouds, meanCloudiness: uniformBetween(random, 0.15, 0.55) },
    climate: climateAt(site.latitude),
    devices: simulated.map((device) => deviceSpecOf(device, commercial)),
  };
}

export interface SimulatedFleet {
  sites: SimulatedSite[];
  /** Devices left out: a type without physics, or a site the state does not know. */
  skipped: StoredDevice[];
}

/**
 * The simulated sites of a fleet state. `seed` drives the noise (clouds, habits, arrivals);
 * `siteIds` limits the run to some of the state's sites.
 */
export function createSimulatedSites(
  state: FleetState,
  seed: number,
  siteIds?: ReadonlySet<string>,
): SimulatedFleet {
  const devicesBySite = new Map<string, StoredDevice[]>();
  for (const device of state.devices) {
    const list = devicesBySite.get(device.siteId) ?? [];
    list.push(device);
    devicesBySite.set(device.siteId, list);
  }
  const knownSites = new Set(state.sites.map((site) => site.id));
  const skipped = state.devices.filter(
    (device) => !isSimulatedKind(device.type) || !knownSites.has(device.siteId),
  );
  const sites = state.sites
    .filter((site) => !siteIds || siteIds.has(site.id))
    .map((site) => ({ site, devices: devicesBySite.get(site.id) ?? [] }))
    .filter(({ devices }) => devices.some((device) => isSimulatedKind(device.type)))
    .map(
      ({ site, devices }) =>
        new SimulatedSite(
          buildSiteSpec(site, devices),
          createSeededRandom(deriveSeed(seed, hashString(site.id))),
        ),
    );
  return { sites, skipped };
}

/** A fleet that needs no server: planned sites with made-up ids (tests, offline experiments). */
export function createFleet(siteCount: number, seed: number, devicesPerSite = 3): SimulatedSite[] {
  const fleet = 'local';
  const state = syntheticFleetState(fleet, planFleet({ fleet, siteCount, devicesPerSite }));
  return createSimulatedSites(state, seed).sites;
}
