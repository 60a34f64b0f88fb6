import type { TelemetryMessage } from '@ecogrid/contracts';
import { type BatterySpec, assertValidBatterySpec, stepBattery } from './physics/battery.js';
import { type HouseholdProfile, householdLoadKw, localHourOf } from './physics/load.js';
import { type PvArraySpec, pvOutputKw } from './physics/pv.js';
import { type RandomSource, standardNormal } from './physics/random.js';
import { solarElevationDeg } from './physics/solar-position.js';
import { type CloudModel, nextCloudiness } from './physics/weather.js';
import { roundTo } from './rounding.js';

export type DeviceKind = 'pv_inverter' | 'battery' | 'grid_meter';

export interface SiteDevice {
  siteId: string;
  deviceId: string;
  kind: DeviceKind;
}

export interface SiteSpec {
  siteId: string;
  /** IANA zone: the household lives by local time, DST included. */
  timeZone: string;
  latitudeDeg: number;
  /** East-positive. */
  longitudeDeg: number;
  pvArray: PvArraySpec;
  battery: BatterySpec;
  household: HouseholdProfile;
  clouds: CloudModel;
  initialSocPct: number;
  deviceIds: Record<DeviceKind, string>;
}

/** One instant of the site's power balance, signs as in OpenEMS. */
export interface SitePowerFlows {
  /** Household consumption, ≥ 0. */
  loadKw: number;
  /** PV production, ≥ 0. */
  productionKw: number;
  /** > 0 discharge, < 0 charge. */
  batteryKw: number;
  /** > 0 import, < 0 export. */
  gridKw: number;
}

export interface DeviceTelemetry extends SiteDevice {
  message: TelemetryMessage;
}

export interface SiteStep {
  flows: SitePowerFlows;
  socPct: number;
  cloudiness: number;
  telemetry: DeviceTelemetry[];
}

const NOMINAL_VOLTAGE_V = 230;
const NOMINAL_FREQUENCY_HZ = 50;

/**
 * A home with one PV inverter, one battery and one grid meter. The battery runs the usual
 * self-consumption strategy (cover the deficit, store the surplus); the grid takes the rest, so
 * consumption = production + grid + battery holds at every step.
 *
 * Counters start at zero each time the simulator starts, as after a meter replacement; keeping
 * them across restarts needs persisted state and comes with the fleet simulator.
 */
export class SimulatedSite {
  private socPct: number;
  private cloudiness: number;
  private producedKwh = 0;
  private importedKwh = 0;
  private exportedKwh = 0;
  private chargedKwh = 0;
  private dischargedKwh = 0;

  constructor(
    readonly spec: SiteSpec,
    private readonly random: RandomSource,
  ) {
    assertValidBatterySpec(spec.battery);
    this.socPct = spec.initialSocPct;
    this.cloudiness = spec.clouds.meanCloudiness;
  }

  get devices(): SiteDevice[] {
    const { siteId, deviceIds } = this.spec;
    return (Object.keys(deviceIds) as DeviceKind[]).map((kind) => ({
      siteId,
      deviceId: deviceIds[kind],
      kind,
    }));
  }

  /** Advances the site by `dtSeconds` ending at `at` and reports what each device measured. */
  step(at: Date, dtSeconds: number): SiteStep {
    const { spec } = this;
    this.cloudiness = nextCloudiness(spec.clouds, this.cloudiness, dtSeconds, this.random);

    const elevationDeg = solarElevationDeg(spec.latitudeDeg, spec.longitudeDeg, at);
    const productionKw = pvOutputKw(spec.pvArray, elevationDeg, this.cloudiness);
    const loadKw = householdLoadKw(localHourOf(at, spec.timeZone), spec.household, this.random);

    const battery = stepBattery(spec.battery, this.socPct, loadKw - productionKw, dtSeconds);
    this.socPct = battery.socPct;
    const batteryKw = battery.powerKw;
    const gridKw = loadKw - productionKw - batteryKw;

    const hours = dtSeconds / 3_600;
    this.producedKwh += productionKw * hours;
    this.importedKwh += Math.max(0, gridKw) * hours;
    this.exportedKwh += Math.max(0, -gridKw) * hours;
    this.dischargedKwh += Math.max(0, batteryKw) * hours;
    this.chargedKwh += Math.max(0, -batteryKw) * hours;

    // Values are rounded to what a real meter resolves (1 W, 1 Wh); this also keeps payloads short.
    const ts = at.toISOString();
    const telemetryOf = (kind: DeviceKind, metrics: Record<string, number>): DeviceTelemetry => ({
      siteId: spec.siteId,
      deviceId: spec.deviceIds[kind],
      kind,
      message: { ts, metrics },
    });

    return {
      flows: { loadKw, productionKw, batteryKw, gridKw },
      socPct: this.socPct,
      cloudiness: this.cloudiness,
      telemetry: [
        telemetryOf('pv_inverter', {
          power_kw: roundTo(productionKw, 3),
          energy_kwh: roundTo(this.producedKwh, 3),
        }),
        telemetryOf('battery', {
          power_kw: roundTo(batteryKw, 3),
          soc_pct: roundTo(this.socPct, 2),
          charge_kwh: roundTo(this.chargedKwh, 3),
          discharge_kwh: roundTo(this.dischargedKwh, 3),
        }),
        telemetryOf('grid_meter', {
          power_kw: roundTo(gridKw, 3),
          import_kwh: roundTo(this.importedKwh, 3),
          export_kwh: roundTo(this.exportedKwh, 3),
          voltage_v: roundTo(NOMINAL_VOLTAGE_V + 1.5 * standardNormal(this.random), 1),
          frequency_hz: roundTo(NOMINAL_FREQUENCY_HZ + 0.015 * standardNormal(this.random), 3),
        }),
      ],
    };
  }
}
