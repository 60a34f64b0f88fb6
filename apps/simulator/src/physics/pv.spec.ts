import { describe, expect, it } from 'vitest';
import {
  clearSkyIrradiance,
  cloudTransmittance,
  type PvArraySpec,
  pvOutputKw,
  relativeAirMass,
} from './pv.js';
import { solarElevationDeg, solarNoonUtc } from './solar-position.js';

const berlin = { latitudeDeg: 52.52, longitudeDeg: 13.405 };

function makePvArray(overrides: Partial<PvArraySpec> = {}): PvArraySpec {
  return { ratedKwp: 8, performanceRatio: 0.8, ...overrides };
}

function outputOverDay(array: PvArraySpec, day: string, stepMinutes = 1) {
  const startMs = Date.parse(`${day}T00:00:00Z`);
  return Array.from({ length: (24 * 60) / stepMinutes }, (_, index) => {
    const at = new Date(startMs + index * stepMinutes * 60_000);
    const elevation = solarElevationDeg(berlin.latitudeDeg, berlin.longitudeDeg, at);
    return { at, elevation, powerKw: pvOutputKw(array, elevation) };
  });
}

describe('pvOutputKw', () => {
  it('is zero whenever the sun is below the horizon', () => {
    const night = outputOverDay(makePvArray(), '2025-12-21').filter(
      ({ elevation }) => elevation <= 0,
    );

    expect(night.length).toBeGreaterThan(12 * 60);
    expect(night.every(({ powerKw }) => powerKw === 0)).toBe(true);
  });

  it('is zero for any elevation at or below the horizon, clouds or not', () => {
    for (const elevation of [0, -0.1, -20, -90]) {
      expect(pvOutputKw(makePvArray(), elevation, 0)).toBe(0);
      expect(pvOutputKw(makePvArray(), elevation, 1)).toBe(0);
    }
  });

  it('peaks within minutes of solar noon, below the rating', () => {
    const array = makePvArray({ ratedKwp: 10 });
    const day = outputOverDay(array, '2025-06-21');
    const peak = day.reduce((best, sample) => (sample.powerKw > best.powerKw ? sample : best));
    const noon = solarNoonUtc(berlin.longitudeDeg, new Date('2025-06-21T00:00:00Z'));

    expect(Math.abs(peak.at.getTime() - noon.getTime())).toBeLessThanOrEqual(3 * 60_000);
    expect(peak.powerKw).toBeLessThan(array.ratedKwp);
    // A clear June day in Berlin: the array delivers most of its rating at noon.
    expect(peak.powerKw).toBeGreaterThan(0.6 * array.ratedKwp);
  });

  it('produces more in summer than in winter', () => {
    const dailyEnergyKwh = (day: string) =>
      outputOverDay(makePvArray(), day, 5).reduce(
        (sum, { powerKw }) => sum + powerKw * (5 / 60),
        0,
      );

    const june = dailyEnergyKwh('2025-06-21');
    const december = dailyEnergyKwh('2025-12-21');

    // 8 kWp in Berlin: roughly 50 kWh on a clear June day, well under 10 kWh in December.
    expect(june).toBeGreaterThan(35);
    expect(june).toBeLessThan(65);
    expect(december).toBeLessThan(june / 4);
  });

  it('never exceeds the inverter limit', () => {
    const array = makePvArray({ ratedKwp: 10, performanceRatio: 1, inverterLimitKw: 6 });

    expect(pvOutputKw(array, 90)).toBe(6);
  });

  it('drops as cloud cover thickens, to a quarter under overcast', () => {
    const array = makePvArray();
    const clear = pvOutputKw(array, 45, 0);

    expect(pvOutputKw(array, 45, 0.5)).toBeLessThan(clear);
    expect(pvOutputKw(array, 45, 1)).toBeCloseTo(clear * 0.25, 6);
  });
});

describe('irradiance model', () => {
  it('has an air mass of 1 overhead and about 2 at 30° elevation', () => {
    expect(relativeAirMass(90)).toBeCloseTo(1, 2);
    expect(relativeAirMass(30)).toBeCloseTo(2, 1);
  });

  it('gives about 1000 W/m² with the sun overhead and grows with elevation', () => {
    expect(clearSkyIrradiance(90)).toBeGreaterThan(950);
    expect(clearSkyIrradiance(90)).toBeLessThan(1_100);
    expect(clearSkyIrradiance(10)).toBeLessThan(clearSkyIrradiance(30));
  });

  it('clamps cloud cover to 0..1', () => {
    expect(cloudTransmittance(-1)).toBe(1);
    expect(cloudTransmittance(2)).toBeCloseTo(0.25, 10);
  });
});
