import {
  listSitesQuerySchema,
  MAX_PAGE_LIMIT,
  type ListSitesQuery,
  type Site,
} from '@ecogrid/contracts';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, data } from '../api/client';
import { fetchAllPages, useSites } from '../api/fleet';
import { focusRing } from '../ui/Button';
import { Card } from '../ui/Card';
import { CsvButton } from '../ui/CsvButton';
import { toCsv, type CsvColumn } from '../ui/csv';
import { DataTable, formatSort, parseSort, type Column } from '../ui/DataTable';
import { formatPower } from '../ui/format';
import { SelectField, TextField } from '../ui/form';
import { Page } from '../ui/Page';

export const SITE_CSV_COLUMNS: CsvColumn<Site>[] = [
  { header: 'id', value: (site) => site.id },
  { header: 'name', value: (site) => site.name },
  { header: 'address', value: (site) => site.address },
  { header: 'latitude', value: (site) => site.latitude },
  { header: 'longitude', value: (site) => site.longitude },
  { header: 'timezone', value: (site) => site.timezone },
  { header: 'capacity_kw', value: (site) => site.capacityKw },
  { header: 'grid_limit_kw', value: (site) => site.gridLimitKw },
  { header: 'tags', value: (site) => site.tags.join(' ') },
];

/** The list's state lives in the URL, so a filtered list can be shared and survives a reload. */
export function sitesQueryFromParams(params: URLSearchParams): ListSitesQuery {
  const raw = Object.fromEntries(
    ['page', 'limit', 'search', 'tag', 'timezone', 'sort'].flatMap((key) => {
      const value = params.get(key);
      return value ? [[key, value]] : [];
    }),
  );
  const parsed = listSitesQuerySchema.safeParse(raw);
  return parsed.success ? parsed.data : listSitesQuerySchema.parse({});
}

const COLUMNS: Column<Site>[] = [
  {
    key: 'name',
    header: 'Name',
    sortKey: 'name',
    cell: (site) => (
      <Link
        to={`/sites/${site.id}`}
        className={`font-medium text-emerald-700 hover:underline dark:text-emerald-300 ${focusRing}`}
      >
        {site.name}
      </Link>
    ),
  },
  { key: 'address', header: 'Address', cell: (site) => site.address ?? '—', hideOnPhone: true },
  {
    key: 'capacity',
    header: 'Capacity',
    sortKey: 'capacityKw',
    align: 'right',
    cell: (site) => formatPower(site.capacityKw),
  },
  { key: 'timezone', header: 'Timezone', cell: (site) => site.timezone, hideOnPhone: true },
  {
    key: 'tags',
    header: 'Tags',
    cell: (site) =>
      site.tags.length === 0 ? (
        '—'
      ) : (
        <span className="flex flex-wrap gap-1">
          {site.tags.map((tag) => (
            <span
              key={tag}
              className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800"
            >
              {tag}
            </span>
          ))}
        </span>
      ),
  },
];

export function SitesPage() {
  const [params, setParams] = useSearchParams();
  const query = sitesQueryFromParams(params);
  const [search, setSearch] = useState(query.search ?? '');
  const sites = useSites(query);

  const update = (changes: Partial<Record<keyof ListSitesQuery, string | undefined>>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  const exportCsv = async () => {
    const all = await fetchAllPages((page) =>
      data(
        api.GET('/api/v1/sites', {
          params: { query: { ...query, page, limit: MAX_PAGE_LIMIT } },
        }),
      ),
    );
    return toCsv(all, SITE_CSV_COLUMNS);
  };

  return (
    <Page
      title="Sites"
      description="Every site of your fleet; open one for its live energy flow and history."
      actions={<CsvButton filename="sites.csv" label="sites" csv={exportCsv} />}
    >
      <Card>
        <form
          role="search"
          className="mb-4 grid gap-3 sm:grid-cols-[1fr_12rem_12rem_auto] sm:items-end"
          onSubmit={(event) => {
            event.preventDefault();
            update({ search: search.trim() || undefined });
          }}
        >
          <TextField
            label="Search"
            type="search"
            placeholder="Name or address"
            value={search}
            maxLength={100}
            onChange={(event) => setSearch(event.target.value)}
            onBlur={() => update({ search: search.trim() || undefined })}
          />
          <TextField
            label="Tag"
            defaultValue={query.tag ?? ''}
            maxLength={50}
            onBlur={(event) => update({ tag: event.target.value.trim() || undefined })}
          />
          <SelectField
            label="Per page"
            value={String(query.limit)}
            onChange={(event) => update({ limit: event.target.value })}
          >
            {[10, 20, 50, 100].map((limit) => (
              <option key={limit} value={limit}>
                {limit}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="sr-only">
            Apply filters
          </button>
        </form>
        <DataTable
          caption="Sites"
          columns={COLUMNS}
          rows={sites.data?.data}
          rowKey={(site) => site.id}
          loading={sites.isFetching}
          error={sites.error}
          onRetry={() => void sites.refetch()}
          emptyTitle={query.search || query.tag ? 'No site matches these filters' : 'No sites yet'}
          sort={parseSort(query.sort)}
          onSortChange={(sort) => update({ sort: formatSort(sort) })}
          {...(sites.data ? { pagination: sites.data.pagination } : {})}
          onPageChange={(page) => update({ page: String(page) })}
        />
      </Card>
    </Page>
  );
}
