import { describe, expect, it } from 'vitest';
import type { DeviceControl } from './commands/device-control.js';
import { buildSiteSpec, planSite, syntheticFleetState } from './fleet.js';
import { createSeededRandom } from './physics/random.js';
import { roundTo } from './rounding.js';
import {
  type DeviceKind,
  type DeviceSpec,
  SimulatedSite,
  type SiteSpec,
  type SiteStep,
} from './site.js';

/** A business site as the simulator plans one: meter, PV, battery, EV charger, heat pump, load. */
function makeSpec(adjust: (device: DeviceSpec) => DeviceSpec = (device) => device): SiteSpec {
  const state = syntheticFleetState('commands', [planSite('commands', 0, 6)]);
  const spec = buildSiteSpec(state.sites[0]!, state.devices);
  return { ...spec, devices: spec.devices.map(adjust) };
}

/** Two sites with the same spec and seed: one gets commands, the other shows what would have been. */
function makeTwins(adjust?: (device: DeviceSpec) => DeviceSpec): [SimulatedSite, SimulatedSite] {
  const spec = makeSpec(adjust);
  return [
    new SimulatedSite(spec, createSeededRandom(7)),
    new SimulatedSite(spec, createSeededRandom(7)),
  ];
}

function deviceOf<K extends DeviceKind>(site: SimulatedSite, kind: K) {
  const device = site.spec.devices.find((candidate) => candidate.kind === kind);
  if (!device) throw new Error(`no ${kind}`);
  return device as Extract<DeviceSpec, { kind: K }>;
}

function metrics(step: SiteStep, deviceId: string): Record<string, number> {
  const reading = step.telemetry.find((telemetry) => telemetry.deviceId === deviceId);
  if (!reading) throw new Error(`no reading of ${deviceId}`);
  return reading.message.metrics;
}

/** 10:00 UTC on midsummer day: the sun is high over the site (Berlin). */
const SUMMER_NOON_MS = Date.parse('2025-06-21T10:00:00Z');
const STEP_SECONDS = 60;

class Stepper {
  private atMs: number;
  constructor(
    private readonly sites: SimulatedSite[],
    startMs = SUMMER_NOON_MS,
  ) {
    this.atMs = startMs;
  }

  /** Steps every site once; returns their steps in order. */
  step(): SiteStep[] {
    this.atMs += STEP_SECONDS * 1_000;
    return this.sites.map((site) => site.step(new Date(this.atMs), STEP_SECONDS));
  }
}

function command(site: SimulatedSite, deviceId: string, control: DeviceControl, id = 'cmd-1') {
  site.queueCommand(deviceId, id, control);
}

describe('SimulatedSite under commands: battery', () => {
  it('follows a power setpoint from the next step, and the grid moves by the same amount', () => {
    const [site, twin] = makeTwins();
    const battery = deviceOf(site, 'battery');
    const meter = deviceOf(site, 'grid_meter');
    const stepper = new Stepper([site, twin]);
    stepper.step();

    command(site, battery.deviceId, { type: 'set_power_setpoint', powerKw: -2 });
    expect(site.pendingCommands).toBe(1);
    const [controlled, free] = stepper.step();

    expect(metrics(controlled!, battery.deviceId).power_kw).toBe(-2);
    expect(controlled!.flows.batteryKw).toBeCloseTo(-2, 9);
    // Same weather, same loads: only the battery differs, and the grid takes the difference.
    expect(controlled!.flows.gridKw + controlled!.flows.batteryKw).toBeCloseTo(
      free!.flows.gridKw + free!.flows.batteryKw,
      9,
    );
    expect(metrics(controlled!, meter.deviceId).power_kw).toBe(
      roundTo(controlled!.flows.gridKw, 3),
    );
    expect(controlled!.commands).toEqual([
      {
        deviceId: battery.deviceId,
        commandId: 'cmd-1',
        status: 'completed',
        message: 'following a setpoint of -2 kW; power now -2 kW',
      },
    ]);
    expect(site.pendingCommands).toBe(0);

    // It keeps following the setpoint until another mode is set.
    for (let index = 0; index < 3; index += 1) {
      const [next] = stepper.step();
      expect(metrics(next!, battery.deviceId).power_kw).toBe(-2);
      expect(next!.commands).toEqual([]);
    }
  });

  it('clamps a setpoint beyond its rating and says so', () => {
    const [site] = makeTwins();
    const battery = deviceOf(site, 'battery');
    const stepper = new Stepper([site]);

    command(site, battery.deviceId, { type: 'set_power_setpoint', powerKw: 1_000 });
    const [step] = stepper.step();

    const maxKw = battery.battery.maxDischargeKw;
    expect(metrics(step!, battery.deviceId).power_kw).toBe(roundTo(maxKw, 3));
    expect(step!.commands[0]).toMatchObject({ status: 'completed' });
    expect(step!.commands[0]!.message).toContain(`1000 kW asked`);
    expect(step!.commands[0]!.message).toContain(
      `maximum discharge power is ${roundTo(maxKw, 3)} kW`,
    );
  });

  it('runs idle, forced charge and forced discharge, and back to self-consumption on auto', () => {
    const [site] = makeTwins();
    const battery = deviceOf(site, 'battery');
    const { maxChargeKw, maxDischargeKw } = battery.battery;
    const stepper = new Stepper([site]);

    command(site, battery.deviceId, { type: 'set_mode', mode: 'idle' });
    let [step] = stepper.step();
    expect(metrics(step!, battery.deviceId).power_kw).toBe(0);

    command(site, battery.deviceId, { type: 'set_mode', mode: 'force_charge' });
    [step] = stepper.step();
    expect(step!.flows.batteryKw).toBeCloseTo(-maxChargeKw, 9);

    command(site, battery.deviceId, { type: 'set_mode', mode: 'force_discharge' });
    [step] = stepper.step();
    expect(step!.flows.batteryKw).toBeCloseTo(maxDischargeKw, 9);

    command(site, battery.deviceId, { type: 'set_mode', mode: 'auto' });
    [step] = stepper.step();
    const { consumptionKw, productionKw, batteryKw, gridKw } = step!.flows;
    const wanted = Math.min(maxDischargeKw, Math.max(-maxChargeKw, consumptionKw - productionKw));
    expect(batteryKw).toBeCloseTo(wanted, 9);
    expect(productionKw + gridKw + batteryKw).toBeCloseTo(consumptionKw, 9);
    expect(step!.commands[0]!.message).toContain('self-consumption mode (auto)');
  });

  it('fails a charge order while full and keeps its mode', () => {
    const [site] = makeTwins((device) =>
      device.kind === 'battery' ? { ...device, initialSocPct: 100 } : device,
    );
    const battery = deviceOf(site, 'battery');
    const stepper = new Stepper([site]);
    command(site, battery.deviceId, { type: 'set_mode', mode: 'idle' }, 'idle');
    stepper.step();

    command(site, battery.deviceId, { type: 'set_power_setpoint', powerKw: -3 }, 'charge');
    command(site, battery.deviceId, { type: 'set_mode', mode: 'force_charge' }, 'force');
    const [step] = stepper.step();

    expect(step!.commands.map(({ commandId, status }) => [commandId, status])).toEqual([
      ['charge', 'failed'],
      ['force', 'failed'],
    ]);
    expect(step!.commands[0]!.message).toBe(
      'the battery is full (100 % state of charge): it cannot charge',
    );
    // Still idle, as before the failed orders.
    expect(metrics(step!, battery.deviceId).power_kw).toBe(0);
    expect(site.controlSnapshot()[battery.deviceId]).toEqual({ mode: 'idle', setpointKw: 0 });
  });

  it('keeps its state of charge within limits while following a setpoint', () => {
    const [site] = makeTwins((device) =>
      device.kind === 'battery' ? { ...device, initialSocPct: 1 } : device,
    );
    const battery = deviceOf(site, 'battery');
    const stepper = new Stepper([site]);

    command(site, battery.deviceId, { type: 'set_power_setpoint', powerKw: 100 });
    const powers: number[] = [];
    for (let index = 0; index < 20; index += 1) {
      const [step] = stepper.step();
      powers.push(step!.flows.batteryKw);
      expect(metrics(step!, battery.deviceId).soc_pct).toBeGreaterThanOrEqual(0);
    }

    expect(powers[0]).toBeCloseTo(battery.battery.maxDischargeKw, 9);
    // Empty now: it delivers nothing, yet stays in setpoint mode.
    expect(powers.at(-1)).toBe(0);
    expect(site.controlSnapshot()[battery.deviceId]).toMatchObject({ mode: 'setpoint' });
  });
});

describe('SimulatedSite under commands: PV, EV charger, heat pump and load', () => {
  it('clips PV output to its limit, and the grid imports what the PV no longer makes', () => {
    const [site, twin] = makeTwins();
    const pv = deviceOf(site, 'pv_inverter');
    const battery = deviceOf(site, 'battery');
    const stepper = new Stepper([site, twin]);
    // Without the battery's reaction, the whole difference shows at the grid.
    command(site, battery.deviceId, { type: 'set_mode', mode: 'idle' }, 'idle-1');
    command(twin, battery.deviceId, { type: 'set_mode', mode: 'idle' }, 'idle-2');
    stepper.step();

    command(site, pv.deviceId, { type: 'set_power_limit', limitKw: 1 });
    const [limited, free] = stepper.step();

    expect(free!.flows.productionKw).toBeGreaterThan(1);
    expect(metrics(limited!, pv.deviceId).power_kw).toBe(1);
    expect(limited!.flows.gridKw - free!.flows.gridKw).toBeCloseTo(free!.flows.productionKw - 1, 9);
    expect(limited!.commands[0]!.message).toBe('output limited to 1 kW; power now 1 kW');

    command(site, pv.deviceId, { type: 'set_power_limit', limitKw: 10_000 }, 'cmd-2');
    const [lifted, unlimited] = stepper.step();
    expect(lifted!.flows.productionKw).toBeCloseTo(unlimited!.flows.productionKw, 9);
    expect(lifted!.commands[0]!.message).toContain('output is not curtailed');
  });

  it('charges a car at current × voltage × phases, stops and starts on command', () => {
    // Cars arrive at once and stay: the commands act on a car that is there.
    const [site] = makeTwins((device) =>
      device.kind === 'ev_charger'
        ? { ...device, charger: { ...device.charger, sessionsPerDay: 1e6, stayHours: 12 } }
        : device,
    );
    const ev = deviceOf(site, 'ev_charger');
    const { phases } = ev.charger;
    const stepper = new Stepper([site], Date.parse('2025-01-15T17:00:00Z'));
    stepper.step();
    let [step] = stepper.step();
    expect(metrics(step!, ev.deviceId).vehicle_soc_pct).toBeGreaterThan(0);
    expect(metrics(step!, ev.deviceId).power_kw).toBeGreaterThan(6 * 230 * phases * 1e-3);

    command(site, ev.deviceId, { type: 'set_current_limit', currentA: 6 }, 'limit');
    [step] = stepper.step();
    expect(metrics(step!, ev.deviceId).power_kw).toBeCloseTo((6 * 230 * phases) / 1_000, 3);
    expect(metrics(step!, ev.deviceId).current_a).toBe(6);
    expect(step!.flows.evKw).toBeCloseTo((6 * 230 * phases) / 1_000, 9);

    command(site, ev.deviceId, { type: 'stop_charging' }, 'stop');
    [step] = stepper.step();
    const pausedSoc = metrics(step!, ev.deviceId).vehicle_soc_pct;
    expect(metrics(step!, ev.deviceId).power_kw).toBe(0);
    expect(step!.commands[0]!.message).toContain('the vehicle stays plugged in');
    [step] = stepper.step();
    expect(metrics(step!, ev.deviceId).vehicle_soc_pct).toBe(pausedSoc);

    command(site, ev.deviceId, { type: 'start_charging' }, 'start');
    [step] = stepper.step();
    expect(metrics(step!, ev.deviceId).current_a).toBe(6);
    expect(step!.commands[0]).toMatchObject({ status: 'completed' });

    command(site, ev.deviceId, { type: 'set_current_limit', currentA: 400 }, 'too-much');
    [step] = stepper.step();
    expect(step!.commands[0]!.message).toContain('400 A asked');
    expect(metrics(step!, ev.deviceId).power_kw).toBeLessThanOrEqual(ev.charger.maxPowerKw);
  });

  it('completes start_charging without a car, saying none is there', () => {
    const [site] = makeTwins((device) =>
      device.kind === 'ev_charger'
        ? { ...device, charger: { ...device.charger, sessionsPerDay: 1e-9 } }
        : device,
    );
    const ev = deviceOf(site, 'ev_charger');
    command(site, ev.deviceId, { type: 'start_charging' });
    const [step] = new Stepper([site]).step();
    expect(step!.commands[0]).toMatchObject({
      status: 'completed',
      message:
        'charging permitted; no vehicle plugged in: the next one charges when it arrives; power now 0 kW',
    });
  });

  it('switches a heat pump to standby and a load to nothing, and back on', () => {
    const [site, twin] = makeTwins();
    const heatPump = deviceOf(site, 'heat_pump');
    const load = deviceOf(site, 'load');
    // A winter workday morning: the heat pump heats and the office is busy.
    const stepper = new Stepper([site, twin], Date.parse('2025-01-15T08:00:00Z'));
    stepper.step();

    command(site, heatPump.deviceId, { type: 'switch', on: false }, 'hp-off');
    command(site, load.deviceId, { type: 'switch', on: false }, 'load-off');
    let [off, on] = stepper.step();
    expect(metrics(off!, heatPump.deviceId).power_kw).toBe(heatPump.heatPump.standbyKw);
    expect(metrics(off!, heatPump.deviceId).heat_output_kw).toBe(0);
    expect(metrics(off!, load.deviceId).power_kw).toBe(0);
    expect(on!.flows.heatPumpKw).toBeGreaterThan(heatPump.heatPump.standbyKw);
    expect(off!.flows.consumptionKw).toBeCloseTo(
      on!.flows.consumptionKw -
        on!.flows.commercialKw -
        on!.flows.heatPumpKw +
        heatPump.heatPump.standbyKw,
      9,
    );

    command(site, heatPump.deviceId, { type: 'switch', on: true }, 'hp-on');
    command(site, load.deviceId, { type: 'switch', on: true }, 'load-on');
    [off, on] = stepper.step();
    expect(off!.flows.heatPumpKw).toBeCloseTo(on!.flows.heatPumpKw, 9);
    expect(off!.flows.commercialKw).toBeCloseTo(on!.flows.commercialKw, 9);
    expect(off!.commands.map(({ message }) => message.split(';')[0])).toEqual([
      'switched on',
      'switched on',
    ]);
  });

  it('fails a command its device does not take, and refuses unknown devices', () => {
    const [site] = makeTwins();
    const meter = deviceOf(site, 'grid_meter');
    command(site, meter.deviceId, { type: 'switch', on: false });
    const [step] = new Stepper([site]).step();
    expect(step!.commands[0]).toMatchObject({
      status: 'failed',
      message: 'a grid_meter does not take switch',
    });
    expect(() => command(site, 'no-such-device', { type: 'start_charging' })).toThrow(
      'has no device no-such-device',
    );
  });
});

describe('SimulatedSite: reboot and restarts', () => {
  it('silences a rebooting device and stops what it delivers; the meter keeps counting', () => {
    const [site, twin] = makeTwins();
    const pv = deviceOf(site, 'pv_inverter');
    const meter = deviceOf(site, 'grid_meter');
    const stepper = new Stepper([site, twin]);

    site.setRebooting(pv.deviceId, true);
    expect(site.isRebooting(pv.deviceId)).toBe(true);
    const [down, up] = stepper.step();
    expect(down!.telemetry.map((reading) => reading.deviceId)).not.toContain(pv.deviceId);
    expect(down!.flows.productionKw).toBe(0);
    expect(up!.flows.productionKw).toBeGreaterThan(0);
    // The site makes up for the missing PV power through the grid (and battery); the meter sees it.
    expect(down!.flows.gridKw + down!.flows.batteryKw).toBeCloseTo(
      up!.flows.gridKw + up!.flows.batteryKw + up!.flows.productionKw,
      9,
    );
    expect(metrics(down!, meter.deviceId).power_kw).toBe(roundTo(down!.flows.gridKw, 3));

    site.setRebooting(pv.deviceId, false);
    const [back, reference] = stepper.step();
    expect(metrics(back!, pv.deviceId).power_kw).toBe(metrics(reference!, pv.deviceId).power_kw);
    // Its energy counter did not count the reboot.
    expect(metrics(back!, pv.deviceId).energy_kwh).toBeLessThan(
      metrics(reference!, pv.deviceId).energy_kwh!,
    );
  });

  it('keeps the control states across a restart of the simulator', () => {
    const [site] = makeTwins();
    const battery = deviceOf(site, 'battery');
    const pv = deviceOf(site, 'pv_inverter');
    const ev = deviceOf(site, 'ev_charger');
    const heatPump = deviceOf(site, 'heat_pump');
    const stepper = new Stepper([site]);
    command(site, battery.deviceId, { type: 'set_power_setpoint', powerKw: -1.5 }, 'a');
    command(site, pv.deviceId, { type: 'set_power_limit', limitKw: 2 }, 'b');
    command(site, ev.deviceId, { type: 'set_current_limit', currentA: 10 }, 'c');
    command(site, ev.deviceId, { type: 'stop_charging' }, 'd');
    command(site, heatPump.deviceId, { type: 'switch', on: false }, 'e');
    stepper.step();

    const saved = JSON.parse(JSON.stringify(site.controlSnapshot())) as ReturnType<
      SimulatedSite['controlSnapshot']
    >;
    expect(saved).toEqual({
      [battery.deviceId]: { mode: 'setpoint', setpointKw: -1.5 },
      [pv.deviceId]: { limitKw: 2 },
      [ev.deviceId]: { charging: false, currentLimitA: 10 },
      [heatPump.deviceId]: { on: false },
    });

    const [restarted] = makeTwins();
    restarted.restoreControls(saved);
    expect(restarted.controlSnapshot()).toEqual(saved);
    const [step] = new Stepper([restarted]).step();
    expect(metrics(step!, battery.deviceId).power_kw).toBe(-1.5);
    expect(metrics(step!, pv.deviceId).power_kw).toBe(2);
  });

  it('ignores saved controls that do not fit, clamping a setpoint to the rating', () => {
    const [site] = makeTwins();
    const battery = deviceOf(site, 'battery');
    const meter = deviceOf(site, 'grid_meter');
    site.restoreControls({
      [battery.deviceId]: { mode: 'setpoint', setpointKw: -1_000 },
      [meter.deviceId]: { on: false },
      unknown: { limitKw: 1 },
    });
    expect(site.controlSnapshot()).toEqual({
      [battery.deviceId]: { mode: 'setpoint', setpointKw: -battery.battery.maxChargeKw },
    });
  });
});
