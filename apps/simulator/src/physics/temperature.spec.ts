import { describe, expect, it } from 'vitest';
import { createSeededRandom } from './random.js';
import {
  climateAt,
  climateTemperatureC,
  nextTemperatureAnomalyC,
  solarHourOf,
  typicalAnomaly,
} from './temperature.js';

const berlin = { latitude: 52.52, longitude: 13.405 };

describe('climateTemperatureC', () => {
  it('gives Berlin a winter around 0 °C and a summer around 20 °C', () => {
    const climate = climateAt(berlin.latitude);
    const dailyMean = (day: string) => {
      let sum = 0;
      for (let hour = 0; hour < 24; hour += 1) {
        sum += climateTemperatureC(
          climate,
          berlin.longitude,
          new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`),
        );
      }
      return sum / 24;
    };

    expect(dailyMean('2025-01-20')).toBeGreaterThan(-3);
    expect(dailyMean('2025-01-20')).toBeLessThan(3);
    expect(dailyMean('2025-07-20')).toBeGreaterThan(17);
    expect(dailyMean('2025-07-20')).toBeLessThan(23);
  });

  it('is warmer towards the equator and mirrors the seasons in the south', () => {
    const january = new Date('2025-01-15T12:00:00Z');

    expect(climateAt(40).annualMeanC).toBeGreaterThan(climateAt(55).annualMeanC);
    expect(climateTemperatureC(climateAt(-34), 18, january)).toBeGreaterThan(
      climateTemperatureC(climateAt(34), 18, january) + 5,
    );
  });

  it('peaks in the afternoon and bottoms out at night, less so under clouds', () => {
    const climate = climateAt(berlin.latitude);
    // 15:00 and 03:00 mean solar time in Berlin are about 14:06 and 02:06 UTC.
    const afternoon = new Date('2025-04-10T14:06:00Z');
    const night = new Date('2025-04-10T02:06:00Z');
    const swing = (cloudiness: number) =>
      climateTemperatureC(climate, berlin.longitude, afternoon, cloudiness) -
      climateTemperatureC(climate, berlin.longitude, night, cloudiness);

    expect(swing(0)).toBeGreaterThan(9);
    expect(swing(1)).toBeLessThan(swing(0) / 2);
  });

  it('reads the solar hour from the longitude', () => {
    expect(solarHourOf(new Date('2025-04-10T12:00:00Z'), 15)).toBeCloseTo(13, 9);
    expect(solarHourOf(new Date('2025-04-10T00:30:00Z'), -15)).toBeCloseTo(23.5, 9);
  });
});

describe('nextTemperatureAnomalyC', () => {
  it('wanders around zero with the model’s spread, whatever the step', () => {
    for (const stepSeconds of [60, 3_600]) {
      const random = createSeededRandom(8);
      let anomaly = 0;
      const samples: number[] = [];
      for (let index = 0; index < 100_000; index += 1) {
        anomaly = nextTemperatureAnomalyC(typicalAnomaly, anomaly, stepSeconds, random);
        if (index % 10 === 0) samples.push(anomaly);
      }
      const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
      const spread = Math.sqrt(
        samples.reduce((sum, value) => sum + value * value, 0) / samples.length,
      );

      expect(Math.abs(mean)).toBeLessThan(1);
      expect(spread).toBeGreaterThan(typicalAnomaly.standardDeviationC * 0.7);
      expect(spread).toBeLessThan(typicalAnomaly.standardDeviationC * 1.3);
    }
  });

  it('barely moves within a minute', () => {
    const random = createSeededRandom(1);

    expect(Math.abs(nextTemperatureAnomalyC(typicalAnomaly, 2, 60, random) - 2)).toBeLessThan(0.2);
  });
});
