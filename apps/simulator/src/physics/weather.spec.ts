import { describe, expect, it } from 'vitest';
import { createSeededRandom, deriveSeed } from './random.js';
import { type CloudModel, nextCloudiness, temperateClouds } from './weather.js';

function makeClouds(overrides: Partial<CloudModel> = {}): CloudModel {
  return { ...temperateClouds, ...overrides };
}

describe('nextCloudiness', () => {
  it('stays within 0..1 and wanders around the mean cover', () => {
    const random = createSeededRandom(11);
    const model = makeClouds({ meanCloudiness: 0.4, volatilityPerSqrtHour: 0.6 });
    let cloudiness = 0.4;
    const series: number[] = [];
    for (let stepIndex = 0; stepIndex < 50_000; stepIndex += 1) {
      cloudiness = nextCloudiness(model, cloudiness, 60, random);
      series.push(cloudiness);
    }
    const average = series.reduce((sum, value) => sum + value, 0) / series.length;

    expect(Math.min(...series)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...series)).toBeLessThanOrEqual(1);
    expect(average).toBeGreaterThan(0.3);
    expect(average).toBeLessThan(0.5);
  });

  it('moves little within one short step', () => {
    const random = createSeededRandom(3);

    expect(Math.abs(nextCloudiness(makeClouds(), 0.5, 5, random) - 0.5)).toBeLessThan(0.05);
  });
});

describe('seeded randomness', () => {
  it('gives every derived stream its own sequence', () => {
    const first = createSeededRandom(deriveSeed(1, 0));
    const second = createSeededRandom(deriveSeed(1, 1));

    expect(first()).not.toBe(second());
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
  });

  it('produces numbers in [0, 1)', () => {
    const random = createSeededRandom(0);
    const samples = Array.from({ length: 10_000 }, random);

    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(1);
  });
});
