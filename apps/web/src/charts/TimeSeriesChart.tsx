import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { CsvButton } from '../ui/CsvButton';
import { toCsv } from '../ui/csv';
import { EmptyState } from '../ui/states';

export interface ChartSeries {
  label: string;
  /** One value per timestamp; null is a gap. */
  values: ArrayLike<number | null>;
  color: string;
  unit: string;
  /** In a bar chart, bars are drawn for at most two series (left and right of the tick); others are lines. */
  bars?: boolean;
}

export interface TimeSeriesChartProps {
  /** The chart's accessible name, also shown above it. */
  title: string;
  /** Epoch seconds, ascending. */
  timestamps: ArrayLike<number>;
  series: readonly ChartSeries[];
  csvFilename: string;
  height?: number;
  /** Labels the time axis in this zone (the site's). */
  timeZone?: string;
  /** A click on the plot: the time under the cursor (drill-down). */
  onSelectTime?: (epochSeconds: number) => void;
  /** Tells the user what a click does ("Click a day to see its hours"). */
  selectHint?: string;
  emptyTitle?: string;
  /** The time axis's extent in epoch seconds (the range asked for), rather than the data's. */
  xRange?: readonly [number, number];
  /** Slot beside the CSV button (range pickers). */
  actions?: React.ReactNode;
}

function subscribeToTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
function isDark(): boolean {
  return document.documentElement.classList.contains('dark');
}

/** Rows of the chart's data as CSV: time (ISO) and one column per series with its unit. */
export function chartCsv(timestamps: ArrayLike<number>, series: readonly ChartSeries[]): string {
  const indices = Array.from({ length: timestamps.length }, (_, index) => index);
  return toCsv(indices, [
    { header: 'time', value: (index) => new Date(timestamps[index]! * 1000).toISOString() },
    ...series.map((entry) => ({
      header: `${entry.label} (${entry.unit})`,
      value: (index: number) => entry.values[index] ?? null,
    })),
  ]);
}

function buildOptions(
  width: number,
  height: number,
  series: readonly ChartSeries[],
  dark: boolean,
  timeZone: string | undefined,
  onSelectTime: ((epochSeconds: number) => void) | undefined,
  xRange: readonly [number, number] | undefined,
): uPlot.Options {
  const axisColor = dark ? '#cbd5e1' : '#334155';
  const gridColor = dark ? 'rgba(148,163,184,0.15)' : 'rgba(100,116,139,0.15)';
  const bars = uPlot.paths.bars;
  let barIndex = 0;
  const units = [...new Set(series.map((entry) => entry.unit))];
  return {
    width,
    height,
    // Many points: no per-point markers, and lines simplified by the library.
    cursor: { points: { show: false }, drag: { x: true, y: false } },
    legend: { live: true },
    ...(timeZone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), timeZone) } : {}),
    scales: { x: xRange ? { time: true, range: [xRange[0], xRange[1]] } : { time: true } },
    axes: [
      { stroke: axisColor, grid: { stroke: gridColor }, ticks: { stroke: gridColor } },
      {
        stroke: axisColor,
        grid: { stroke: gridColor },
        ticks: { stroke: gridColor },
        label: units.join(' / '),
        size: 60,
      },
    ],
    series: [
      {},
      ...series.map((entry) => {
        const asBar = entry.bars === true && bars !== undefined && barIndex < 2;
        const align = barIndex === 0 ? -1 : 1;
        if (asBar) barIndex++;
        return {
          label: entry.label,
          stroke: entry.color,
          width: asBar ? 0 : 1.5,
          spanGaps: false,
          value: (_self: uPlot, value: number | null) =>
            value === null || value === undefined ? '—' : `${value.toFixed(2)} ${entry.unit}`,
          ...(asBar
            ? {
                fill: `${entry.color}cc`,
                paths: bars({ size: [0.45, 40], align: align }),
                points: { show: false },
              }
            : { points: { show: false } }),
        } satisfies uPlot.Series;
      }),
    ],
    hooks: onSelectTime
      ? {
          ready: [
            (chart: uPlot) => {
              chart.over.addEventListener('click', () => {
                const index = chart.cursor.idx;
                if (index === null || index === undefined) return;
                const time = chart.data[0][index];
                if (time !== undefined) onSelectTime(time);
              });
            },
          ],
        }
      : {},
  };
}

/**
 * A uPlot time chart: columnar data (it draws 100,000+ points smoothly), resizes with its box,
 * follows the theme, and exports its data as CSV.
 */
export function TimeSeriesChart({
  title,
  timestamps,
  series,
  csvFilename,
  height = 260,
  timeZone,
  onSelectTime,
  selectHint,
  emptyTitle = 'No data in this range',
  xRange,
  actions,
}: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const dark = useSyncExternalStore(subscribeToTheme, isDark, () => false);
  const [width, setWidth] = useState(0);
  const selectRef = useRef(onSelectTime);
  useEffect(() => {
    selectRef.current = onSelectTime;
  });
  const empty = timestamps.length === 0;
  const shape = series
    .map((entry) => `${entry.label}|${entry.color}|${entry.unit}|${entry.bars}`)
    .join(',');
  const selectable = onSelectTime !== undefined;
  const hasWidth = width > 0;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    setWidth(element.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const next = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((previous) => (Math.abs(previous - next) >= 1 ? next : previous));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [empty]);

  // Built again when the series, theme or zone change; data and size are updated in place.
  useEffect(() => {
    const element = box.current;
    if (!element || empty || width === 0) return;
    const options = buildOptions(
      width,
      height,
      series,
      dark,
      timeZone,
      selectable ? (time) => selectRef.current?.(time) : undefined,
      xRange,
    );
    const instance = new uPlot(
      options,
      [timestamps, ...series.map((entry) => entry.values)] as uPlot.AlignedData,
      element,
    );
    chart.current = instance;
    return () => {
      instance.destroy();
      chart.current = null;
    };
    // Data changes go through setData below and width through setSize: neither rebuilds the chart.
  }, [shape, dark, timeZone, height, empty, selectable, hasWidth, xRange?.[0], xRange?.[1]]);

  useEffect(() => {
    chart.current?.setData([
      timestamps,
      ...series.map((entry) => entry.values),
    ] as uPlot.AlignedData);
  }, [timestamps, series]);

  useEffect(() => {
    if (width > 0) chart.current?.setSize({ width, height });
  }, [width, height]);

  return (
    <figure className="min-w-0" aria-label={title}>
      <figcaption className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <span className="text-sm font-semibold">{title}</span>
        <span className="flex flex-wrap items-center gap-2">
          {actions}
          <CsvButton
            filename={csvFilename}
            label={title}
            disabled={empty}
            csv={() => chartCsv(timestamps, series)}
          />
        </span>
      </figcaption>
      {empty ? (
        <EmptyState title={emptyTitle} />
      ) : (
        <>
          <div
            ref={box}
            role="img"
            aria-label={`${title}: ${series.map((entry) => entry.label).join(', ')}, ${timestamps.length} points`}
            className={`w-full min-w-0 text-slate-700 dark:text-slate-200 ${selectable ? 'cursor-pointer' : ''}`}
          />
          {selectHint && (
            <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{selectHint}</p>
          )}
        </>
      )}
    </figure>
  );
}
