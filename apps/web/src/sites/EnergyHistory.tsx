import type { Site } from '@ecogrid/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { fetchCsv } from '../api/client';
import { fetchEnergy, fleetKeys } from '../api/fleet';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { CsvButton } from '../ui/CsvButton';
import { csvFilename } from '../ui/csv';
import { formatEnergy, formatMass, formatMoney, formatPercent } from '../ui/format';
import { ErrorState, LoadingState } from '../ui/states';
import { TimeRangePicker } from '../ui/TimeRangePicker';
import { dayRange, isoDateIn, presetRange, type TimeRange } from '../ui/time';
import { canDrillDown, energyColumns, energyResolution } from './energy-history';

export function EnergyHistory({ site }: { site: Site }) {
  const [range, setRange] = useState<TimeRange>(() => presetRange('7d', Date.now(), site.timezone));
  const [previous, setPrevious] = useState<TimeRange | null>(null);
  const resolution = energyResolution(range);
  const energy = useQuery({
    queryKey: fleetKeys.energy(site.id, range.from, range.to, resolution),
    queryFn: () => fetchEnergy(site.id, range.from, range.to, resolution),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo(() => (energy.data ? energyColumns(energy.data) : null), [energy.data]);
  const series = useMemo(
    () =>
      columns
        ? [
            {
              label: 'Production',
              values: columns.production,
              color: '#eab308',
              unit: 'kWh',
              bars: true,
            },
            {
              label: 'Consumption',
              values: columns.consumption,
              color: '#3b82f6',
              unit: 'kWh',
              bars: true,
            },
            { label: 'Grid import', values: columns.gridImport, color: '#ef4444', unit: 'kWh' },
            { label: 'Grid export', values: columns.gridExport, color: '#10b981', unit: 'kWh' },
          ]
        : [],
    [columns],
  );
  const drill = canDrillDown(resolution);
  const xRange = useMemo(
    () => [range.from / 1000, range.to / 1000] as const,
    [range.from, range.to],
  );
  const openDay = (epochSeconds: number) => {
    setPrevious(range);
    setRange(dayRange(epochSeconds * 1000, site.timezone));
  };
  const totals = energy.data?.totals;
  const currency = energy.data?.currency ?? site.tariff.currency;
  const rangeName = `${isoDateIn(range.from, site.timezone)}_${isoDateIn(range.to - 1, site.timezone)}`;

  return (
    <Card
      title="Energy history"
      actions={
        <>
          <TimeRangePicker
            value={range}
            timeZone={site.timezone}
            label="Energy history range"
            onChange={(next) => {
              setPrevious(null);
              setRange(next);
            }}
          />
          <CsvButton
            filename={csvFilename('energy', site.name, rangeName)}
            label="energy history (server export)"
            csv={() =>
              fetchCsv(`/api/v1/sites/${site.id}/energy`, {
                from: new Date(range.from).toISOString(),
                to: new Date(range.to).toISOString(),
                resolution,
              })
            }
          />
        </>
      }
    >
      {range.preset === 'day' && (
        <p className="mb-2 flex flex-wrap items-center gap-2 text-sm">
          Showing {isoDateIn(range.from, site.timezone)} in quarter hours.
          {previous && (
            <Button
              size="sm"
              onClick={() => {
                setRange(previous);
                setPrevious(null);
              }}
            >
              Back to the{' '}
              {previous.preset === 'custom'
                ? 'chosen range'
                : previous.preset === 'today'
                  ? 'day'
                  : previous.preset}
            </Button>
          )}
        </p>
      )}
      {energy.error ? (
        <ErrorState error={energy.error} onRetry={() => void energy.refetch()} />
      ) : !columns ? (
        <LoadingState label="Loading energy…" />
      ) : (
        <>
          {totals && (
            <dl className="mb-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4 lg:grid-cols-8">
              {[
                ['Production', formatEnergy(totals.productionKwh)],
                ['Consumption', formatEnergy(totals.consumptionKwh)],
                ['Grid import', formatEnergy(totals.gridImportKwh)],
                ['Grid export', formatEnergy(totals.gridExportKwh)],
                ['Self-sufficiency', formatPercent(totals.selfSufficiencyRatio)],
                ['Self-consumption', formatPercent(totals.selfConsumptionRatio)],
                ['CO₂ avoided', formatMass(totals.co2AvoidedKg)],
                ['Net cost', formatMoney(totals.netCost, currency)],
              ].map(([label, value]) => (
                <div key={label}>
                  <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
                  <dd className="font-semibold tabular-nums">{value}</dd>
                </div>
              ))}
            </dl>
          )}
          <TimeSeriesChart
            title={`Energy per ${resolution === '1d' ? 'day' : resolution === '1h' ? 'hour' : 'quarter hour'}`}
            timestamps={columns.timestamps}
            series={series}
            timeZone={site.timezone}
            xRange={xRange}
            csvFilename={csvFilename('energy-chart', site.name, rangeName)}
            {...(drill
              ? { onSelectTime: openDay, selectHint: 'Click a day to see it in quarter hours.' }
              : {})}
            actions={
              drill && columns.timestamps.length > 0 ? (
                <label className="flex items-center gap-1 text-xs">
                  <span>Open day</span>
                  <select
                    className="rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-600 dark:bg-slate-800"
                    value=""
                    onChange={(event) => {
                      if (event.target.value) openDay(Number(event.target.value));
                    }}
                  >
                    <option value="">Choose…</option>
                    {columns.timestamps.map((time) => (
                      <option key={time} value={time}>
                        {isoDateIn(time * 1000, site.timezone)}
                      </option>
                    ))}
                  </select>
                </label>
              ) : undefined
            }
          />
        </>
      )}
    </Card>
  );
}
