import type { DeviceStatus, FleetSummary } from '@ecogrid/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { Link } from 'react-router';
import {
  fleetKeys,
  useAllDevices,
  useAllSites,
  useFleetSummary,
  useSiteDevices,
} from '../api/fleet';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { useLiveSubscription } from '../live/LiveProvider';
import { useSiteLive } from '../sites/use-site-live';
import { focusRing } from '../ui/Button';
import { Card } from '../ui/Card';
import { CsvButton } from '../ui/CsvButton';
import { toCsv } from '../ui/csv';
import { formatPower } from '../ui/format';
import { Page } from '../ui/Page';
import { EmptyState, ErrorState, LoadingState } from '../ui/states';
import { fleetPowerHistory } from './fleet-history';
import { fleetChartRange } from './fleet-window';
import { fleetKpis } from './kpis';
import {
  SITE_STATUS_COLORS,
  SITE_STATUS_LABELS,
  siteStatuses,
  type SiteStatus,
} from './site-status';

// MapLibre is large: it loads with the overview, not with the app.
const SiteMap = lazy(() => import('./SiteMap'));

const KPI_TEST_IDS: Record<string, string | undefined> = {
  sites: 'kpi-sites',
  production: 'kpi-production',
  consumption: 'kpi-consumption',
};

function KpiStrip({ summary }: { summary: FleetSummary }) {
  const kpis = fleetKpis(summary);
  return (
    <section aria-label="Key figures">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 xl:grid-cols-7">
        {kpis.map((kpi) => (
          <div
            key={kpi.id}
            className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm dark:border-slate-800 dark:bg-slate-900"
          >
            <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">
              {kpi.label}
            </dt>
            <dd
              data-testid={KPI_TEST_IDS[kpi.id]}
              className="mt-1 text-lg font-semibold tabular-nums sm:text-xl"
            >
              {kpi.value}
            </dd>
            <dd className="text-xs text-slate-500 dark:text-slate-400">{kpi.detail}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function subscribeToTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}

function SitePopup({ siteId, name }: { siteId: string; name: string }) {
  const devices = useSiteDevices(siteId);
  const { flow } = useSiteLive(siteId, devices.data);
  return (
    <div className="space-y-1 pr-4">
      <p className="font-semibold">{name}</p>
      <p>PV {formatPower(flow.pvKw)}</p>
      <p>Load {formatPower(flow.loadKw)}</p>
      <p>
        Grid {formatPower(flow.gridKw)}
        {flow.gridKw !== null && flow.gridKw !== 0 && (flow.gridKw > 0 ? ' import' : ' export')}
      </p>
      <Link to={`/sites/${siteId}`} className="text-emerald-700 underline">
        Open site
      </Link>
    </div>
  );
}

function FleetMap() {
  const sites = useAllSites();
  const devices = useAllDevices();
  const [overrides, setOverrides] = useState<Map<string, DeviceStatus>>(new Map());
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const dark = useSyncExternalStore(
    subscribeToTheme,
    () => document.documentElement.classList.contains('dark'),
    () => false,
  );
  useLiveSubscription({ kind: 'fleet' }, (message) => {
    if (message.type === 'device.status') {
      setOverrides((previous) => new Map(previous).set(message.deviceId, message.status));
    }
  });
  const statuses = useMemo(
    () => siteStatuses(devices.data ?? [], overrides),
    [devices.data, overrides],
  );
  const mapSites = useMemo(
    () =>
      (sites.data ?? []).map((site) => ({
        id: site.id,
        name: site.name,
        latitude: site.latitude,
        longitude: site.longitude,
        status: statuses.get(site.id) ?? 'unknown',
      })),
    [sites.data, statuses],
  );
  const selected = mapSites.find((site) => site.id === selectedId);

  const csv = () =>
    toCsv(mapSites, [
      { header: 'site', value: (site) => site.name },
      { header: 'latitude', value: (site) => site.latitude },
      { header: 'longitude', value: (site) => site.longitude },
      { header: 'status', value: (site) => site.status },
    ]);

  return (
    <Card
      title="Sites on the map"
      actions={
        <CsvButton
          filename="sites-map.csv"
          label="sites on the map"
          csv={csv}
          disabled={!sites.data}
        />
      }
    >
      {sites.error ? (
        <ErrorState error={sites.error} onRetry={() => void sites.refetch()} />
      ) : !sites.data ? (
        <LoadingState label="Loading sites…" />
      ) : mapSites.length === 0 ? (
        <EmptyState title="No sites yet">Sites appear here once they are created.</EmptyState>
      ) : (
        <div className="grid gap-4 lg:grid-cols-[1fr_16rem]">
          <Suspense fallback={<LoadingState label="Loading the map…" />}>
            <SiteMap
              sites={mapSites}
              selectedId={selectedId}
              onSelect={setSelectedId}
              dark={dark}
              popup={selected ? <SitePopup siteId={selected.id} name={selected.name} /> : null}
            />
          </Suspense>
          <div>
            <ul aria-label="Sites" className="max-h-96 space-y-1 overflow-y-auto text-sm">
              {mapSites.map((site) => (
                <li key={site.id}>
                  <button
                    type="button"
                    aria-pressed={site.id === selectedId}
                    onClick={() => setSelectedId(site.id === selectedId ? null : site.id)}
                    className={`flex w-full items-center gap-2 rounded px-2 py-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800 ${focusRing} ${site.id === selectedId ? 'bg-slate-100 dark:bg-slate-800' : ''}`}
                  >
                    <span
                      aria-hidden="true"
                      className="size-2.5 shrink-0 rounded-full"
                      style={{ backgroundColor: SITE_STATUS_COLORS[site.status] }}
                    />
                    <span className="min-w-0 flex-1 truncate">{site.name}</span>
                    <span className="sr-only">{SITE_STATUS_LABELS[site.status]}</span>
                  </button>
                </li>
              ))}
            </ul>
            <ul
              aria-label="Legend"
              className="mt-3 space-y-0.5 text-xs text-slate-600 dark:text-slate-400"
            >
              {(Object.keys(SITE_STATUS_LABELS) as SiteStatus[]).map((status) => (
                <li key={status} className="flex items-center gap-2">
                  <span
                    aria-hidden="true"
                    className="size-2 rounded-full"
                    style={{ backgroundColor: SITE_STATUS_COLORS[status] }}
                  />
                  {SITE_STATUS_LABELS[status]}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </Card>
  );
}

function FleetPowerChart({ history }: { history: ReturnType<typeof fleetPowerHistory.snapshot> }) {
  const series = useMemo(
    () => [
      { label: 'Production', values: history.production, color: '#eab308', unit: 'kW' },
      { label: 'Consumption', values: history.consumption, color: '#3b82f6', unit: 'kW' },
      { label: 'Grid', values: history.grid, color: '#64748b', unit: 'kW' },
      { label: 'Battery', values: history.battery, color: '#10b981', unit: 'kW' },
    ],
    [history],
  );
  const range = fleetChartRange(history.timestamps);
  return (
    <Card>
      <TimeSeriesChart
        title="Fleet power (live)"
        timestamps={history.timestamps}
        {...(range ? { xRange: range } : {})}
        series={series}
        csvFilename="fleet-power.csv"
        emptyTitle="Waiting for the first live figures…"
      />
    </Card>
  );
}

export function OverviewPage() {
  const summary = useFleetSummary();
  const queryClient = useQueryClient();
  const [history, setHistory] = useState(() => fleetPowerHistory.snapshot());

  // The first point comes from the REST answer, so the chart starts before the first live message.
  useEffect(() => {
    if (!summary.data || fleetPowerHistory.length > 0) return;
    fleetPowerHistory.add(summary.dataUpdatedAt, summary.data.live);
    setHistory(fleetPowerHistory.snapshot());
  }, [summary.data, summary.dataUpdatedAt]);

  useLiveSubscription({ kind: 'fleet' }, (message) => {
    if (message.type !== 'fleet.summary') return;
    queryClient.setQueryData(fleetKeys.summary, message.summary);
    fleetPowerHistory.add(Date.parse(message.at), message.summary.live);
    setHistory(fleetPowerHistory.snapshot());
  });

  return (
    <Page title="Overview" description="Your fleet right now.">
      {summary.error ? (
        <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />
      ) : summary.data ? (
        <KpiStrip summary={summary.data} />
      ) : (
        <LoadingState label="Loading the key figures…" />
      )}
      <FleetMap />
      <FleetPowerChart history={history} />
    </Page>
  );
}
