import type { TelemetryMessage } from '@ecogrid/contracts';
import {
  type BatteryControl,
  batteryTargetKw,
  chargerLimitKw,
  chargerMaxCurrentA,
  type ControlDecision,
  decideBattery,
  decideEvCharger,
  decidePv,
  decideSwitch,
  defaultBatteryControl,
  defaultEvControl,
  defaultPvControl,
  defaultSwitchControl,
  type DeviceControl,
  type DeviceControlSnapshot,
  type EvControl,
  type PvControl,
  type SwitchControl,
} from './commands/device-control.js';
import { type BatterySpec, assertValidBatterySpec, stepBattery } from './physics/battery.js';
import { type CommercialLoadProfile, commercialLoadKw } from './physics/commercial-load.js';
import {
  type EvChargerSpec,
  type EvSession,
  phaseCurrentA,
  stepEvCharger,
} from './physics/ev-charger.js';
import { type HeatPumpSpec, operateHeatPump } from './physics/heat-pump.js';
import { type HouseholdProfile, householdLoadKw, localTimeOf } from './physics/load.js';
import { type PvArraySpec, pvOutputKw } from './physics/pv.js';
import { type RandomSource, standardNormal } from './physics/random.js';
import { solarElevationDeg } from './physics/solar-position.js';
import {
  type Climate,
  climateTemperatureC,
  nextTemperatureAnomalyC,
  typicalAnomaly,
} from './physics/temperature.js';
import { type CloudModel, nextCloudiness } from './physics/weather.js';
import { roundTo } from './rounding.js';

/** The device types the simulator has physics for (a subset of the platform's device types). */
export const SIMULATED_DEVICE_KINDS = [
  'grid_meter',
  'pv_inverter',
  'battery',
  'ev_charger',
  'heat_pump',
  'load',
] as const;
export type DeviceKind = (typeof SIMULATED_DEVICE_KINDS)[number];

export function isSimulatedKind(type: string): type is DeviceKind {
  return (SIMULATED_DEVICE_KINDS as readonly string[]).includes(type);
}

export interface SiteDevice {
  siteId: string;
  deviceId: string;
  kind: DeviceKind;
}

export type DeviceSpec =
  | { kind: 'pv_inverter'; deviceId: string; pvArray: PvArraySpec }
  | { kind: 'battery'; deviceId: string; battery: BatterySpec; initialSocPct: number }
  | { kind: 'grid_meter'; deviceId: string }
  | { kind: 'ev_charger'; deviceId: string; charger: EvChargerSpec }
  | { kind: 'heat_pump'; deviceId: string; heatPump: HeatPumpSpec }
  | { kind: 'load'; deviceId: string; profile: CommercialLoadProfile };

export interface SiteSpec {
  siteId: string;
  /** IANA zone: people live and work by local time, DST included. */
  timeZone: string;
  latitudeDeg: number;
  /** East-positive. */
  longitudeDeg: number;
  /**
   * Consumption behind the grid meter that no device of the site measures (a household's
   * appliances), or null when a `load` device meters the building.
   */
  household: HouseholdProfile | null;
  clouds: CloudModel;
  climate: Climate;
  devices: DeviceSpec[];
}

/** One instant of the site's power balance, signs as in OpenEMS. */
export interface SitePowerFlows {
  /** All loads together, ≥ 0: household + EV chargers + heat pumps + commercial loads. */
  consumptionKw: number;
  /** PV production, ≥ 0. */
  productionKw: number;
  /** > 0 discharge, < 0 charge. */
  batteryKw: number;
  /** > 0 import, < 0 export. */
  gridKw: number;
  /** The parts of the consumption. */
  householdKw: number;
  evKw: number;
  heatPumpKw: number;
  commercialKw: number;
}

export interface DeviceTelemetry extends SiteDevice {
  message: TelemetryMessage;
}

/** How a queued command ended, decided on the step that carried it out. */
export interface CommandOutcome {
  deviceId: string;
  commandId: string;
  status: 'completed' | 'failed';
  /** For the operator: what the device now does, or why it could not. */
  message: string;
}

export interface SiteStep {
  flows: SitePowerFlows;
  cloudiness: number;
  outdoorTemperatureC: number;
  /** One reading per device, except devices that are rebooting. */
  telemetry: DeviceTelemetry[];
  /** The commands this step carried out, in the order they were queued. */
  commands: CommandOutcome[];
}

/** What a device must remember across restarts so its counters keep growing: metric → value. */
export type DeviceSnapshot = Record<string, number>;

const NOMINAL_VOLTAGE_V = 230;
const NOMINAL_FREQUENCY_HZ = 50;

interface PvState {
  spec: Extract<DeviceSpec, { kind: 'pv_inverter' }>;
  energyKwh: number;
  control: PvControl;
}
interface BatteryState {
  spec: Extract<DeviceSpec, { kind: 'battery' }>;
  control: BatteryControl;
  socPct: number;
  chargedKwh: number;
  dischargedKwh: number;
}
interface MeterState {
  spec: Extract<DeviceSpec, { kind: 'grid_meter' }>;
  importedKwh: number;
  exportedKwh: number;
}
interface EvState {
  spec: Extract<DeviceSpec, { kind: 'ev_charger' }>;
  session: EvSession | null;
  energyKwh: number;
  control: EvControl;
}
interface HeatPumpState {
  spec: Extract<DeviceSpec, { kind: 'heat_pump' }>;
  energyKwh: number;
  control: SwitchControl;
}
interface LoadState {
  spec: Extract<DeviceSpec, { kind: 'load' }>;
  energyKwh: number;
  control: SwitchControl;
}

interface QueuedCommand {
  deviceId: string;
  commandId: string;
  control: DeviceControl;
}

/** A command checked against its device at the start of a step, waiting for the step's result. */
interface DecidedCommand {
  deviceId: string;
  commandId: string;
  decision: ControlDecision<unknown>;
}

/** Finite and not negative: what a counter or a state of charge read back may be. */
function restorable(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value >= 0;
}

/**
 * A site: PV inverters, batteries, at most one grid meter, EV chargers, heat pumps and commercial
 * loads, plus the household consumption no device measures. Batteries in `auto` mode run the
 * usual self-consumption strategy (cover the deficit, store the surplus, in device order) after
 * the batteries that follow a setpoint or a forced mode; the grid takes the rest, so
 * consumption = production + grid + battery holds at every step.
 *
 * Commands queued for a device are carried out at the start of the next step, and the step
 * reports each one's outcome. A rebooting device publishes no reading; meanwhile PV inverters,
 * batteries, EV chargers and heat pumps deliver and draw nothing, while the grid meter keeps
 * counting and a metered load keeps drawing (the building does not switch off with its meter).
 *
 * Energy counters only grow. They start at zero unless restored from a snapshot of an earlier
 * run, so a restart looks to the platform like a device that kept counting.
 */
export class SimulatedSite {
  private cloudiness: number;
  private temperatureAnomalyC = 0;
  private readonly pvs: PvState[] = [];
  private readonly batteries: BatteryState[] = [];
  private readonly meters: MeterState[] = [];
  private readonly chargers: EvState[] = [];
  private readonly heatPumps: HeatPumpState[] = [];
  private readonly loads: LoadState[] = [];
  private readonly queued: QueuedCommand[] = [];
  private readonly rebooting = new Set<string>();

  constructor(
    readonly spec: SiteSpec,
    private readonly random: RandomSource,
  ) {
    const ids = new Set<string>();
    for (const device of spec.devices) {
      if (ids.has(device.deviceId)) {
        throw new RangeError(`site ${spec.siteId}: device id ${device.deviceId} appears twice`);
      }
      ids.add(device.deviceId);
      switch (device.kind) {
        case 'pv_inverter':
          this.pvs.push({ spec: device, energyKwh: 0, control: defaultPvControl() });
          break;
        case 'battery':
          assertValidBatterySpec(device.battery);
          this.batteries.push({
            spec: device,
            control: defaultBatteryControl(),
            socPct: Math.min(100, Math.max(0, device.initialSocPct)),
            chargedKwh: 0,
            dischargedKwh: 0,
          });
          break;
        case 'grid_meter':
          this.meters.push({ spec: device, importedKwh: 0, exportedKwh: 0 });
          break;
        case 'ev_charger':
          this.chargers.push({
            spec: device,
            session: null,
            energyKwh: 0,
            control: defaultEvControl(),
          });
          break;
        case 'heat_pump':
          this.heatPumps.push({ spec: device, energyKwh: 0, control: defaultSwitchControl() });
          break;
        case 'load':
          this.loads.push({ spec: device, energyKwh: 0, control: defaultSwitchControl() });
          break;
      }
    }
    if (this.meters.length > 1) {
      throw new RangeError(
        `site ${spec.siteId}: at most one grid meter, got ${this.meters.length}`,
      );
    }
    this.cloudiness = spec.clouds.meanCloudiness;
  }

  get devices(): SiteDevice[] {
    const { siteId } = this.spec;
    return this.spec.devices.map(({ deviceId, kind }) => ({ siteId, deviceId, kind }));
  }

  /** Queues a command for the next step, which carries it out and reports its outcome. */
  queueCommand(deviceId: string, commandId: string, control: DeviceControl): void {
    if (!this.spec.devices.some((device) => device.deviceId === deviceId)) {
      throw new RangeError(`site ${this.spec.siteId} has no device ${deviceId}`);
    }
    this.queued.push({ deviceId, commandId, control });
  }

  /** Commands waiting for the next step. */
  get pendingCommands(): number {
    return this.queued.length;
  }

  /** A rebooting device is off and silent until this is called again with false. */
  setRebooting(deviceId: string, rebooting: boolean): void {
    if (!this.spec.devices.some((device) => device.deviceId === deviceId)) {
      throw new RangeError(`site ${this.spec.siteId} has no device ${deviceId}`);
    }
    if (rebooting) this.rebooting.add(deviceId);
    else this.rebooting.delete(deviceId);
  }

  isRebooting(deviceId: string): boolean {
    return this.rebooting.has(deviceId);
  }

  /** Checks a command against its device as it is now and, if it can be done, applies it. */
  private decide({ deviceId, control }: QueuedCommand): ControlDecision<unknown> {
    const battery = this.batteries.find((state) => state.spec.deviceId === deviceId);
    if (battery) {
      const decision = decideBattery(control, battery.spec.battery, battery.socPct);
      if (decision.ok) battery.control = decision.control;
      return decision;
    }
    const pv = this.pvs.find((state) => state.spec.deviceId === deviceId);
    if (pv) {
      const decision = decidePv(control, pv.spec.pvArray);
      if (decision.ok) pv.control = decision.control;
      return decision;
    }
    const charger = this.chargers.find((state) => state.spec.deviceId === deviceId);
    if (charger) {
      const decision = decideEvCharger(
        control,
        charger.control,
        charger.spec.charger,
        charger.session,
      );
      if (decision.ok) charger.control = decision.control;
      return decision;
    }
    const switchable =
      this.heatPumps.find((state) => state.spec.deviceId === deviceId) ??
      this.loads.find((state) => state.spec.deviceId === deviceId);
    if (switchable) {
      const decision = decideSwitch(switchable.spec.kind, control);
      if (decision.ok) switchable.control = decision.control;
      return decision;
    }
    return { ok: false, reason: `a grid_meter does not take ${control.type}` };
  }

  /** Advances the site by `dtSeconds` ending at `at` and reports what each device measured. */
  step(at: Date, dtSeconds: number): SiteStep {
    if (!(dtSeconds > 0) || !Number.isFinite(dtSeconds)) {
      throw new RangeError(`dtSeconds must be a positive finite number, got ${dtSeconds}`);
    }
    const { spec, random } = this;
    const hours = dtSeconds / 3_600;
    const atMs = at.getTime();

    // The environment: sky, air temperature, local time.
    this.cloudiness = nextCloudiness(spec.clouds, this.cloudiness, dtSeconds, random);
    this.temperatureAnomalyC = nextTemperatureAnomalyC(
      typicalAnomaly,
      this.temperatureAnomalyC,
      dtSeconds,
      random,
    );
    const outdoorC =
      climateTemperatureC(spec.climate, spec.longitudeDeg, at, this.cloudiness) +
      this.temperatureAnomalyC;
    const elevationDeg = solarElevationDeg(spec.latitudeDeg, spec.longitudeDeg, at);
    const local = localTimeOf(at, spec.timeZone);

    // Commands queued since the last step take effect before the physics run.
    const decided: DecidedCommand[] = this.queued.splice(0).map((command) => ({
      deviceId: command.deviceId,
      commandId: command.commandId,
      decision: this.decide(command),
    }));
    const { rebooting } = this;

    const telemetry = new Map<string, Record<string, number>>();

    let productionKw = 0;
    for (const pv of this.pvs) {
      const availableKw = rebooting.has(pv.spec.deviceId)
        ? 0
        : pvOutputKw(pv.spec.pvArray, elevationDeg, this.cloudiness);
      const powerKw = Math.min(availableKw, pv.control.limitKw ?? Number.POSITIVE_INFINITY);
      pv.energyKwh += powerKw * hours;
      productionKw += powerKw;
      telemetry.set(pv.spec.deviceId, {
        power_kw: roundTo(powerKw, 3),
        energy_kwh: roundTo(pv.energyKwh, 3),
      });
    }

    const householdKw = spec.household ? householdLoadKw(local.hour, spec.household, random) : 0;

    let evKw = 0;
    for (const charger of this.chargers) {
      const { charger: chargerSpec } = charger.spec;
      // Stopped, limited or rebooting: the car stays plugged in and takes what the box allows.
      const limitKw = rebooting.has(charger.spec.deviceId)
        ? 0
        : chargerLimitKw(chargerSpec, charger.control);
      const result = stepEvCharger(
        limitKw === chargerSpec.maxPowerKw ? chargerSpec : { ...chargerSpec, maxPowerKw: limitKw },
        charger.session,
        atMs,
        local.hour,
        dtSeconds,
        random,
      );
      charger.session = result.session;
      charger.energyKwh += result.powerKw * hours;
      evKw += result.powerKw;
      const metrics: Record<string, number> = {
        power_kw: roundTo(result.powerKw, 3),
        energy_kwh: roundTo(charger.energyKwh, 3),
        current_a: roundTo(phaseCurrentA(result.powerKw, chargerSpec.phases), 1),
      };
      if (result.session) metrics.vehicle_soc_pct = roundTo(result.session.socPct, 1);
      telemetry.set(charger.spec.deviceId, metrics);
    }

    let heatPumpKw = 0;
    for (const heatPump of this.heatPumps) {
      const { heatPump: heatPumpSpec, deviceId } = heatPump.spec;
      const running = operateHeatPump(heatPumpSpec, outdoorC, local.hour);
      // Switched off, only its controller draws; rebooting, nothing at all.
      const operation = rebooting.has(deviceId)
        ? { ...running, electricKw: 0, heatKw: 0 }
        : heatPump.control.on
          ? running
          : { ...running, electricKw: heatPumpSpec.standbyKw, heatKw: 0 };
      heatPump.energyKwh += operation.electricKw * hours;
      heatPumpKw += operation.electricKw;
      telemetry.set(heatPump.spec.deviceId, {
        power_kw: roundTo(operation.electricKw, 3),
        energy_kwh: roundTo(heatPump.energyKwh, 3),
        heat_output_kw: roundTo(operation.heatKw, 3),
        outdoor_temperature_c: roundTo(outdoorC, 1),
        flow_temperature_c: roundTo(operation.flowTemperatureC, 1),
      });
    }

    let commercialKw = 0;
    for (const load of this.loads) {
      // Drawn even when switched off, so the noise stream does not depend on the switch.
      const demandKw = commercialLoadKw(load.spec.profile, local.isoWeekday, local.hour, random);
      const powerKw = load.control.on ? demandKw : 0;
      load.energyKwh += powerKw * hours;
      commercialKw += powerKw;
      telemetry.set(load.spec.deviceId, {
        power_kw: roundTo(powerKw, 3),
        energy_kwh: roundTo(load.energyKwh, 3),
      });
    }

    const consumptionKw = householdKw + evKw + heatPumpKw + commercialKw;

    let batteryKw = 0;
    const runBattery = (battery: BatteryState, setpointKw: number) => {
      const result = stepBattery(battery.spec.battery, battery.socPct, setpointKw, dtSeconds);
      battery.socPct = result.socPct;
      battery.dischargedKwh += Math.max(0, result.powerKw) * hours;
      battery.chargedKwh += Math.max(0, -result.powerKw) * hours;
      batteryKw += result.powerKw;
      telemetry.set(battery.spec.deviceId, {
        power_kw: roundTo(result.powerKw, 3),
        soc_pct: roundTo(battery.socPct, 2),
        charge_kwh: roundTo(battery.chargedKwh, 3),
        discharge_kwh: roundTo(battery.dischargedKwh, 3),
      });
    };
    // Batteries told what to do go first (SOC and power limits still apply) ...
    const selfConsuming: BatteryState[] = [];
    for (const battery of this.batteries) {
      const targetKw = rebooting.has(battery.spec.deviceId)
        ? 0
        : batteryTargetKw(battery.control, battery.spec.battery);
      if (targetKw === undefined) selfConsuming.push(battery);
      else runBattery(battery, targetKw);
    }
    // ... then self-consumption: the others, in turn, cover the deficit or store the surplus.
    for (const battery of selfConsuming) {
      runBattery(battery, consumptionKw - productionKw - batteryKw);
    }

    const gridKw = consumptionKw - productionKw - batteryKw;
    for (const meter of this.meters) {
      meter.importedKwh += Math.max(0, gridKw) * hours;
      meter.exportedKwh += Math.max(0, -gridKw) * hours;
      // Values are rounded to what a real meter resolves (1 W, 1 Wh); this also keeps payloads short.
      telemetry.set(meter.spec.deviceId, {
        power_kw: roundTo(gridKw, 3),
        import_kwh: roundTo(meter.importedKwh, 3),
        export_kwh: roundTo(meter.exportedKwh, 3),
        voltage_v: roundTo(NOMINAL_VOLTAGE_V + 1.5 * standardNormal(random), 1),
        frequency_hz: roundTo(NOMINAL_FREQUENCY_HZ + 0.015 * standardNormal(random), 3),
      });
    }

    const ts = at.toISOString();
    return {
      flows: {
        consumptionKw,
        productionKw,
        batteryKw,
        gridKw,
        householdKw,
        evKw,
        heatPumpKw,
        commercialKw,
      },
      cloudiness: this.cloudiness,
      outdoorTemperatureC: outdoorC,
      // In the site's device order, whatever order the physics ran in.
      telemetry: this.spec.devices
        .filter(({ deviceId }) => !rebooting.has(deviceId))
        .map(({ deviceId, kind }) => ({
          siteId: spec.siteId,
          deviceId,
          kind,
          message: { ts, metrics: telemetry.get(deviceId) ?? {} },
        })),
      commands: decided.map(({ deviceId, commandId, decision }) => {
        if (!decision.ok)
          return { deviceId, commandId, status: 'failed', message: decision.reason };
        const powerKw = telemetry.get(deviceId)?.power_kw;
        const now = powerKw === undefined ? '' : `; power now ${powerKw} kW`;
        return { deviceId, commandId, status: 'completed', message: `${decision.note}${now}` };
      }),
    };
  }

  /** Counters and states of charge, by device id, to carry over to the next run. */
  snapshot(): Record<string, DeviceSnapshot> {
    const result: Record<string, DeviceSnapshot> = {};
    for (const pv of this.pvs) result[pv.spec.deviceId] = { energy_kwh: pv.energyKwh };
    for (const battery of this.batteries) {
      result[battery.spec.deviceId] = {
        soc_pct: battery.socPct,
        charge_kwh: battery.chargedKwh,
        discharge_kwh: battery.dischargedKwh,
      };
    }
    for (const meter of this.meters) {
      result[meter.spec.deviceId] = {
        import_kwh: meter.importedKwh,
        export_kwh: meter.exportedKwh,
      };
    }
    for (const device of [...this.chargers, ...this.heatPumps, ...this.loads]) {
      result[device.spec.deviceId] = { energy_kwh: device.energyKwh };
    }
    return result;
  }

  /** Continues from an earlier run's snapshot; unknown devices and implausible values are ignored. */
  restore(snapshot: Readonly<Record<string, DeviceSnapshot | undefined>>): void {
    const counter = (deviceId: string, metric: string, current: number): number => {
      const value = snapshot[deviceId]?.[metric];
      return restorable(value) ? Math.max(current, value) : current;
    };
    for (const pv of this.pvs) pv.energyKwh = counter(pv.spec.deviceId, 'energy_kwh', pv.energyKwh);
    for (const battery of this.batteries) {
      const { deviceId } = battery.spec;
      const socPct = snapshot[deviceId]?.soc_pct;
      if (restorable(socPct)) battery.socPct = Math.min(100, socPct);
      battery.chargedKwh = counter(deviceId, 'charge_kwh', battery.chargedKwh);
      battery.dischargedKwh = counter(deviceId, 'discharge_kwh', battery.dischargedKwh);
    }
    for (const meter of this.meters) {
      meter.importedKwh = counter(meter.spec.deviceId, 'import_kwh', meter.importedKwh);
      meter.exportedKwh = counter(meter.spec.deviceId, 'export_kwh', meter.exportedKwh);
    }
    for (const device of [...this.chargers, ...this.heatPumps, ...this.loads]) {
      device.energyKwh = counter(device.spec.deviceId, 'energy_kwh', device.energyKwh);
    }
  }

  /**
   * The control states commands left behind, by device id (devices as they left the factory are
   * left out), so a restart keeps doing what the operator asked.
   */
  controlSnapshot(): Record<string, DeviceControlSnapshot> {
    const result: Record<string, DeviceControlSnapshot> = {};
    for (const battery of this.batteries) {
      if (battery.control.mode !== 'auto') result[battery.spec.deviceId] = { ...battery.control };
    }
    for (const pv of this.pvs) {
      if (pv.control.limitKw !== null) result[pv.spec.deviceId] = { ...pv.control };
    }
    for (const charger of this.chargers) {
      if (!charger.control.charging || charger.control.currentLimitA !== null) {
        result[charger.spec.deviceId] = { ...charger.control };
      }
    }
    for (const device of [...this.heatPumps, ...this.loads]) {
      if (!device.control.on) result[device.spec.deviceId] = { ...device.control };
    }
    return result;
  }

  /** Takes back control states of an earlier run; fields that do not fit a device are ignored. */
  restoreControls(snapshot: Readonly<Record<string, DeviceControlSnapshot | undefined>>): void {
    for (const battery of this.batteries) {
      const saved = snapshot[battery.spec.deviceId];
      if (!saved?.mode) continue;
      const { maxChargeKw, maxDischargeKw } = battery.spec.battery;
      const setpointKw = Math.min(maxDischargeKw, Math.max(-maxChargeKw, saved.setpointKw ?? 0));
      battery.control = {
        mode: saved.mode,
        setpointKw: saved.mode === 'setpoint' ? setpointKw : 0,
      };
    }
    for (const pv of this.pvs) {
      const saved = snapshot[pv.spec.deviceId];
      if (saved?.limitKw !== undefined) pv.control = { limitKw: saved.limitKw };
    }
    for (const charger of this.chargers) {
      const saved = snapshot[charger.spec.deviceId];
      if (!saved) continue;
      const maxA = chargerMaxCurrentA(charger.spec.charger);
      charger.control = {
        charging: saved.charging ?? charger.control.charging,
        currentLimitA:
          saved.currentLimitA === undefined || saved.currentLimitA === null
            ? null
            : Math.min(maxA, saved.currentLimitA),
      };
    }
    for (const device of [...this.heatPumps, ...this.loads]) {
      const saved = snapshot[device.spec.deviceId];
      if (saved?.on !== undefined) device.control = { on: saved.on };
    }
  }
}
