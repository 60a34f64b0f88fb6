import { METRIC_NAME_PATTERN, telemetryMessageSchema } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import { buildSiteSpec, createFleet, planSite, syntheticFleetState } from './fleet.js';
import { createSeededRandom } from './physics/random.js';
import { type TelemetrySink } from './runner.js';
import { SimClock, TickScheduler } from './scheduler.js';
import { type DeviceKind, SimulatedSite, type SiteSpec, type SiteStep } from './site.js';

/** A site planned as the simulator plans one, with `devicesPerSite` devices. */
function makeSpec(devicesPerSite: number, overrides: Partial<SiteSpec> = {}): SiteSpec {
  const state = syntheticFleetState('test', [planSite('test', 0, devicesPerSite)]);
  return { ...buildSiteSpec(state.sites[0]!, state.devices), ...overrides };
}

function makeSite(devicesPerSite = 3, overrides: Partial<SiteSpec> = {}, seed = 1): SimulatedSite {
  return new SimulatedSite(makeSpec(devicesPerSite, overrides), createSeededRandom(seed));
}

/** Steps a site through whole days at a fixed interval and returns every step. */
function simulate(site: SimulatedSite, firstDay: string, days = 1, stepSeconds = 60): SiteStep[] {
  const startMs = Date.parse(`${firstDay}T00:00:00Z`);
  const stepCount = (days * 24 * 3_600) / stepSeconds;
  return Array.from({ length: stepCount }, (_, index) =>
    site.step(new Date(startMs + (index + 1) * stepSeconds * 1_000), stepSeconds),
  );
}

function metricsOf(step: SiteStep, kind: DeviceKind, index = 0): Record<string, number> {
  const reading = step.telemetry.filter((telemetry) => telemetry.kind === kind)[index];
  if (!reading) throw new Error(`no ${kind} reading`);
  return reading.message.metrics;
}

function sumOf(step: SiteStep, kind: DeviceKind): number {
  return step.telemetry
    .filter((telemetry) => telemetry.kind === kind)
    .reduce((sum, telemetry) => sum + (telemetry.message.metrics.power_kw ?? 0), 0);
}

const COUNTERS = ['energy_kwh', 'import_kwh', 'export_kwh', 'charge_kwh', 'discharge_kwh'];

describe('SimulatedSite', () => {
  it('has the planned devices in order, a home without a metered load', () => {
    const home = makeSite(3);
    expect(home.devices.map((device) => device.kind)).toEqual([
      'grid_meter',
      'pv_inverter',
      'battery',
    ]);
    expect(home.spec.household).not.toBeNull();

    const business = makeSite(6);
    expect(business.devices.map((device) => device.kind)).toEqual([
      'grid_meter',
      'pv_inverter',
      'battery',
      'ev_charger',
      'heat_pump',
      'load',
    ]);
    // The load device meters the building: no unmetered household on top.
    expect(business.spec.household).toBeNull();
  });

  it.each([3, 5, 6, 11])(
    'balances every step with %i devices: consumption = production + grid + battery',
    (devicesPerSite) => {
      const site = makeSite(devicesPerSite);
      for (const day of ['2025-01-15', '2025-06-21']) {
        for (const { flows } of simulate(site, day, 1, 120)) {
          expect(flows.consumptionKw).toBeGreaterThan(0);
          expect(flows.productionKw).toBeGreaterThanOrEqual(0);
          expect(flows.evKw).toBeGreaterThanOrEqual(0);
          expect(flows.heatPumpKw).toBeGreaterThanOrEqual(0);
          expect(
            flows.householdKw + flows.evKw + flows.heatPumpKw + flows.commercialKw,
          ).toBeCloseTo(flows.consumptionKw, 9);
          expect(flows.productionKw + flows.gridKw + flows.batteryKw).toBeCloseTo(
            flows.consumptionKw,
            9,
          );
        }
      }
    },
  );

  it('reports a closing balance in its telemetry, to the meters’ 1 W resolution', () => {
    // Eleven devices: two PV inverters, three EV chargers, a heat pump, two loads.
    const site = makeSite(11);
    for (const step of simulate(site, '2025-03-03', 7, 600)) {
      const measuredConsumption =
        sumOf(step, 'ev_charger') + sumOf(step, 'heat_pump') + sumOf(step, 'load');
      const supplied =
        sumOf(step, 'pv_inverter') +
        sumOf(step, 'battery') +
        metricsOf(step, 'grid_meter').power_kw!;
      // Each reading is rounded to 1 W: at most 0.5 W off for each of the 11 devices.
      expect(Math.abs(supplied - measuredConsumption)).toBeLessThan(0.0055);
    }
  });

  it('uses the battery for self-consumption: the grid only covers what the battery cannot', () => {
    const site = makeSite(3);
    const battery = site.spec.devices.find((device) => device.kind === 'battery');
    if (battery?.kind !== 'battery') throw new Error('no battery');
    const { maxChargeKw, maxDischargeKw } = battery.battery;

    const steps = simulate(site, '2025-06-21');
    for (const step of steps) {
      const socPct = metricsOf(step, 'battery').soc_pct!;
      const { batteryKw, gridKw } = step.flows;
      const batteryHasRoom = socPct > 0.01 && socPct < 99.99;
      const batteryBelowLimit = batteryKw < maxDischargeKw && -batteryKw < maxChargeKw;
      if (batteryHasRoom && batteryBelowLimit) expect(gridKw).toBeCloseTo(0, 9);
    }
    expect(steps.some(({ flows }) => flows.batteryKw < 0)).toBe(true);
    expect(steps.some(({ flows }) => flows.gridKw < 0)).toBe(true);
  });

  it('produces nothing at night', () => {
    const site = makeSite(3, { timeZone: 'Europe/Berlin', latitudeDeg: 52.5, longitudeDeg: 13.4 });
    const steps = simulate(site, '2025-12-21', 1, 300);
    const nightSteps = steps.filter((_, index) => {
      const hourUtc = ((index + 1) * 300) / 3_600;
      return hourUtc >= 17 || hourUtc <= 6;
    });

    expect(nightSteps.length).toBeGreaterThan(100);
    for (const step of nightSteps) expect(metricsOf(step, 'pv_inverter').power_kw).toBe(0);
  });

  it('heats more in winter than in summer and charges cars in the evening', () => {
    const site = makeSite(6);
    const heatPumpKwh = (day: string) =>
      simulate(site, day, 7, 600).reduce((sum, step) => sum + step.flows.heatPumpKw / 6, 0);

    expect(heatPumpKwh('2025-01-13')).toBeGreaterThan(heatPumpKwh('2025-07-14') * 3);

    const steps = simulate(makeSite(6, {}, 4), '2025-03-03', 14, 600);
    const chargingHours = steps
      .map((step, index) => ({ step, hourUtc: (((index + 1) * 600) % 86_400) / 3_600 }))
      .filter(({ step }) => step.flows.evKw > 0)
      .map(({ hourUtc }) => hourUtc);
    expect(chargingHours.length).toBeGreaterThan(10);
    // Berlin in March is UTC+1: evening and night charging, hardly any around midday.
    const midday = chargingHours.filter((hour) => hour >= 9 && hour < 14);
    expect(midday.length / chargingHours.length).toBeLessThan(0.1);
  });

  it('counts energy: counters grow by power × time', () => {
    const site = makeSite(6);
    const steps = simulate(site, '2025-06-21', 1, 60);
    let producedKwh = 0;
    let importedKwh = 0;
    let evKwh = 0;
    let heatPumpKwh = 0;
    for (const { flows } of steps) {
      producedKwh += flows.productionKw / 60;
      importedKwh += Math.max(0, flows.gridKw) / 60;
      evKwh += flows.evKw / 60;
      heatPumpKwh += flows.heatPumpKw / 60;
    }
    const last = steps.at(-1)!;

    expect(metricsOf(last, 'pv_inverter').energy_kwh).toBeCloseTo(producedKwh, 3);
    expect(metricsOf(last, 'grid_meter').import_kwh).toBeCloseTo(importedKwh, 3);
    expect(metricsOf(last, 'ev_charger').energy_kwh).toBeCloseTo(evKwh, 3);
    expect(metricsOf(last, 'heat_pump').energy_kwh).toBeCloseTo(heatPumpKwh, 3);
  });

  // Four thousand site steps: the timeout leaves room for a busy machine.
  it('never lets a counter decrease over a simulated week at speed', () => {
    const sites = createFleet(4, 3, 11);
    const messages = new Map<string, { ts: string; metrics: Record<string, number> }[]>();
    const sinks = new Map<string, TelemetrySink>();
    for (const device of sites.flatMap((site) => site.devices)) {
      const list: { ts: string; metrics: Record<string, number> }[] = [];
      messages.set(device.deviceId, list);
      sinks.set(device.deviceId, {
        publishTelemetry: (message) => {
          list.push({ ts: String(message.ts), metrics: message.metrics });
          return 'sent';
        },
      });
    }
    // 1 s interval at 600× (ten simulated minutes per tick), starting eight days in the past.
    const realStartMs = Date.parse('2025-03-12T00:00:00Z');
    const clock = new SimClock(realStartMs - 8 * 86_400_000, 1_000, 600);
    const scheduler = new TickScheduler(
      sites,
      sinks,
      { sent: 0, offline: 0, busy: 0 },
      {
        intervalMs: 1_000,
        clock,
        firstTickMs: realStartMs,
      },
    );
    const ticks = (7 * 86_400) / 600;
    for (let tick = 0; tick < ticks; tick += 1) {
      for (let slice = 0; slice < scheduler.sliceCount; slice += 1) {
        scheduler.runDue(realStartMs + tick * 1_000 + (slice * 1_000) / scheduler.sliceCount);
      }
    }

    expect(clock.isLive).toBe(false);
    for (const [deviceId, list] of messages) {
      expect(list).toHaveLength(ticks);
      for (let index = 1; index < list.length; index += 1) {
        const previous = list[index - 1]!;
        const current = list[index]!;
        expect(Date.parse(current.ts) - Date.parse(previous.ts), deviceId).toBe(600_000);
        for (const counter of COUNTERS) {
          if (!(counter in current.metrics)) continue;
          expect(current.metrics[counter], `${deviceId} ${counter}`).toBeGreaterThanOrEqual(
            previous.metrics[counter]!,
          );
        }
      }
    }
    // The week really used the devices.
    const evKwh = [...messages.entries()]
      .filter(([deviceId]) => deviceId.includes('-ev-'))
      .reduce((sum, [, list]) => sum + (list.at(-1)?.metrics.energy_kwh ?? 0), 0);
    expect(evKwh).toBeGreaterThan(50);
  }, 30_000);

  it('emits telemetry that satisfies the device contract', () => {
    const site = makeSite(6);
    const steps = simulate(site, '2025-06-21', 1, 900);
    for (const step of steps) {
      for (const { message } of step.telemetry) {
        expect(telemetryMessageSchema.safeParse(message).error).toBeUndefined();
        for (const metric of Object.keys(message.metrics))
          expect(metric).toMatch(METRIC_NAME_PATTERN);
      }
    }
    const step = steps[40]!;
    expect(Object.keys(metricsOf(step, 'pv_inverter')).sort()).toEqual(['energy_kwh', 'power_kw']);
    expect(Object.keys(metricsOf(step, 'battery')).sort()).toEqual([
      'charge_kwh',
      'discharge_kwh',
      'power_kw',
      'soc_pct',
    ]);
    expect(Object.keys(metricsOf(step, 'grid_meter')).sort()).toEqual([
      'export_kwh',
      'frequency_hz',
      'import_kwh',
      'power_kw',
      'voltage_v',
    ]);
    expect(Object.keys(metricsOf(step, 'heat_pump')).sort()).toEqual([
      'energy_kwh',
      'flow_temperature_c',
      'heat_output_kw',
      'outdoor_temperature_c',
      'power_kw',
    ]);
    expect(metricsOf(step, 'ev_charger')).toHaveProperty('current_a');
    expect(Object.keys(metricsOf(step, 'load')).sort()).toEqual(['energy_kwh', 'power_kw']);
  });

  it('repeats exactly for the same seed', () => {
    const first = simulate(makeSite(6, {}, 9), '2025-06-21', 1, 600);
    const second = simulate(makeSite(6, {}, 9), '2025-06-21', 1, 600);

    expect(second).toEqual(first);
  });

  it('continues its counters from a snapshot, ignoring implausible values', () => {
    const site = makeSite(6);
    simulate(site, '2025-06-21', 1, 600);
    const snapshot = site.snapshot();

    const restarted = makeSite(6);
    restarted.restore({ ...snapshot, unknown: { energy_kwh: 5 } });
    expect(restarted.snapshot()).toEqual(snapshot);

    const meterId = restarted.spec.devices.find((device) => device.kind === 'grid_meter')!.deviceId;
    restarted.restore({ [meterId]: { import_kwh: -4, export_kwh: Number.NaN } });
    expect(restarted.snapshot()[meterId]).toEqual(snapshot[meterId]);

    const next = restarted.step(new Date('2025-06-22T00:10:00Z'), 600);
    const importKwh = next.telemetry.find((reading) => reading.deviceId === meterId)!.message
      .metrics.import_kwh!;
    expect(importKwh).toBeGreaterThanOrEqual(
      Math.floor(snapshot[meterId]!.import_kwh! * 1_000) / 1_000,
    );
  });

  it('refuses impossible sites', () => {
    const spec = makeSpec(3);
    const battery = spec.devices.find((device) => device.kind === 'battery')!;
    expect(
      () =>
        new SimulatedSite(
          {
            ...spec,
            devices: spec.devices.map((device) =>
              device === battery && device.kind === 'battery'
                ? { ...device, battery: { ...device.battery, capacityKwh: 0 } }
                : device,
            ),
          },
          Math.random,
        ),
    ).toThrow('capacityKwh must be > 0');
    expect(
      () =>
        new SimulatedSite({ ...spec, devices: [...spec.devices, spec.devices[0]!] }, Math.random),
    ).toThrow('appears twice');
  });
});
