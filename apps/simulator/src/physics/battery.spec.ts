import { describe, expect, it } from 'vitest';
import { assertValidBatterySpec, type BatterySpec, stepBattery } from './battery.js';
import { createSeededRandom, uniformBetween } from './random.js';

function makeBattery(overrides: Partial<BatterySpec> = {}): BatterySpec {
  return {
    capacityKwh: 10,
    maxChargeKw: 5,
    maxDischargeKw: 5,
    chargeEfficiency: 0.95,
    dischargeEfficiency: 0.95,
    ...overrides,
  };
}

const ONE_HOUR = 3_600;

describe('stepBattery', () => {
  it('charges on a negative setpoint: SOC rises by the stored share of the AC energy', () => {
    const step = stepBattery(makeBattery(), 50, -2, ONE_HOUR);

    expect(step.powerKw).toBe(-2);
    // 2 kWh from the grid × 0.95 = 1.9 kWh stored = 19 % of 10 kWh.
    expect(step.socPct).toBeCloseTo(69, 9);
  });

  it('discharges on a positive setpoint: SOC falls by the AC energy plus losses', () => {
    const step = stepBattery(makeBattery(), 50, 1.9, ONE_HOUR);

    expect(step.powerKw).toBe(1.9);
    // 1.9 kWh delivered / 0.95 = 2 kWh taken from the cells = 20 %.
    expect(step.socPct).toBeCloseTo(30, 9);
  });

  it('idles on a zero setpoint', () => {
    expect(stepBattery(makeBattery(), 42, 0, ONE_HOUR)).toEqual({ powerKw: 0, socPct: 42 });
  });

  it('limits power to the rated charge and discharge power', () => {
    const battery = makeBattery({ maxChargeKw: 3, maxDischargeKw: 4 });

    expect(stepBattery(battery, 50, -10, 60).powerKw).toBe(-3);
    expect(stepBattery(battery, 50, 10, 60).powerKw).toBe(4);
  });

  it('stops exactly at full, charging only what still fits', () => {
    const step = stepBattery(makeBattery(), 99, -5, ONE_HOUR);

    expect(step.socPct).toBe(100);
    // 0.1 kWh of room takes 0.1 / 0.95 kWh of AC energy within the hour.
    expect(step.powerKw).toBeCloseTo(-0.1 / 0.95, 9);
  });

  it('stops exactly at empty, delivering only what is left', () => {
    const step = stepBattery(makeBattery(), 1, 5, ONE_HOUR);

    expect(step.socPct).toBe(0);
    expect(step.powerKw).toBeCloseTo(0.1 * 0.95, 9);
  });

  it('neither charges when full nor discharges when empty', () => {
    expect(stepBattery(makeBattery(), 100, -3, 60)).toEqual({ powerKw: 0, socPct: 100 });
    expect(stepBattery(makeBattery(), 0, 3, 60)).toEqual({ powerKw: 0, socPct: 0 });
  });

  it('keeps SOC within 0..100 % and follows the setpoint sign over many random steps', () => {
    const random = createSeededRandom(2024);
    const battery = makeBattery({ capacityKwh: 5, maxChargeKw: 4, maxDischargeKw: 4 });
    let socPct = 50;
    let charges = 0;
    let discharges = 0;
    const violations: string[] = [];

    for (let stepIndex = 0; stepIndex < 20_000; stepIndex += 1) {
      // Swings of either sign drive the battery into both limits again and again.
      const setpointKw = Math.sin(stepIndex / 60) * 6 + uniformBetween(random, -1, 1);
      const dtSeconds = uniformBetween(random, 1, 300);
      const step = stepBattery(battery, socPct, setpointKw, dtSeconds);
      const where = `step ${stepIndex}: setpoint ${setpointKw} kW, SOC ${socPct} %`;

      if (step.socPct < 0 || step.socPct > 100) violations.push(`${where}: SOC ${step.socPct}`);
      if (Math.abs(step.powerKw) > Math.abs(setpointKw)) violations.push(`${where}: over setpoint`);
      if (step.powerKw > 0) {
        discharges += 1;
        if (setpointKw <= 0 || step.socPct >= socPct) violations.push(`${where}: bad discharge`);
      } else if (step.powerKw < 0) {
        charges += 1;
        if (setpointKw >= 0 || step.socPct <= socPct) violations.push(`${where}: bad charge`);
      }
      socPct = step.socPct;
    }

    expect(violations).toEqual([]);
    expect(charges).toBeGreaterThan(1_000);
    expect(discharges).toBeGreaterThan(1_000);
  });

  it('returns the round-trip efficiency when cycled', () => {
    const battery = makeBattery({ chargeEfficiency: 0.9, dischargeEfficiency: 0.9 });
    const charged = stepBattery(battery, 0, -5, ONE_HOUR);
    let socPct = charged.socPct;
    let deliveredKwh = 0;
    while (socPct > 0) {
      const step = stepBattery(battery, socPct, 5, 60);
      deliveredKwh += step.powerKw / 60;
      socPct = step.socPct;
    }

    expect(deliveredKwh / -charged.powerKw).toBeCloseTo(0.81, 6);
  });

  it('rejects a step that is not a positive duration', () => {
    expect(() => stepBattery(makeBattery(), 50, 1, 0)).toThrow(RangeError);
    expect(() => stepBattery(makeBattery(), 50, 1, Number.NaN)).toThrow(RangeError);
    expect(() => stepBattery(makeBattery(), 50, Number.POSITIVE_INFINITY, 1)).toThrow(RangeError);
  });
});

describe('assertValidBatterySpec', () => {
  it('names every impossible parameter', () => {
    expect(() =>
      assertValidBatterySpec(makeBattery({ capacityKwh: 0, chargeEfficiency: 1.2 })),
    ).toThrow('invalid battery: capacityKwh must be > 0; chargeEfficiency must be in (0, 1]');
  });
});
