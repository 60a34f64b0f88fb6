import {
  DEVICE_STATUSES,
  DEVICE_TYPES,
  MAX_PAGE_LIMIT,
  type Device,
  type DeviceStatus,
  type DeviceType,
} from '@ecogrid/contracts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import {
  Button,
  Card,
  CsvButton,
  DataTable,
  Page,
  SelectField,
  StatusBadge,
  TextField,
  csvFilename,
  focusRing,
  toCsv,
  type Column,
  type CsvColumn,
} from '../ui';
import { BulkCommandPanel } from './BulkCommandPanel';
import { BulkTagPanel } from './BulkTagPanel';
import {
  PAGE_SIZES,
  activeFilterCount,
  deviceSortOf,
  filtersFromSearchParams,
  filtersToSearchParams,
  toListQuery,
  updateFilters,
  type DeviceFilters,
} from './device-filters';
import { DEVICE_STATUS_LABELS, DEVICE_TYPE_LABELS, formatTimestamp } from './device-labels';
import { fetchDevices, siteNameMap, useDevices, useSiteOptions } from './devices-api';
import { emptySelection, selectedRows, type Selection } from './selection';

/** Typing in the search or tag box waits this long before asking the server. */
const TYPING_DELAY_MS = 300;
/** The CSV of a filtered list holds at most this many pages of 100. */
const MAX_EXPORT_PAGES = 100;

function useDebounced(value: string, onSettled: (value: string) => void) {
  const settle = useRef(onSettled);
  useEffect(() => {
    settle.current = onSettled;
  });
  useEffect(() => {
    const timer = setTimeout(() => settle.current(value), TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [value]);
}

export function DevicesPage() {
  const { profile } = useSession();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearchParams(searchParams), [searchParams]);
  const query = toListQuery(filters);
  const devices = useDevices(query);
  const sites = useSiteOptions();
  const siteNames = useMemo(() => siteNameMap(sites.data), [sites.data]);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  /** Rows seen on any page, so a selection spanning pages can be exported. */
  const seen = useRef(new Map<string, Device>());
  for (const device of devices.data?.data ?? []) seen.current.set(device.id, device);

  const [search, setSearch] = useState(filters.search);
  const [tag, setTag] = useState(filters.tag);
  const [commandOpen, setCommandOpen] = useState(false);
  // The URL may change without typing (back, a link): the boxes follow it.
  useEffect(() => setSearch(filters.search), [filters.search]);
  useEffect(() => setTag(filters.tag), [filters.tag]);
  const mayTag = can(profile, 'devices:manage');
  const mayCommand = can(profile, 'commands:send');
  const timeZone = profile?.preferences.timezone;

  const change = (next: Partial<DeviceFilters>) => {
    const updated = updateFilters(filters, next);
    if (!('page' in next && Object.keys(next).length === 1)) setSelection(emptySelection);
    setSearchParams(filtersToSearchParams(updated), { replace: true });
  };
  useDebounced(search, (value) => {
    if (value !== filters.search) change({ search: value });
  });
  useDebounced(tag, (value) => {
    if (value !== filters.tag) change({ tag: value });
  });

  const columns: Column<Device>[] = [
    {
      key: 'name',
      header: 'Name',
      sortKey: 'name',
      cell: (device) => (
        <Link
          to={`/devices/${device.id}`}
          className={`rounded font-medium text-emerald-700 hover:underline dark:text-emerald-400 ${focusRing}`}
        >
          {device.name}
        </Link>
      ),
    },
    {
      key: 'type',
      header: 'Type',
      sortKey: 'type',
      cell: (device) => DEVICE_TYPE_LABELS[device.type],
    },
    {
      key: 'site',
      header: 'Site',
      cell: (device) => siteNames.get(device.siteId) ?? '—',
    },
    {
      key: 'status',
      header: 'Status',
      sortKey: 'status',
      cell: (device) => <StatusBadge status={device.status} />,
    },
    {
      key: 'tags',
      header: 'Tags',
      hideOnPhone: true,
      cell: (device) => (device.tags.length > 0 ? device.tags.join(', ') : '—'),
    },
    {
      key: 'lastSeenAt',
      header: 'Last seen',
      sortKey: 'lastSeenAt',
      hideOnPhone: true,
      cell: (device) => formatTimestamp(device.lastSeenAt, timeZone),
    },
  ];

  const csvColumns: CsvColumn<Device>[] = [
    { header: 'id', value: (device) => device.id },
    { header: 'name', value: (device) => device.name },
    { header: 'type', value: (device) => device.type },
    { header: 'siteId', value: (device) => device.siteId },
    { header: 'site', value: (device) => siteNames.get(device.siteId) },
    { header: 'status', value: (device) => device.status },
    { header: 'lastSeenAt', value: (device) => device.lastSeenAt },
    { header: 'manufacturer', value: (device) => device.manufacturer },
    { header: 'model', value: (device) => device.model },
    { header: 'serial', value: (device) => device.serial },
    { header: 'ratedPowerKw', value: (device) => device.ratedPowerKw },
    { header: 'capacityKwh', value: (device) => device.capacityKwh },
    { header: 'firmwareVersion', value: (device) => device.firmwareVersion },
    { header: 'tags', value: (device) => device.tags.join(';') },
  ];

  const exportFiltered = async () => {
    const rows: Device[] = [];
    for (let page = 1; page <= MAX_EXPORT_PAGES; page++) {
      const result = await fetchDevices({ ...query, page, limit: MAX_PAGE_LIMIT });
      rows.push(...result.data);
      if (page >= result.pagination.totalPages) break;
    }
    return toCsv(rows, csvColumns);
  };

  const filtered = activeFilterCount(filters) > 0;
  const total = devices.data?.pagination.total;

  return (
    <Page
      title="Devices"
      description={
        total === undefined
          ? undefined
          : `${total} device${total === 1 ? '' : 's'}${filtered ? ' match the filters' : ''}`
      }
      actions={<CsvButton label="devices" filename={csvFilename('devices')} csv={exportFiltered} />}
    >
      <Card>
        <form
          role="search"
          aria-label="Filter devices"
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6"
          onSubmit={(event) => {
            event.preventDefault();
            change({ search, tag });
          }}
        >
          <TextField
            label="Search"
            type="search"
            placeholder="Name, serial, model…"
            className="lg:col-span-2"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
          <SelectField
            label="Site"
            value={filters.siteId}
            onChange={(event) => change({ siteId: event.target.value })}
          >
            <option value="">All sites</option>
            {(sites.data ?? []).map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Type"
            value={filters.type}
            onChange={(event) => change({ type: event.target.value as DeviceType | '' })}
          >
            <option value="">All types</option>
            {DEVICE_TYPES.map((type) => (
              <option key={type} value={type}>
                {DEVICE_TYPE_LABELS[type]}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Status"
            value={filters.status}
            onChange={(event) => change({ status: event.target.value as DeviceStatus | '' })}
          >
            <option value="">All statuses</option>
            {DEVICE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {DEVICE_STATUS_LABELS[status]}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Tag"
            placeholder="e.g. roof-east"
            value={tag}
            onChange={(event) => setTag(event.target.value)}
          />
          <div className="flex flex-wrap items-end gap-2 sm:col-span-2 lg:col-span-6">
            <SelectField
              label="Per page"
              className="w-28"
              value={String(filters.limit)}
              onChange={(event) => change({ limit: Number(event.target.value) })}
            >
              {PAGE_SIZES.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </SelectField>
            {filtered && (
              <Button
                onClick={() => {
                  setSearch('');
                  setTag('');
                  setSelection(emptySelection);
                  setSearchParams(
                    filtersToSearchParams({
                      ...filters,
                      search: '',
                      siteId: '',
                      type: '',
                      status: '',
                      tag: '',
                      page: 1,
                    }),
                    { replace: true },
                  );
                }}
              >
                Clear filters
              </Button>
            )}
            {sites.isError && (
              <p role="alert" className="text-xs text-red-700 dark:text-red-300">
                Site names could not be loaded.
              </p>
            )}
          </div>
        </form>
      </Card>

      {selection.size > 0 && (
        <Card
          title={`${selection.size} selected`}
          actions={
            <>
              <CsvButton
                label="selected devices"
                filename={csvFilename('devices-selected')}
                csv={() => toCsv(selectedRows(selection, seen.current), csvColumns)}
              />
              <Button size="sm" onClick={() => setSelection(emptySelection)}>
                Clear selection
              </Button>
            </>
          }
        >
          {mayTag ? (
            <BulkTagPanel selection={selection} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Export the selection as CSV; tagging devices is for admins.
            </p>
          )}
        </Card>
      )}

      <Card>
        <DataTable
          caption="Devices"
          columns={columns}
          rows={devices.data?.data}
          rowKey={(device) => device.id}
          rowLabel={(device) => device.name}
          loading={devices.isFetching}
          error={devices.isError ? devices.error : undefined}
          onRetry={() => void devices.refetch()}
          emptyTitle={filtered ? 'No devices match these filters' : 'No devices yet'}
          emptyHint={
            filtered
              ? 'Change or clear the filters.'
              : 'Devices appear here once an admin adds or imports them.'
          }
          sort={{
            key: filters.sort.replace(/^-/, ''),
            direction: filters.sort.startsWith('-') ? 'desc' : 'asc',
          }}
          onSortChange={(next) => {
            const sort = deviceSortOf(next.key, next.direction);
            if (sort) change({ sort });
          }}
          pagination={devices.data?.pagination}
          onPageChange={(page) => change({ page })}
          selection={selection}
          onSelectionChange={setSelection}
        />
      </Card>

      {mayCommand && (
        <details
          onToggle={(event) => setCommandOpen(event.currentTarget.open)}
          className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
        >
          <summary className={`cursor-pointer rounded font-semibold ${focusRing}`}>
            Command devices by tag
          </summary>
          {commandOpen && (
            <div className="mt-3">
              <BulkCommandPanel
                sites={sites.data ?? []}
                initialTag={filters.tag}
                initialSiteId={filters.siteId}
              />
            </div>
          )}
        </details>
      )}
    </Page>
  );
}
