import { describe, expect, it } from 'vitest';
import {
  flowTemperatureC,
  heatPumpCop,
  type HeatPumpSpec,
  hotWaterDemandKw,
  operateHeatPump,
  spaceHeatDemandKw,
  typicalHeatPump,
} from './heat-pump.js';

function makeHeatPump(overrides: Partial<HeatPumpSpec> = {}): HeatPumpSpec {
  return { ...typicalHeatPump, ...overrides };
}

const temperatures = Array.from({ length: 46 }, (_, index) => -15 + index);
const hours = [0, 3, 6.5, 7, 12, 15, 19.5, 23];

describe('operateHeatPump', () => {
  it('draws less power as the outdoor temperature rises, at every hour', () => {
    const heatPump = makeHeatPump();
    for (const hour of hours) {
      const powers = temperatures.map(
        (outdoorC) => operateHeatPump(heatPump, outdoorC, hour).electricKw,
      );
      for (let index = 1; index < powers.length; index += 1) {
        expect(powers[index]).toBeLessThanOrEqual(powers[index - 1]! + 1e-12);
      }
    }
    const at = (outdoorC: number) => operateHeatPump(heatPump, outdoorC, 12).electricKw;
    expect(at(-10)).toBeGreaterThan(at(0));
    expect(at(0)).toBeGreaterThan(at(10));
    expect(at(10)).toBeGreaterThan(at(25));
  });

  it('uses plausible power: about 2 kW for 8 kW of heat on a cold day, little in summer', () => {
    const heatPump = makeHeatPump({ thermalPowerKw: 8, heatLossKwPerK: 0.25 });
    const cold = operateHeatPump(heatPump, -5, 12);
    const summer = operateHeatPump(heatPump, 25, 12);

    expect(cold.heatKw / cold.electricKw).toBeGreaterThan(2);
    expect(cold.heatKw / cold.electricKw).toBeLessThan(4);
    expect(summer.spaceHeatKw).toBe(0);
    expect(summer.electricKw).toBeLessThan(0.2);
  });

  it('never delivers more heat than its capacity, giving hot water priority', () => {
    const heatPump = makeHeatPump({ thermalPowerKw: 5, heatLossKwPerK: 1 });
    for (const hour of hours) {
      for (const outdoorC of temperatures) {
        const operation = operateHeatPump(heatPump, outdoorC, hour);
        expect(operation.heatKw).toBeLessThanOrEqual(5 + 1e-12);
        expect(operation.hotWaterHeatKw).toBeCloseTo(
          Math.min(5, hotWaterDemandKw(heatPump, hour)),
          12,
        );
      }
    }
  });

  it('heats less during the night setback', () => {
    const heatPump = makeHeatPump({ nightSetbackK: 3 });

    expect(spaceHeatDemandKw(heatPump, 0, 2)).toBeLessThan(spaceHeatDemandKw(heatPump, 0, 14));
  });

  it('needs no space heating above the heating limit', () => {
    const heatPump = makeHeatPump({ heatingLimitC: 15 });

    expect(spaceHeatDemandKw(heatPump, 15, 12)).toBe(0);
    expect(spaceHeatDemandKw(heatPump, 22, 12)).toBe(0);
    expect(spaceHeatDemandKw(heatPump, 5, 12)).toBeCloseTo(10 * heatPump.heatLossKwPerK, 12);
  });
});

describe('heat pump efficiency', () => {
  it('has a COP that rises with the outdoor temperature and stays between 1 and 7', () => {
    const heatPump = makeHeatPump();
    const cops = temperatures.map((outdoorC) =>
      heatPumpCop(heatPump, outdoorC, flowTemperatureC(outdoorC)),
    );
    for (let index = 1; index < cops.length; index += 1) {
      expect(cops[index]).toBeGreaterThanOrEqual(cops[index - 1]!);
    }
    expect(Math.min(...cops)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...cops)).toBeLessThanOrEqual(7);
    // Around A7/W35 a good machine reaches a COP of about four.
    expect(heatPumpCop(heatPump, 7, 35)).toBeGreaterThan(3.5);
    expect(heatPumpCop(heatPump, 7, 35)).toBeLessThan(5.5);
  });

  it('sends hotter water when it is colder, within 28–55 °C', () => {
    expect(flowTemperatureC(-10)).toBeGreaterThan(flowTemperatureC(5));
    expect(flowTemperatureC(-40)).toBe(55);
    expect(flowTemperatureC(30)).toBe(28);
  });

  it('makes the daily amount of hot water', () => {
    const heatPump = makeHeatPump({ hotWaterKwhPerDay: 6 });
    let kwh = 0;
    for (let minute = 0; minute < 1_440; minute += 1)
      kwh += hotWaterDemandKw(heatPump, minute / 60) / 60;

    expect(kwh).toBeCloseTo(6, 3);
  });
});
