import {
  createSeededRandom,
  deriveSeed,
  type RandomSource,
  uniformBetween,
} from './physics/random.js';
import { typicalHousehold } from './physics/load.js';
import { temperateClouds } from './physics/weather.js';
import { roundTo } from './rounding.js';
import { SimulatedSite, type SiteSpec } from './site.js';

interface Location {
  latitudeDeg: number;
  longitudeDeg: number;
  timeZone: string;
}

const berlin: Location = { latitudeDeg: 52.52, longitudeDeg: 13.405, timeZone: 'Europe/Berlin' };

/** Sites spread over European cities, so the fleet sees different sunrise times and zones. */
const locations: readonly Location[] = [
  berlin,
  { latitudeDeg: 48.137, longitudeDeg: 11.575, timeZone: 'Europe/Berlin' },
  { latitudeDeg: 48.208, longitudeDeg: 16.373, timeZone: 'Europe/Vienna' },
  { latitudeDeg: 52.37, longitudeDeg: 4.895, timeZone: 'Europe/Amsterdam' },
  { latitudeDeg: 47.377, longitudeDeg: 8.541, timeZone: 'Europe/Zurich' },
  { latitudeDeg: 40.417, longitudeDeg: -3.704, timeZone: 'Europe/Madrid' },
  { latitudeDeg: 38.722, longitudeDeg: -9.139, timeZone: 'Europe/Lisbon' },
  { latitudeDeg: 55.676, longitudeDeg: 12.568, timeZone: 'Europe/Copenhagen' },
];

/**
 * Ids are generated from the site's position in the fleet so that a restart publishes under the
 * same ids again. Registered devices with their own credentials replace them in a later issue;
 * until then two simulators with the same SITES would collide.
 */
export function simulatedSiteId(siteIndex: number): string {
  return `sim-site-${String(siteIndex + 1).padStart(4, '0')}`;
}

/** A plausible home: 4–12 kWp PV, a 5–15 kWh battery at about 0.5 C, located around Europe. */
export function makeSiteSpec(siteIndex: number, random: RandomSource): SiteSpec {
  const siteId = simulatedSiteId(siteIndex);
  const location = locations[siteIndex % locations.length] ?? berlin;
  const capacityKwh = roundTo(uniformBetween(random, 5, 15), 1);
  const batteryPowerKw = roundTo(capacityKwh * 0.5, 1);

  return {
    siteId,
    timeZone: location.timeZone,
    latitudeDeg: location.latitudeDeg + uniformBetween(random, -0.2, 0.2),
    longitudeDeg: location.longitudeDeg + uniformBetween(random, -0.2, 0.2),
    pvArray: {
      ratedKwp: roundTo(uniformBetween(random, 4, 12), 1),
      performanceRatio: uniformBetween(random, 0.75, 0.85),
    },
    battery: {
      capacityKwh,
      maxChargeKw: batteryPowerKw,
      maxDischargeKw: batteryPowerKw,
      chargeEfficiency: 0.95,
      dischargeEfficiency: 0.95,
    },
    household: {
      ...typicalHousehold,
      baseLoadKw: uniformBetween(random, 0.2, 0.45),
      morningPeakKw: uniformBetween(random, 0.8, 1.6),
      eveningPeakKw: uniformBetween(random, 1.5, 3),
    },
    clouds: { ...temperateClouds, meanCloudiness: uniformBetween(random, 0.15, 0.55) },
    initialSocPct: uniformBetween(random, 20, 80),
    deviceIds: {
      pv_inverter: `${siteId}-pv`,
      battery: `${siteId}-battery`,
      grid_meter: `${siteId}-meter`,
    },
  };
}

/** Each site draws from its own stream, so adding sites never changes the existing ones. */
export function createFleet(siteCount: number, seed: number): SimulatedSite[] {
  return Array.from({ length: siteCount }, (_, siteIndex) => {
    const random = createSeededRandom(deriveSeed(seed, siteIndex));
    return new SimulatedSite(makeSiteSpec(siteIndex, random), random);
  });
}
