import type { Device, Site, TelemetrySeries } from '@ecogrid/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, data, fetchCsv } from '../api/client';
import { fleetKeys } from '../api/fleet';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { Card } from '../ui/Card';
import { CsvButton } from '../ui/CsvButton';
import { csvFilename } from '../ui/csv';
import { SelectField } from '../ui/form';
import { EmptyState, ErrorState, LoadingState } from '../ui/states';
import { TimeRangePicker } from '../ui/TimeRangePicker';
import { presetRange, type TimeRange } from '../ui/time';

const METRIC = 'power_kw';

/** Points of one metric as chart columns (epoch seconds, values). */
export function seriesColumns(telemetry: TelemetrySeries, metric: string) {
  const points = telemetry.series.find((entry) => entry.metric === metric)?.points ?? [];
  const timestamps = new Array<number>(points.length);
  const values = new Array<number>(points.length);
  points.forEach((point, index) => {
    timestamps[index] = Date.parse(point.ts) / 1000;
    values[index] = point.value;
  });
  return { timestamps, values };
}

export function DevicePowerHistory({ site, devices }: { site: Site; devices: readonly Device[] }) {
  const [deviceId, setDeviceId] = useState(devices[0]?.id ?? '');
  const [range, setRange] = useState<TimeRange>(() =>
    presetRange('today', Date.now(), site.timezone),
  );
  const device = devices.find((candidate) => candidate.id === deviceId);
  const telemetry = useQuery({
    queryKey: fleetKeys.telemetry(deviceId, METRIC, range.from, range.to),
    enabled: deviceId !== '',
    placeholderData: keepPreviousData,
    queryFn: () =>
      data(
        api.GET('/api/v1/devices/{id}/telemetry', {
          params: {
            path: { id: deviceId },
            query: {
              metrics: [METRIC],
              from: new Date(range.from).toISOString(),
              to: new Date(range.to).toISOString(),
              resolution: 'auto',
              format: 'json',
            },
          },
        }),
      ),
  });
  const columns = useMemo(
    () => (telemetry.data ? seriesColumns(telemetry.data, METRIC) : null),
    [telemetry.data],
  );
  const series = useMemo(
    () =>
      columns ? [{ label: 'Power', values: columns.values, color: '#0ea5e9', unit: 'kW' }] : [],
    [columns],
  );

  if (devices.length === 0) {
    return (
      <Card title="Device power history">
        <EmptyState title="This site has no devices yet" />
      </Card>
    );
  }

  return (
    <Card
      title="Device power history"
      actions={
        <>
          <TimeRangePicker
            value={range}
            onChange={setRange}
            timeZone={site.timezone}
            label="Device history range"
          />
          <CsvButton
            filename={csvFilename('telemetry', device?.name ?? 'device')}
            label="device telemetry (server export)"
            disabled={!device}
            csv={() =>
              fetchCsv(`/api/v1/devices/${deviceId}/telemetry`, {
                metrics: METRIC,
                from: new Date(range.from).toISOString(),
                to: new Date(range.to).toISOString(),
                resolution: 'auto',
              })
            }
          />
        </>
      }
    >
      <SelectField
        label="Device"
        className="mb-3 max-w-xs"
        value={deviceId}
        onChange={(event) => setDeviceId(event.target.value)}
      >
        {devices.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {candidate.name}
          </option>
        ))}
      </SelectField>
      {telemetry.error ? (
        <ErrorState error={telemetry.error} onRetry={() => void telemetry.refetch()} />
      ) : !columns ? (
        <LoadingState label="Loading telemetry…" />
      ) : (
        <>
          {telemetry.data?.truncated && (
            <p className="mb-2 text-xs text-amber-700 dark:text-amber-300">
              Only the first part of this range is shown; choose a shorter range for every point.
            </p>
          )}
          <TimeSeriesChart
            title={`${device?.name ?? 'Device'} power (${telemetry.data?.resolution ?? 'auto'})`}
            timestamps={columns.timestamps}
            series={series}
            timeZone={site.timezone}
            xRange={[range.from / 1000, range.to / 1000]}
            csvFilename={csvFilename('power-chart', device?.name ?? 'device')}
            emptyTitle="No power readings in this range"
          />
        </>
      )}
    </Card>
  );
}
