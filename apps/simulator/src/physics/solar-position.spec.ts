import { describe, expect, it } from 'vitest';
import { solarElevationDeg, solarNoonUtc } from './solar-position.js';

const berlin = { latitudeDeg: 52.52, longitudeDeg: 13.405 };
const EARTH_AXIAL_TILT_DEG = 23.44;

describe('solarElevationDeg', () => {
  it('puts the summer-solstice noon sun over Berlin at 90° − latitude + tilt', () => {
    const noon = solarNoonUtc(berlin.longitudeDeg, new Date('2025-06-21T00:00:00Z'));

    expect(solarElevationDeg(berlin.latitudeDeg, berlin.longitudeDeg, noon)).toBeCloseTo(
      90 - berlin.latitudeDeg + EARTH_AXIAL_TILT_DEG,
      0,
    );
  });

  it('puts the winter-solstice noon sun over Berlin at 90° − latitude − tilt', () => {
    const noon = solarNoonUtc(berlin.longitudeDeg, new Date('2025-12-21T00:00:00Z'));

    expect(solarElevationDeg(berlin.latitudeDeg, berlin.longitudeDeg, noon)).toBeCloseTo(
      90 - berlin.latitudeDeg - EARTH_AXIAL_TILT_DEG,
      0,
    );
  });

  it('puts the equinox noon sun almost straight above the equator', () => {
    const noon = solarNoonUtc(0, new Date('2025-03-20T00:00:00Z'));

    expect(solarElevationDeg(0, 0, noon)).toBeGreaterThan(89);
  });

  it('is below the horizon at midnight and above it mid-morning in a Berlin summer', () => {
    // 22:00 UTC is midnight local summer time.
    expect(
      solarElevationDeg(berlin.latitudeDeg, berlin.longitudeDeg, new Date('2025-06-21T22:00:00Z')),
    ).toBeLessThan(0);
    expect(
      solarElevationDeg(berlin.latitudeDeg, berlin.longitudeDeg, new Date('2025-06-21T08:00:00Z')),
    ).toBeGreaterThan(30);
  });

  it('is symmetric around solar noon', () => {
    // At a solstice the declination stands still, so morning and afternoon mirror each other.
    const noonMs = solarNoonUtc(berlin.longitudeDeg, new Date('2025-06-21T00:00:00Z')).getTime();
    const twoHoursMs = 2 * 3_600_000;

    const before = solarElevationDeg(
      berlin.latitudeDeg,
      berlin.longitudeDeg,
      new Date(noonMs - twoHoursMs),
    );
    const after = solarElevationDeg(
      berlin.latitudeDeg,
      berlin.longitudeDeg,
      new Date(noonMs + twoHoursMs),
    );

    expect(before).toBeCloseTo(after, 1);
  });

  it('sees the sun rise earlier in the east of a time zone than in the west', () => {
    const morning = new Date('2025-06-21T03:30:00Z');
    const warsaw = solarElevationDeg(52.23, 21.01, morning);
    const amsterdam = solarElevationDeg(52.37, 4.9, morning);

    expect(warsaw).toBeGreaterThan(amsterdam);
  });
});

describe('solarNoonUtc', () => {
  it('finds Berlin solar noon around 11:08 UTC at the June solstice', () => {
    const noon = solarNoonUtc(berlin.longitudeDeg, new Date('2025-06-21T15:00:00Z'));
    const expected = Date.parse('2025-06-21T11:08:00Z');

    expect(Math.abs(noon.getTime() - expected)).toBeLessThan(2 * 60_000);
  });

  it('is the moment the sun stands highest', () => {
    const noon = solarNoonUtc(berlin.longitudeDeg, new Date('2025-02-10T00:00:00Z'));
    const elevationAt = (offsetMinutes: number) =>
      solarElevationDeg(
        berlin.latitudeDeg,
        berlin.longitudeDeg,
        new Date(noon.getTime() + offsetMinutes * 60_000),
      );

    expect(elevationAt(0)).toBeGreaterThan(elevationAt(-5));
    expect(elevationAt(0)).toBeGreaterThan(elevationAt(5));
  });
});
