import { describe, expect, it } from 'vitest';
import {
  type CommercialLoadProfile,
  commercialLoadKw,
  meanCommercialLoadKw,
  officeOccupancy,
  typicalOffice,
} from './commercial-load.js';
import { createSeededRandom } from './random.js';

function makeProfile(overrides: Partial<CommercialLoadProfile> = {}): CommercialLoadProfile {
  return { ...typicalOffice, ...overrides };
}

const WEDNESDAY = 3;
const SATURDAY = 6;
const SUNDAY = 7;

describe('meanCommercialLoadKw', () => {
  it('is higher in weekday office hours than at the same hours on Sunday', () => {
    const profile = makeProfile();
    for (let hour = 9; hour <= 17; hour += 0.5) {
      expect(meanCommercialLoadKw(profile, WEDNESDAY, hour)).toBeGreaterThan(
        meanCommercialLoadKw(profile, SUNDAY, hour) * 2,
      );
    }
  });

  it('runs only the base load on Sundays and at night', () => {
    const profile = makeProfile({ baseLoadKw: 5 });
    for (let hour = 0; hour < 24; hour += 0.25) {
      expect(meanCommercialLoadKw(profile, SUNDAY, hour)).toBe(5);
    }
    expect(meanCommercialLoadKw(profile, WEDNESDAY, 2)).toBeCloseTo(5, 2);
    expect(meanCommercialLoadKw(profile, WEDNESDAY, 23)).toBeCloseTo(5, 2);
  });

  it('reaches nearly its peak mid-morning and sees Saturday in between', () => {
    const profile = makeProfile({ baseLoadKw: 5, peakLoadKw: 25, saturdayShare: 0.3 });
    const weekday = meanCommercialLoadKw(profile, WEDNESDAY, 10.5);
    const saturday = meanCommercialLoadKw(profile, SATURDAY, 10.5);

    expect(weekday).toBeGreaterThan(24);
    expect(saturday).toBeGreaterThan(5);
    expect(saturday).toBeLessThan(weekday);
  });

  it('ramps up before opening and down after closing, with a lunch dip', () => {
    expect(officeOccupancy(5, 8, 18)).toBeLessThan(0.05);
    expect(officeOccupancy(7.5, 8, 18)).toBeGreaterThan(officeOccupancy(6.5, 8, 18));
    expect(officeOccupancy(12.75, 8, 18)).toBeLessThan(officeOccupancy(10.5, 8, 18));
    expect(officeOccupancy(21, 8, 18)).toBeLessThan(0.05);
  });
});

describe('commercialLoadKw', () => {
  it('scatters around the mean and never below 80 % of the base load', () => {
    const random = createSeededRandom(3);
    const profile = makeProfile({ noiseShare: 0.5 });
    const samples = Array.from({ length: 10_000 }, () =>
      commercialLoadKw(profile, SUNDAY, 3, random),
    );

    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0.8 * profile.baseLoadKw);
    const average = samples.reduce((sum, value) => sum + value, 0) / samples.length;
    expect(average).toBeGreaterThan(profile.baseLoadKw * 0.95);
  });
});
