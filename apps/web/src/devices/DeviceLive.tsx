import type { Device, LiveServerMessage } from '@ecogrid/contracts';
import { useEffect, useState } from 'react';
import { useLiveSubscription } from '../live/LiveProvider';
import {
  Card,
  CsvButton,
  EmptyState,
  ErrorState,
  LoadingState,
  StatusBadge,
  csvFilename,
  toCsv,
} from '../ui';
import { useLatestValues } from './devices-api';
import {
  DEVICE_STATUS_LABELS,
  formatMetricValue,
  formatTimestamp,
  metricLabel,
} from './device-labels';
import {
  mergeLatest,
  mergeLiveMetrics,
  mergeStatus,
  orderedMetrics,
  type MetricValues,
  type StatusValue,
} from './live-metrics';

export interface DeviceLiveProps {
  device: Device;
  timeZone?: string;
}

/** The device's status and latest values, kept current by the device's live topic. */
export function DeviceLive({ device, timeZone }: DeviceLiveProps) {
  const latest = useLatestValues(device.id);
  const [values, setValues] = useState<MetricValues>({});
  const [status, setStatus] = useState<StatusValue>({
    status: device.status,
    at: device.lastSeenAt,
  });
  const [liveError, setLiveError] = useState<string | null>(null);

  useEffect(() => {
    if (latest.data) setValues((current) => mergeLatest(current, latest.data.values));
  }, [latest.data]);

  useEffect(() => {
    setStatus((current) => mergeStatus(current, { status: device.status, at: device.lastSeenAt }));
  }, [device.status, device.lastSeenAt]);

  useLiveSubscription({ kind: 'device', deviceId: device.id }, (message: LiveServerMessage) => {
    if (message.type === 'device.metrics' && message.deviceId === device.id) {
      setValues((current) => mergeLiveMetrics(current, message.ts, message.metrics));
      setLiveError(null);
    } else if (message.type === 'device.status' && message.deviceId === device.id) {
      setStatus((current) => mergeStatus(current, { status: message.status, at: message.at }));
    } else if (message.type === 'error') {
      setLiveError(message.message);
    }
  });

  const metrics = orderedMetrics(values);
  const newest = metrics.reduce<string | null>((latestTs, metric) => {
    const ts = values[metric]!.ts;
    return latestTs === null || ts > latestTs ? ts : latestTs;
  }, null);

  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <Card title="Status">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-slate-500 dark:text-slate-400">Status</dt>
          <dd>
            <span data-testid="device-status" data-status={status.status}>
              <StatusBadge status={status.status} />
            </span>
            <span className="sr-only"> ({DEVICE_STATUS_LABELS[status.status]})</span>
          </dd>
          <dt className="text-slate-500 dark:text-slate-400">Last seen</dt>
          <dd>{formatTimestamp(status.at, timeZone)}</dd>
          <dt className="text-slate-500 dark:text-slate-400">Firmware</dt>
          <dd>{device.firmwareVersion ?? '—'}</dd>
          <dt className="text-slate-500 dark:text-slate-400">Serial</dt>
          <dd className="break-all">{device.serial ?? '—'}</dd>
          <dt className="text-slate-500 dark:text-slate-400">Rated power</dt>
          <dd>{device.ratedPowerKw === null ? '—' : `${device.ratedPowerKw} kW`}</dd>
          {device.capacityKwh !== null && (
            <>
              <dt className="text-slate-500 dark:text-slate-400">Capacity</dt>
              <dd>{device.capacityKwh} kWh</dd>
            </>
          )}
          <dt className="text-slate-500 dark:text-slate-400">Tags</dt>
          <dd className="flex flex-wrap gap-1">
            {device.tags.length === 0
              ? '—'
              : device.tags.map((tag) => (
                  <span
                    key={tag}
                    className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800"
                  >
                    {tag}
                  </span>
                ))}
          </dd>
        </dl>
      </Card>

      <Card
        title="Live values"
        className="lg:col-span-2"
        actions={
          <CsvButton
            label="live values"
            filename={csvFilename('latest', device.name)}
            disabled={metrics.length === 0}
            csv={() =>
              toCsv(metrics, [
                { header: 'metric', value: (metric) => metric },
                { header: 'value', value: (metric) => values[metric]!.value },
                { header: 'ts', value: (metric) => values[metric]!.ts },
              ])
            }
          />
        }
      >
        {liveError && (
          <p role="alert" className="mb-2 text-sm text-amber-800 dark:text-amber-200">
            Live updates unavailable: {liveError}
          </p>
        )}
        {latest.isError && metrics.length === 0 ? (
          <ErrorState error={latest.error} onRetry={() => void latest.refetch()} />
        ) : latest.isPending && metrics.length === 0 ? (
          <LoadingState label="Loading the latest values…" />
        ) : metrics.length === 0 ? (
          <EmptyState title="No readings yet">
            Values appear here as soon as the device publishes telemetry.
          </EmptyState>
        ) : (
          <>
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3">
              {metrics.map((metric) => {
                const { label } = metricLabel(metric);
                const value = values[metric]!;
                return (
                  <li
                    key={metric}
                    className="rounded-md border border-slate-200 p-3 dark:border-slate-700"
                  >
                    <p
                      className="truncate text-xs text-slate-500 dark:text-slate-400"
                      title={metric}
                    >
                      {label}
                    </p>
                    <p
                      data-testid={`device-metric-${metric}`}
                      data-value={value.value}
                      className="mt-1 text-lg font-semibold tabular-nums"
                    >
                      {formatMetricValue(metric, value.value)}
                    </p>
                  </li>
                );
              })}
            </ul>
            <p className="mt-2 text-xs text-slate-500 dark:text-slate-400" aria-live="off">
              Updated {formatTimestamp(newest, timeZone)}
            </p>
          </>
        )}
      </Card>
    </div>
  );
}
