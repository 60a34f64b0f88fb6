import { describe, expect, it } from 'vitest';
import {
  NO_SITE_ENERGY,
  type SiteEnergies,
  consumptionImbalance,
  consumptionKwh,
  siteBalance,
  sumSiteEnergies,
} from './balance.js';
import { counterEnergy } from './counters.js';
import { QUARTER_HOUR_MS } from './local-time.js';
import { batteryEnergyFromPower } from './power-integration.js';
import { type SeriesPoint } from './series.js';

const GERMAN_GRID = { gridCo2GramsPerKwh: 380 };

function makeEnergies(overrides: Partial<SiteEnergies> = {}): SiteEnergies {
  return { ...NO_SITE_ENERGY, ...overrides };
}

describe('site balance', () => {
  it('computes consumption = production + import − export + discharge − charge', () => {
    const balance = siteBalance(
      makeEnergies({
        productionKwh: 30,
        gridImportKwh: 8,
        gridExportKwh: 12,
        batteryChargeKwh: 9,
        batteryDischargeKwh: 7,
      }),
      GERMAN_GRID,
    );
    expect(balance.consumptionKwh).toBeCloseTo(24, 12);
    expect(balance.selfConsumedKwh).toBe(18);
    expect(balance.selfConsumptionRatio).toBeCloseTo(0.6, 12);
    expect(balance.selfSufficiencyRatio).toBeCloseTo(16 / 24, 12);
    // Production displacement: all 30 kWh replace grid energy at 380 g/kWh.
    expect(balance.co2AvoidedKg).toBeCloseTo(11.4, 12);
  });

  it('gives ratios of 0 when there is no production or no consumption', () => {
    const nightOnGrid = siteBalance(makeEnergies({ gridImportKwh: 5 }), GERMAN_GRID);
    expect(nightOnGrid.selfConsumptionRatio).toBe(0);
    expect(nightOnGrid.selfSufficiencyRatio).toBe(0);
    expect(nightOnGrid.co2AvoidedKg).toBe(0);
    const idle = siteBalance(NO_SITE_ENERGY, GERMAN_GRID);
    expect(idle).toMatchObject({
      consumptionKwh: 0,
      selfConsumptionRatio: 0,
      selfSufficiencyRatio: 0,
    });
  });

  it('clamps the ratios when a grid-charged battery exports more than the PV produced', () => {
    const balance = siteBalance(
      makeEnergies({
        productionKwh: 2,
        gridImportKwh: 10,
        batteryChargeKwh: 10,
        batteryDischargeKwh: 9,
        gridExportKwh: 8,
      }),
      GERMAN_GRID,
    );
    expect(balance.consumptionKwh).toBeCloseTo(3, 12);
    expect(balance.selfConsumptionRatio).toBe(0);
    expect(balance.selfConsumedKwh).toBe(0);
    expect(balance.selfSufficiencyRatio).toBe(0);
  });

  it('is fully self-sufficient when nothing is imported', () => {
    const balance = siteBalance(
      makeEnergies({ productionKwh: 10, gridExportKwh: 4, batteryDischargeKwh: 1 }),
      GERMAN_GRID,
    );
    expect(balance.consumptionKwh).toBe(7);
    expect(balance.selfSufficiencyRatio).toBe(1);
  });

  it('refuses negative or non-finite role energies', () => {
    expect(() => siteBalance(makeEnergies({ gridExportKwh: -1 }), GERMAN_GRID)).toThrow(
      /gridExportKwh/,
    );
    expect(() => siteBalance(makeEnergies({ productionKwh: Number.NaN }), GERMAN_GRID)).toThrow(
      /productionKwh/,
    );
  });
});

describe('consumption imbalance', () => {
  it('reports the relative error of the computed consumption against the load meter', () => {
    expect(consumptionImbalance(100, 103)).toEqual({
      differenceKwh: 3,
      relativeError: 0.03,
      withinTolerance: true,
    });
    expect(consumptionImbalance(100, 90, 0.05)).toMatchObject({
      differenceKwh: -10,
      withinTolerance: false,
    });
    expect(consumptionImbalance(100, 90).relativeError).toBeCloseTo(0.1, 12);
  });

  it('treats any difference against a zero reading as unbounded', () => {
    expect(consumptionImbalance(0, 0)).toMatchObject({ relativeError: 0, withinTolerance: true });
    expect(consumptionImbalance(0, 0.2)).toMatchObject({
      relativeError: Number.POSITIVE_INFINITY,
      withinTolerance: false,
    });
  });
});

/** A house with 6 kWp of PV, a 7 kWh / 3 kW battery that stores surplus and covers deficits. */
function simulateDay() {
  const dayStart = Date.UTC(2026, 5, 21, 0, 0);
  const quarterHours = 96;
  const hours = 0.25;
  const capacityKwh = 7;
  let storedKwh = 2;
  const intervals = Array.from({ length: quarterHours }, (_, index) => {
    const hourOfDay = (index + 0.5) * hours;
    const pvKw = Math.max(0, 6 * Math.sin((Math.PI * (hourOfDay - 5)) / 16));
    const loadKw =
      0.35 +
      1.2 * Math.exp(-(((hourOfDay - 7.5) / 1) ** 2)) +
      2.4 * Math.exp(-(((hourOfDay - 19) / 1.5) ** 2)) +
      0.15 * Math.sin(index * 1.7) ** 2;
    const surplusKw = pvKw - loadKw;
    // Battery > 0 discharges, < 0 charges (OpenEMS), limited by power and by what it holds.
    const batteryKw =
      surplusKw > 0
        ? -Math.min(surplusKw, 3, (capacityKwh - storedKwh) / hours)
        : Math.min(-surplusKw, 3, storedKwh / hours);
    storedKwh -= batteryKw * hours;
    const gridKw = loadKw - pvKw - batteryKw;
    return { start: dayStart + index * QUARTER_HOUR_MS, pvKw, loadKw, batteryKw, gridKw };
  });
  return { dayStart, intervals, finalStoredKwh: storedKwh };
}

/** A cumulative counter as a meter would report it, with a small gain error. */
function counterSeries(
  dayStart: number,
  energiesKwh: readonly number[],
  gain: number,
  initialKwh: number,
): SeriesPoint[] {
  const series: SeriesPoint[] = [{ ts: dayStart, value: initialKwh }];
  energiesKwh.reduce((total, energyKwh, index) => {
    const next = total + energyKwh * gain;
    series.push({ ts: dayStart + (index + 1) * QUARTER_HOUR_MS, value: next });
    return next;
  }, initialKwh);
  return series;
}

describe('a simulated day', () => {
  it('closes the balance within 1 % from counters and battery power', () => {
    const { dayStart, intervals } = simulateDay();
    const quarter = (kw: number) => kw * 0.25;
    const pvCounter = counterSeries(
      dayStart,
      intervals.map((step) => quarter(step.pvKw)),
      1.001,
      18_230,
    );
    const importCounter = counterSeries(
      dayStart,
      intervals.map((step) => quarter(Math.max(0, step.gridKw))),
      0.999,
      51_002,
    );
    const exportCounter = counterSeries(
      dayStart,
      intervals.map((step) => quarter(Math.max(0, -step.gridKw))),
      0.999,
      9_310,
    );
    const loadCounter = counterSeries(
      dayStart,
      intervals.map((step) => quarter(step.loadKw)),
      1,
      77_000,
    );
    // The battery reports power only: a step series, sampled at both ends of each quarter-hour.
    const batteryPower = intervals.flatMap((step) => [
      { ts: step.start + 1, value: step.batteryKw },
      { ts: step.start + QUARTER_HOUR_MS, value: step.batteryKw },
    ]);
    const day = { start: dayStart, end: dayStart + 96 * QUARTER_HOUR_MS };
    const battery = batteryEnergyFromPower(batteryPower, day);

    const energies: SiteEnergies = {
      productionKwh: counterEnergy(pvCounter).energyKwh,
      gridImportKwh: counterEnergy(importCounter).energyKwh,
      gridExportKwh: counterEnergy(exportCounter).energyKwh,
      batteryChargeKwh: battery.chargeKwh,
      batteryDischargeKwh: battery.dischargeKwh,
    };
    const balance = siteBalance(energies, GERMAN_GRID);
    const measuredLoadKwh = counterEnergy(loadCounter).energyKwh;

    expect(energies.productionKwh).toBeGreaterThan(30);
    expect(energies.gridExportKwh).toBeGreaterThan(5);
    expect(energies.gridImportKwh).toBeGreaterThan(0);
    expect(energies.batteryChargeKwh).toBeGreaterThan(3);
    expect(
      consumptionImbalance(measuredLoadKwh, balance.consumptionKwh, 0.01).withinTolerance,
    ).toBe(true);
    expect(balance.selfConsumptionRatio).toBeGreaterThan(0.3);
    expect(balance.selfConsumptionRatio).toBeLessThan(1);
    expect(balance.selfSufficiencyRatio).toBeGreaterThan(0.5);
    expect(balance.selfSufficiencyRatio).toBeLessThan(1);
  });

  it('satisfies the identity in every quarter-hour and the day equals the sum of its quarters', () => {
    const { intervals } = simulateDay();
    const perQuarter = intervals.map((step) => ({
      productionKwh: step.pvKw * 0.25,
      gridImportKwh: Math.max(0, step.gridKw) * 0.25,
      gridExportKwh: Math.max(0, -step.gridKw) * 0.25,
      batteryChargeKwh: Math.max(0, -step.batteryKw) * 0.25,
      batteryDischargeKwh: Math.max(0, step.batteryKw) * 0.25,
    }));
    perQuarter.forEach((energies, index) =>
      expect(consumptionKwh(energies)).toBeCloseTo(intervals[index]!.loadKw * 0.25, 10),
    );
    const day = siteBalance(sumSiteEnergies(perQuarter), GERMAN_GRID);
    const loadKwh = intervals.reduce((total, step) => total + step.loadKw * 0.25, 0);
    expect(day.consumptionKwh).toBeCloseTo(loadKwh, 9);
  });

  it('flags the day as out of balance when the PV meter is missing', () => {
    const { intervals } = simulateDay();
    const loadKwh = intervals.reduce((total, step) => total + step.loadKw * 0.25, 0);
    const withoutPv = siteBalance(
      {
        productionKwh: 0,
        gridImportKwh: intervals.reduce(
          (total, step) => total + Math.max(0, step.gridKw) * 0.25,
          0,
        ),
        gridExportKwh: intervals.reduce(
          (total, step) => total + Math.max(0, -step.gridKw) * 0.25,
          0,
        ),
        batteryChargeKwh: intervals.reduce(
          (total, step) => total + Math.max(0, -step.batteryKw) * 0.25,
          0,
        ),
        batteryDischargeKwh: intervals.reduce(
          (total, step) => total + Math.max(0, step.batteryKw) * 0.25,
          0,
        ),
      },
      GERMAN_GRID,
    );
    expect(consumptionImbalance(loadKwh, withoutPv.consumptionKwh).withinTolerance).toBe(false);
  });
});
