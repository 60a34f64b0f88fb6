import {
  deviceStatusSchema,
  deviceTypeSchema,
  listDevicesQuerySchema,
  type DeviceStatus,
  type DeviceType,
  type ListDevicesQuery,
} from '@ecogrid/contracts';

/**
 * The devices list's filters, kept in the URL so a filtered view can be bookmarked and shared. A
 * hand-edited URL never breaks the page: each value the contract refuses falls back to its default.
 */
export type DeviceSort = ListDevicesQuery['sort'];
export type SortDirection = 'asc' | 'desc';

export interface DeviceFilters {
  search: string;
  siteId: string;
  type: DeviceType | '';
  status: DeviceStatus | '';
  tag: string;
  sort: DeviceSort;
  page: number;
  limit: number;
}

export const PAGE_SIZES = [20, 50, 100] as const;

export const DEFAULT_DEVICE_FILTERS: DeviceFilters = {
  search: '',
  siteId: '',
  type: '',
  status: '',
  tag: '',
  sort: 'name',
  page: 1,
  limit: 20,
};

const shape = listDevicesQuerySchema.shape;

function parsed<T>(result: { success: true; data: T } | { success: false }, fallback: T): T {
  return result.success ? result.data : fallback;
}

export function filtersFromSearchParams(params: URLSearchParams): DeviceFilters {
  const text = (name: string) => params.get(name) ?? '';
  const defaults = DEFAULT_DEVICE_FILTERS;
  return {
    search: parsed(shape.search.safeParse(text('search')), undefined) ?? '',
    siteId: params.has('siteId') ? (parsed(shape.siteId.safeParse(text('siteId')), '') ?? '') : '',
    type: params.has('type') ? parsed(deviceTypeSchema.safeParse(text('type')), '') : '',
    status: params.has('status') ? parsed(deviceStatusSchema.safeParse(text('status')), '') : '',
    tag: parsed(shape.tag.safeParse(text('tag')), undefined) ?? '',
    sort: params.has('sort') ? parsed(shape.sort.safeParse(text('sort')), defaults.sort) : 'name',
    page: params.has('page') ? parsed(shape.page.safeParse(text('page')), 1) : 1,
    limit: params.has('limit')
      ? parsed(shape.limit.safeParse(text('limit')), defaults.limit)
      : defaults.limit,
  };
}

/** Only what differs from the defaults, so URLs stay short. */
export function filtersToSearchParams(filters: DeviceFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_DEVICE_FILTERS) as (keyof DeviceFilters)[]) {
    const value = filters[key];
    if (value !== DEFAULT_DEVICE_FILTERS[key] && value !== '') params.set(key, String(value));
  }
  return params;
}

/** The query for GET /devices: empty filters are left out. */
export function toListQuery(filters: DeviceFilters): ListDevicesQuery {
  const query: ListDevicesQuery = {
    sort: filters.sort,
    page: filters.page,
    limit: filters.limit,
  };
  const search = filters.search.trim();
  if (search) query.search = search;
  if (filters.siteId) query.siteId = filters.siteId;
  if (filters.type) query.type = filters.type;
  if (filters.status) query.status = filters.status;
  const tag = filters.tag.trim();
  if (tag) query.tag = tag;
  return query;
}

/** Changing anything but the page starts again at page 1: the old page may not exist any more. */
export function updateFilters(
  current: DeviceFilters,
  change: Partial<DeviceFilters>,
): DeviceFilters {
  const next = { ...current, ...change };
  const onlyPage = Object.keys(change).every((key) => key === 'page');
  return onlyPage ? next : { ...next, page: change.page ?? 1 };
}

/** A sort the table asks for, if the API knows it (`{key: 'name', direction: 'desc'}` → `-name`). */
export function deviceSortOf(key: string, direction: SortDirection): DeviceSort | null {
  const result = shape.sort.safeParse(direction === 'desc' ? `-${key}` : key);
  return result.success ? result.data : null;
}

export function activeFilterCount(filters: DeviceFilters): number {
  return [
    filters.search.trim(),
    filters.siteId,
    filters.type,
    filters.status,
    filters.tag.trim(),
  ].filter(Boolean).length;
}
