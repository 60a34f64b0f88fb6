import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEVICE_FILTERS,
  activeFilterCount,
  filtersFromSearchParams,
  filtersToSearchParams,
  deviceSortOf,
  toListQuery,
  updateFilters,
} from './device-filters';

const siteId = '5b0c1d5e-8f4a-4d3c-9a51-0f2e3b4c5d6e';

describe('device filters', () => {
  it('reads every filter from the URL', () => {
    const filters = filtersFromSearchParams(
      new URLSearchParams(
        `search=roof&siteId=${siteId}&type=battery&status=online&tag=east&sort=-lastSeenAt&page=3&limit=50`,
      ),
    );
    expect(filters).toEqual({
      search: 'roof',
      siteId,
      type: 'battery',
      status: 'online',
      tag: 'east',
      sort: '-lastSeenAt',
      page: 3,
      limit: 50,
    });
  });

  it('falls back to defaults for values the API would refuse', () => {
    const filters = filtersFromSearchParams(
      new URLSearchParams('siteId=nope&type=toaster&status=asleep&sort=color&page=-2&limit=5000'),
    );
    expect(filters).toEqual(DEFAULT_DEVICE_FILTERS);
  });

  it('writes only what differs from the defaults, and round-trips', () => {
    const filters = { ...DEFAULT_DEVICE_FILTERS, type: 'ev_charger' as const, page: 2 };
    const params = filtersToSearchParams(filters);
    expect(params.toString()).toBe('type=ev_charger&page=2');
    expect(filtersFromSearchParams(params)).toEqual(filters);
  });

  it('leaves empty filters out of the API query', () => {
    expect(toListQuery({ ...DEFAULT_DEVICE_FILTERS, search: '  ', tag: ' east ' })).toEqual({
      sort: 'name',
      page: 1,
      limit: 20,
      tag: 'east',
    });
  });

  it('goes back to page 1 when a filter changes, but not when paging', () => {
    const onPage3 = { ...DEFAULT_DEVICE_FILTERS, page: 3 };
    expect(updateFilters(onPage3, { status: 'fault' }).page).toBe(1);
    expect(updateFilters(onPage3, { page: 4 }).page).toBe(4);
  });

  it('accepts only sorts the API knows', () => {
    expect(deviceSortOf('lastSeenAt', 'desc')).toBe('-lastSeenAt');
    expect(deviceSortOf('name', 'asc')).toBe('name');
    expect(deviceSortOf('siteName', 'asc')).toBeNull();
  });

  it('counts the active filters', () => {
    expect(activeFilterCount(DEFAULT_DEVICE_FILTERS)).toBe(0);
    expect(activeFilterCount({ ...DEFAULT_DEVICE_FILTERS, search: 'x', tag: 'y' })).toBe(2);
  });
});
