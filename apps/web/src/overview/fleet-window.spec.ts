import { describe, expect, it } from 'vitest';
import { fleetChartRange, MIN_WINDOW_SECONDS } from './fleet-window';

describe('fleetChartRange', () => {
  it('has no range before the first sample', () => {
    expect(fleetChartRange([])).toBeUndefined();
  });

  it('shows at least the last five minutes, ending at the newest sample', () => {
    expect(fleetChartRange([1000])).toEqual([1000 - MIN_WINDOW_SECONDS, 1000]);
    expect(fleetChartRange([1000, 1010])).toEqual([1010 - MIN_WINDOW_SECONDS, 1010]);
  });

  it('shows everything once the samples span longer than that', () => {
    expect(fleetChartRange([0, 100, 4000])).toEqual([0, 4000]);
  });
});
