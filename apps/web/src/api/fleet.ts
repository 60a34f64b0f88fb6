import {
  MAX_PAGE_LIMIT,
  type Device,
  type FleetSummary,
  type ListSitesQuery,
  type Pagination,
  type Site,
  type SiteEnergy,
} from '@ecogrid/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, data } from './client';

/** Query keys of the sites, fleet and energy screens. */
export const fleetKeys = {
  summary: ['fleet', 'summary'] as const,
  sites: (query: ListSitesQuery) => ['sites', 'list', query] as const,
  allSites: ['sites', 'all'] as const,
  site: (id: string) => ['sites', 'one', id] as const,
  siteDevices: (siteId: string) => ['devices', 'site', siteId] as const,
  allDevices: ['devices', 'all'] as const,
  latest: (deviceId: string) => ['devices', 'latest', deviceId] as const,
  energy: (siteId: string, from: number, to: number, resolution: string) =>
    ['sites', 'energy', siteId, from, to, resolution] as const,
  telemetry: (deviceId: string, metric: string, from: number, to: number) =>
    ['devices', 'telemetry', deviceId, metric, from, to] as const,
};

/** Lists are paged at 100; screens that need everything (the map) read at most this many pages. */
const MAX_PAGES = 50;

export async function fetchAllPages<T>(
  fetchPage: (page: number) => Promise<{ data: T[]; pagination: Pagination }>,
): Promise<T[]> {
  const rows: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await fetchPage(page);
    rows.push(...result.data);
    if (page >= result.pagination.totalPages) break;
  }
  return rows;
}

export function useFleetSummary() {
  return useQuery({
    queryKey: fleetKeys.summary,
    queryFn: (): Promise<FleetSummary> => data(api.GET('/api/v1/fleet/summary')),
  });
}

export function useSites(query: ListSitesQuery) {
  return useQuery({
    queryKey: fleetKeys.sites(query),
    queryFn: () => data(api.GET('/api/v1/sites', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useAllSites() {
  return useQuery({
    queryKey: fleetKeys.allSites,
    queryFn: (): Promise<Site[]> =>
      fetchAllPages((page) =>
        data(
          api.GET('/api/v1/sites', {
            params: { query: { page, limit: MAX_PAGE_LIMIT, sort: 'name' } },
          }),
        ),
      ),
  });
}

export function useAllDevices() {
  return useQuery({
    queryKey: fleetKeys.allDevices,
    queryFn: (): Promise<Device[]> =>
      fetchAllPages((page) =>
        data(
          api.GET('/api/v1/devices', {
            params: { query: { page, limit: MAX_PAGE_LIMIT, sort: 'name' } },
          }),
        ),
      ),
  });
}

export function useSite(id: string) {
  return useQuery({
    queryKey: fleetKeys.site(id),
    queryFn: (): Promise<Site> => data(api.GET('/api/v1/sites/{id}', { params: { path: { id } } })),
  });
}

export function useSiteDevices(siteId: string) {
  return useQuery({
    queryKey: fleetKeys.siteDevices(siteId),
    queryFn: (): Promise<Device[]> =>
      fetchAllPages((page) =>
        data(
          api.GET('/api/v1/devices', {
            params: { query: { page, limit: MAX_PAGE_LIMIT, sort: 'name', siteId } },
          }),
        ),
      ),
  });
}

/** The latest value of each metric of a device, as a metric → value record. */
export async function fetchLatest(deviceId: string): Promise<Record<string, number>> {
  const latest = await data(
    api.GET('/api/v1/devices/{id}/latest', { params: { path: { id: deviceId } } }),
  );
  return Object.fromEntries(latest.values.map((value) => [value.metric, value.value]));
}

export function fetchEnergy(
  siteId: string,
  from: number,
  to: number,
  resolution: '15m' | '1h' | '1d',
): Promise<SiteEnergy> {
  return data(
    api.GET('/api/v1/sites/{id}/energy', {
      params: {
        path: { id: siteId },
        query: {
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          resolution,
          format: 'json',
        },
      },
    }),
  );
}
