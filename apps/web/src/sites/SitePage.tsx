import type { Device } from '@ecogrid/contracts';
import { Link, useParams } from 'react-router';
import { useSite, useSiteDevices } from '../api/fleet';
import { focusRing } from '../ui/Button';
import { Card } from '../ui/Card';
import { CsvButton } from '../ui/CsvButton';
import { csvFilename, toCsv } from '../ui/csv';
import { DataTable, type Column } from '../ui/DataTable';
import { formatDateTime, formatPower, formatRelative } from '../ui/format';
import { Page } from '../ui/Page';
import { ErrorState, LoadingState } from '../ui/states';
import { StatusBadge } from '../ui/StatusBadge';
import { DevicePowerHistory } from './DevicePowerHistory';
import { EnergyFlowDiagram } from './EnergyFlowDiagram';
import { EnergyHistory } from './EnergyHistory';
import { useSiteLive } from './use-site-live';

const DEVICE_TYPE_LABELS: Record<Device['type'], string> = {
  pv_inverter: 'PV inverter',
  battery: 'Battery',
  grid_meter: 'Grid meter',
  smart_meter: 'Smart meter',
  ev_charger: 'EV charger',
  heat_pump: 'Heat pump',
  load: 'Load',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function SitePage() {
  const { id = '' } = useParams();
  if (!UUID.test(id)) {
    return (
      <Page title="Site not found">
        <ErrorState
          title="This is not a site address"
          error={new Error(`"${id}" is not a site id.`)}
        />
      </Page>
    );
  }
  return <SiteView id={id} />;
}

function SiteView({ id }: { id: string }) {
  const site = useSite(id);
  const devices = useSiteDevices(id);
  const live = useSiteLive(id, devices.data);
  const back = (
    <Link
      to="/sites"
      className={`text-emerald-700 hover:underline dark:text-emerald-300 ${focusRing}`}
    >
      ← Sites
    </Link>
  );
  if (site.error) {
    return (
      <Page title="Site" breadcrumb={back}>
        <ErrorState error={site.error} onRetry={() => void site.refetch()} />
      </Page>
    );
  }
  if (!site.data) {
    return (
      <Page title="Site" breadcrumb={back}>
        <LoadingState label="Loading the site…" />
      </Page>
    );
  }
  const current = site.data;
  const columns: Column<Device>[] = [
    {
      key: 'name',
      header: 'Device',
      cell: (device) => (
        <Link
          to={`/devices/${device.id}`}
          className={`font-medium text-emerald-700 hover:underline dark:text-emerald-300 ${focusRing}`}
        >
          {device.name}
        </Link>
      ),
    },
    { key: 'type', header: 'Type', cell: (device) => DEVICE_TYPE_LABELS[device.type] },
    {
      key: 'status',
      header: 'Status',
      cell: (device) => <StatusBadge status={live.statuses.get(device.id) ?? device.status} />,
    },
    {
      key: 'power',
      header: 'Power',
      align: 'right',
      cell: (device) => formatPower(live.latest.get(device.id)?.['power_kw']),
    },
    {
      key: 'seen',
      header: 'Last seen',
      hideOnPhone: true,
      cell: (device) => (
        <span title={formatDateTime(device.lastSeenAt)}>{formatRelative(device.lastSeenAt)}</span>
      ),
    },
  ];
  const devicesCsv = () =>
    toCsv(devices.data ?? [], [
      { header: 'id', value: (device) => device.id },
      { header: 'name', value: (device) => device.name },
      { header: 'type', value: (device) => device.type },
      { header: 'status', value: (device) => live.statuses.get(device.id) ?? device.status },
      { header: 'power_kw', value: (device) => live.latest.get(device.id)?.['power_kw'] ?? null },
      { header: 'last_seen_at', value: (device) => device.lastSeenAt },
    ]);

  return (
    <Page
      title={current.name}
      breadcrumb={back}
      description={[
        current.address,
        current.timezone,
        `${formatPower(current.capacityKw)} installed`,
      ]
        .filter(Boolean)
        .join(' · ')}
    >
      <Card
        title="Energy flow (live)"
        actions={
          <span className="text-xs text-slate-500 dark:text-slate-400">
            {live.updatedAt
              ? `Updated ${new Date(live.updatedAt).toLocaleTimeString()}`
              : live.seeding
                ? 'Loading…'
                : 'Latest readings'}
          </span>
        }
      >
        {devices.error ? (
          <ErrorState error={devices.error} onRetry={() => void devices.refetch()} />
        ) : (
          <EnergyFlowDiagram flow={live.flow} />
        )}
      </Card>
      <EnergyHistory site={current} />
      {devices.data && <DevicePowerHistory site={current} devices={devices.data} />}
      <Card
        title="Devices"
        actions={
          <CsvButton
            filename={csvFilename('devices', current.name)}
            label="devices of this site"
            csv={devicesCsv}
            disabled={!devices.data}
          />
        }
      >
        <DataTable
          caption={`Devices of ${current.name}`}
          columns={columns}
          rows={devices.data}
          rowKey={(device) => device.id}
          loading={devices.isPending}
          error={devices.error}
          onRetry={() => void devices.refetch()}
          emptyTitle="This site has no devices yet"
        />
      </Card>
    </Page>
  );
}
