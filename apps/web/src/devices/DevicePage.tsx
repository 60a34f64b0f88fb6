import { uuidSchema } from '@ecogrid/contracts';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { EmptyState, ErrorState, LoadingState, Page, focusRing } from '../ui';
import { CommandHistory } from './CommandHistory';
import { CommandPanel } from './CommandPanel';
import { DeviceLive } from './DeviceLive';
import { DEVICE_TYPE_LABELS } from './device-labels';
import { useDevice, useSiteOptions } from './devices-api';

const backLink = (
  <Link
    to="/devices"
    className={`rounded text-emerald-700 hover:underline dark:text-emerald-400 ${focusRing}`}
  >
    ← Devices
  </Link>
);

/** One device: its status and live values, the command panel (for those who may) and its history. */
export function DevicePage() {
  const { id = '' } = useParams();
  const valid = uuidSchema.safeParse(id).success;
  if (!valid) {
    return (
      <Page title="Device" breadcrumb={backLink}>
        <EmptyState title="No such device">The address does not name a device.</EmptyState>
      </Page>
    );
  }
  return <DeviceDetails id={id} />;
}

function DeviceDetails({ id }: { id: string }) {
  const { profile } = useSession();
  const device = useDevice(id);
  const sites = useSiteOptions();
  const timeZone = profile?.preferences.timezone;

  if (device.isPending) {
    return (
      <Page title="Device" breadcrumb={backLink}>
        <LoadingState label="Loading the device…" />
      </Page>
    );
  }
  if (device.isError) {
    const missing = device.error instanceof ApiError && device.error.status === 404;
    return (
      <Page title="Device" breadcrumb={backLink}>
        {missing ? (
          <EmptyState title="Device not found">
            It does not exist, was removed, or belongs to a site outside your access.
          </EmptyState>
        ) : (
          <ErrorState error={device.error} onRetry={() => void device.refetch()} />
        )}
      </Page>
    );
  }

  const current = device.data;
  const siteName = sites.data?.find((site) => site.id === current.siteId)?.name;
  const maker = [current.manufacturer, current.model].filter(Boolean).join(' ');
  return (
    <Page
      title={current.name}
      breadcrumb={backLink}
      description={
        <>
          {DEVICE_TYPE_LABELS[current.type]}
          {' · '}
          <Link
            to={`/sites/${current.siteId}`}
            className={`rounded text-emerald-700 hover:underline dark:text-emerald-400 ${focusRing}`}
          >
            {siteName ?? 'Site'}
          </Link>
          {maker && ` · ${maker}`}
        </>
      }
    >
      <DeviceLive device={current} {...(timeZone ? { timeZone } : {})} />
      {can(profile, 'commands:send') && <CommandPanel device={current} />}
      <CommandHistory
        deviceId={current.id}
        deviceName={current.name}
        {...(timeZone ? { timeZone } : {})}
      />
    </Page>
  );
}
