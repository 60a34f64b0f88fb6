import { describe, expect, it } from 'vitest';
import {
  type HouseholdProfile,
  householdLoadKw,
  localHourOf,
  localTimeOf,
  meanHouseholdLoadKw,
  typicalHousehold,
} from './load.js';
import { createSeededRandom } from './random.js';

function makeProfile(overrides: Partial<HouseholdProfile> = {}): HouseholdProfile {
  return { ...typicalHousehold, ...overrides };
}

describe('meanHouseholdLoadKw', () => {
  it('has a morning and a higher evening peak above the night and midday troughs', () => {
    const profile = makeProfile();
    const at = (hour: number) => meanHouseholdLoadKw(hour, profile);

    expect(at(7.5)).toBeGreaterThan(at(3));
    expect(at(7.5)).toBeGreaterThan(at(13));
    expect(at(19)).toBeGreaterThan(at(7.5));
    expect(at(19)).toBeGreaterThan(at(13));
    expect(at(3)).toBeCloseTo(profile.baseLoadKw, 2);
  });

  it('is continuous across midnight', () => {
    const profile = makeProfile({ eveningPeakHour: 23 });

    expect(meanHouseholdLoadKw(23.999, profile)).toBeCloseTo(meanHouseholdLoadKw(0, profile), 3);
  });
});

describe('householdLoadKw', () => {
  it('repeats the same series for the same seed', () => {
    const series = (seed: number) => {
      const random = createSeededRandom(seed);
      return Array.from({ length: 24 }, (_, hour) =>
        householdLoadKw(hour, typicalHousehold, random),
      );
    };

    expect(series(7)).toEqual(series(7));
    expect(series(7)).not.toEqual(series(8));
  });

  it('scatters around the mean', () => {
    const random = createSeededRandom(42);
    const profile = makeProfile({ noiseShare: 0.2 });
    const samples = Array.from({ length: 20_000 }, () => householdLoadKw(19, profile, random));
    const average = samples.reduce((sum, value) => sum + value, 0) / samples.length;
    const spread = Math.sqrt(
      samples.reduce((sum, value) => sum + (value - average) ** 2, 0) / samples.length,
    );
    const mean = meanHouseholdLoadKw(19, profile);

    expect(average).toBeCloseTo(mean, 1);
    expect(spread / mean).toBeCloseTo(0.2, 1);
  });

  it('never lets noise cut the load below half the base load', () => {
    const random = createSeededRandom(42);
    const profile = makeProfile({ noiseShare: 3 });
    const samples = Array.from({ length: 5_000 }, () => householdLoadKw(3, profile, random));

    expect(Math.min(...samples)).toBe(profile.baseLoadKw / 2);
  });
});

describe('localHourOf', () => {
  it('applies summer and winter time', () => {
    expect(localHourOf(new Date('2025-06-21T10:30:00Z'), 'Europe/Berlin')).toBe(12.5);
    expect(localHourOf(new Date('2025-01-15T10:30:00Z'), 'Europe/Berlin')).toBe(11.5);
    expect(localHourOf(new Date('2025-01-15T10:30:00Z'), 'Europe/Lisbon')).toBe(10.5);
  });

  it('jumps from 02:00 to 03:00 on the spring DST switch', () => {
    expect(localHourOf(new Date('2025-03-30T00:59:00Z'), 'Europe/Berlin')).toBeCloseTo(
      1 + 59 / 60,
      9,
    );
    expect(localHourOf(new Date('2025-03-30T01:00:00Z'), 'Europe/Berlin')).toBe(3);
  });
});

describe('localTimeOf', () => {
  it('gives the local ISO weekday, which changes at local midnight', () => {
    // Saturday 23:30 UTC is already Sunday 01:30 in Berlin (summer time).
    expect(localTimeOf(new Date('2025-06-21T23:30:00Z'), 'Europe/Berlin')).toEqual({
      hour: 1.5,
      isoWeekday: 7,
    });
    expect(localTimeOf(new Date('2025-06-21T23:30:00Z'), 'Europe/Lisbon').isoWeekday).toBe(7);
    expect(localTimeOf(new Date('2025-06-21T23:30:00Z'), 'America/New_York')).toEqual({
      hour: 19.5,
      isoWeekday: 6,
    });
    expect(localTimeOf(new Date('2025-06-23T08:00:00Z'), 'Europe/Berlin').isoWeekday).toBe(1);
  });
});
