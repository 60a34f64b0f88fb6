import { telemetryMessageSchema } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import { makeSiteSpec } from './fleet.js';
import { createSeededRandom } from './physics/random.js';
import { type DeviceKind, SimulatedSite, type SiteSpec, type SiteStep } from './site.js';

function makeSite(overrides: Partial<SiteSpec> = {}, seed = 1): SimulatedSite {
  const random = createSeededRandom(seed);
  return new SimulatedSite({ ...makeSiteSpec(0, random), ...overrides }, random);
}

/** Steps a site through a day at a fixed interval and returns every step. */
function simulateDay(site: SimulatedSite, day: string, stepSeconds = 60): SiteStep[] {
  const startMs = Date.parse(`${day}T00:00:00Z`);
  const stepCount = (24 * 3_600) / stepSeconds;
  return Array.from({ length: stepCount }, (_, index) =>
    site.step(new Date(startMs + (index + 1) * stepSeconds * 1_000), stepSeconds),
  );
}

function metricsOf(step: SiteStep, kind: DeviceKind): Record<string, number> {
  const reading = step.telemetry.find((telemetry) => telemetry.kind === kind);
  if (!reading) throw new Error(`no ${kind} reading`);
  return reading.message.metrics;
}

describe('SimulatedSite', () => {
  it('has one PV inverter, one battery and one grid meter', () => {
    const site = makeSite({
      siteId: 'site-a',
      deviceIds: { pv_inverter: 'pv-1', battery: 'battery-1', grid_meter: 'meter-1' },
    });

    expect(site.devices).toEqual([
      { siteId: 'site-a', deviceId: 'pv-1', kind: 'pv_inverter' },
      { siteId: 'site-a', deviceId: 'battery-1', kind: 'battery' },
      { siteId: 'site-a', deviceId: 'meter-1', kind: 'grid_meter' },
    ]);
  });

  it('balances every step: consumption = production + grid + battery', () => {
    const steps = simulateDay(makeSite(), '2025-06-21');

    for (const { flows } of steps) {
      expect(flows.loadKw).toBeGreaterThan(0);
      expect(flows.productionKw).toBeGreaterThanOrEqual(0);
      expect(flows.productionKw + flows.gridKw + flows.batteryKw).toBeCloseTo(flows.loadKw, 9);
    }
  });

  it('reports the balance in its telemetry, to the meters’ 1 W resolution', () => {
    for (const step of simulateDay(makeSite(), '2025-06-21', 300)) {
      expect(metricsOf(step, 'pv_inverter').power_kw).toBeCloseTo(step.flows.productionKw, 3);
      expect(metricsOf(step, 'battery').power_kw).toBeCloseTo(step.flows.batteryKw, 3);
      expect(metricsOf(step, 'grid_meter').power_kw).toBeCloseTo(step.flows.gridKw, 3);
    }
  });

  it('uses the battery for self-consumption: the grid only covers what the battery cannot', () => {
    const site = makeSite();
    const { maxChargeKw, maxDischargeKw } = site.spec.battery;

    const steps = simulateDay(site, '2025-06-21');
    for (const { flows, socPct } of steps) {
      const batteryHasRoom = socPct > 0 && socPct < 100;
      const batteryBelowLimit = flows.batteryKw < maxDischargeKw && -flows.batteryKw < maxChargeKw;
      if (batteryHasRoom && batteryBelowLimit) expect(flows.gridKw).toBeCloseTo(0, 9);
    }
    // A clear summer day: the battery charges at some point and the surplus is exported once full.
    expect(steps.some(({ flows }) => flows.batteryKw < 0)).toBe(true);
    expect(steps.some(({ flows }) => flows.gridKw < 0)).toBe(true);
  });

  it('keeps the state of charge within 0..100 % over a week of any weather', () => {
    const site = makeSite({ initialSocPct: 5 });
    for (const day of ['2025-06-21', '2025-06-22', '2025-06-23', '2025-12-21', '2025-12-22']) {
      for (const { socPct } of simulateDay(site, day, 120)) {
        expect(socPct).toBeGreaterThanOrEqual(0);
        expect(socPct).toBeLessThanOrEqual(100);
      }
    }
  });

  it('produces nothing at night', () => {
    const site = makeSite({ timeZone: 'Europe/Berlin', latitudeDeg: 52.5, longitudeDeg: 13.4 });
    const steps = simulateDay(site, '2025-12-21', 300);
    // 17:00–06:00 UTC is dark in Berlin in December.
    const nightSteps = steps.filter((_, index) => {
      const hourUtc = ((index + 1) * 300) / 3_600;
      return hourUtc >= 17 || hourUtc <= 6;
    });

    expect(nightSteps.length).toBeGreaterThan(100);
    for (const step of nightSteps) {
      expect(step.flows.productionKw).toBe(0);
      expect(metricsOf(step, 'pv_inverter').power_kw).toBe(0);
    }
  });

  it('counts energy: counters only grow, and grow by power × time', () => {
    const site = makeSite();
    const steps = simulateDay(site, '2025-06-21', 60);
    const counters = ['energy_kwh', 'import_kwh', 'export_kwh'] as const;
    let previous = { energy_kwh: 0, import_kwh: 0, export_kwh: 0 };
    let expectedProducedKwh = 0;
    let expectedImportedKwh = 0;
    let expectedExportedKwh = 0;

    for (const step of steps) {
      const pv = metricsOf(step, 'pv_inverter');
      const grid = metricsOf(step, 'grid_meter');
      const current = {
        energy_kwh: pv.energy_kwh ?? Number.NaN,
        import_kwh: grid.import_kwh ?? Number.NaN,
        export_kwh: grid.export_kwh ?? Number.NaN,
      };
      for (const counter of counters) {
        expect(current[counter]).toBeGreaterThanOrEqual(previous[counter]);
      }
      previous = current;
      expectedProducedKwh += step.flows.productionKw / 60;
      expectedImportedKwh += Math.max(0, step.flows.gridKw) / 60;
      expectedExportedKwh += Math.max(0, -step.flows.gridKw) / 60;
    }

    expect(previous.energy_kwh).toBeCloseTo(expectedProducedKwh, 3);
    expect(previous.import_kwh).toBeCloseTo(expectedImportedKwh, 3);
    expect(previous.export_kwh).toBeCloseTo(expectedExportedKwh, 3);
    expect(previous.energy_kwh).toBeGreaterThan(10);
  });

  it('emits telemetry that satisfies the device contract', () => {
    const site = makeSite();
    const step = site.step(new Date('2025-06-21T10:00:00Z'), 5);

    expect(step.telemetry).toHaveLength(3);
    for (const { message } of step.telemetry) {
      const parsed = telemetryMessageSchema.safeParse(message);
      expect(parsed.error).toBeUndefined();
      expect(message.ts).toBe('2025-06-21T10:00:00.000Z');
    }
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
  });

  it('repeats exactly for the same seed', () => {
    const first = simulateDay(makeSite({}, 9), '2025-06-21', 600);
    const second = simulateDay(makeSite({}, 9), '2025-06-21', 600);

    expect(second).toEqual(first);
  });

  it('refuses a battery that cannot exist', () => {
    expect(() =>
      makeSite({
        battery: {
          capacityKwh: 0,
          maxChargeKw: 1,
          maxDischargeKw: 1,
          chargeEfficiency: 1,
          dischargeEfficiency: 1,
        },
      }),
    ).toThrow('capacityKwh must be > 0');
  });
});
