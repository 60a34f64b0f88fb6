import { describe, expect, it } from 'vitest';
import { createFleet, simulatedSiteId } from './fleet.js';

describe('createFleet', () => {
  it('gives every site and device its own id', () => {
    const fleet = createFleet(20, 1);
    const siteIds = fleet.map((site) => site.spec.siteId);
    const deviceIds = fleet.flatMap((site) => site.devices.map((device) => device.deviceId));

    expect(new Set(siteIds).size).toBe(20);
    expect(new Set(deviceIds).size).toBe(60);
    expect(siteIds[0]).toBe('sim-site-0001');
  });

  it('keeps ids that are valid single MQTT topic levels', () => {
    for (const site of createFleet(3, 1)) {
      for (const { siteId, deviceId } of site.devices) {
        expect(siteId).toMatch(/^[a-z0-9-]+$/);
        expect(deviceId).toMatch(/^[a-z0-9-]+$/);
      }
    }
  });

  it('builds the same fleet from the same seed', () => {
    const specs = (seed: number) => createFleet(5, seed).map((site) => site.spec);

    expect(specs(42)).toEqual(specs(42));
    expect(specs(42)).not.toEqual(specs(43));
  });

  it('leaves existing sites unchanged when more sites are added', () => {
    const small = createFleet(2, 7).map((site) => site.spec);
    const large = createFleet(10, 7).map((site) => site.spec);

    expect(large.slice(0, 2)).toEqual(small);
  });

  it('derives site ids from the position only', () => {
    expect(simulatedSiteId(0)).toBe('sim-site-0001');
    expect(simulatedSiteId(41)).toBe('sim-site-0042');
  });
});
