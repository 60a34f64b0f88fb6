import type { DeviceStatus } from '@ecogrid/contracts';

/**
 * A device's latest values as the page shows them: first from GET …/latest, then from the live
 * stream. A value only ever moves forward in time, so a late REST answer cannot overwrite a newer
 * live one.
 */
export interface MetricValue {
  value: number;
  ts: string;
}

export type MetricValues = Readonly<Record<string, MetricValue>>;

export function mergeLatest(
  current: MetricValues,
  values: readonly { metric: string; ts: string; value: number }[],
): MetricValues {
  let next: Record<string, MetricValue> | null = null;
  for (const { metric, ts, value } of values) {
    const known = (next ?? current)[metric];
    if (known && Date.parse(known.ts) > Date.parse(ts)) continue;
    if (known && known.ts === ts && known.value === value) continue;
    next ??= { ...current };
    next[metric] = { value, ts };
  }
  return next ?? current;
}

export function mergeLiveMetrics(
  current: MetricValues,
  ts: string,
  metrics: Readonly<Record<string, number>>,
): MetricValues {
  return mergeLatest(
    current,
    Object.entries(metrics).map(([metric, value]) => ({ metric, ts, value })),
  );
}

/** Power first, then state of charge, then the rest by name: the order an operator scans. */
export function orderedMetrics(values: MetricValues): string[] {
  const rank = (metric: string) =>
    metric === 'power_kw' ? 0 : metric.endsWith('_kw') ? 1 : metric.endsWith('_pct') ? 2 : 3;
  return Object.keys(values).sort(
    (first, second) => rank(first) - rank(second) || first.localeCompare(second),
  );
}

export interface StatusValue {
  status: DeviceStatus;
  at: string | null;
}

/** A status pushed live replaces the loaded one unless it is older. */
export function mergeStatus(current: StatusValue, next: StatusValue): StatusValue {
  if (current.at && next.at && Date.parse(next.at) < Date.parse(current.at)) return current;
  return next;
}
