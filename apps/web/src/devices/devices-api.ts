import {
  MAX_PAGE_LIMIT,
  type BulkTag,
  type Device,
  type ListDevicesQuery,
  type Pagination,
  type Site,
} from '@ecogrid/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, data } from '../api/client';

export interface DevicePage {
  data: Device[];
  pagination: Pagination;
}

export const deviceKeys = {
  all: ['devices'] as const,
  list: (query: ListDevicesQuery) => ['devices', 'list', query] as const,
  one: (id: string) => ['devices', 'one', id] as const,
  latest: (id: string) => ['devices', 'latest', id] as const,
};

export function fetchDevices(query: ListDevicesQuery): Promise<DevicePage> {
  return data(api.GET('/api/v1/devices', { params: { query } }));
}

export function useDevices(query: ListDevicesQuery) {
  return useQuery({
    queryKey: deviceKeys.list(query),
    queryFn: () => fetchDevices(query),
    // Paging and filtering keep the old rows on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function useDevice(id: string) {
  return useQuery({
    queryKey: deviceKeys.one(id),
    queryFn: () => data(api.GET('/api/v1/devices/{id}', { params: { path: { id } } })),
  });
}

export function useLatestValues(id: string) {
  return useQuery({
    queryKey: deviceKeys.latest(id),
    queryFn: () => data(api.GET('/api/v1/devices/{id}/latest', { params: { path: { id } } })),
  });
}

export function bulkTagDevices(body: BulkTag): Promise<unknown> {
  return data(api.POST('/api/v1/devices/tags', { body }));
}

/** A tenant's sites for pickers and names; read page by page up to a bound a picker can show. */
const MAX_SITE_PAGES = 20;

export async function fetchAllSites(): Promise<Site[]> {
  const sites: Site[] = [];
  for (let page = 1; page <= MAX_SITE_PAGES; page++) {
    const result = await data(
      api.GET('/api/v1/sites', {
        params: { query: { page, limit: MAX_PAGE_LIMIT, sort: 'name' } },
      }),
    );
    sites.push(...result.data);
    if (page >= result.pagination.totalPages) break;
  }
  return sites;
}

export function useSiteOptions() {
  return useQuery({
    queryKey: ['sites', 'options'],
    queryFn: fetchAllSites,
    staleTime: 60_000,
  });
}

export function siteNameMap(sites: readonly Pick<Site, 'id' | 'name'>[] | undefined) {
  return new Map((sites ?? []).map((site) => [site.id, site.name]));
}
