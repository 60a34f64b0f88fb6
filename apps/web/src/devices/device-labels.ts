import type { CommandStatus, CommandType, DeviceStatus, DeviceType } from '@ecogrid/contracts';

export const DEVICE_TYPE_LABELS: Record<DeviceType, string> = {
  pv_inverter: 'PV inverter',
  battery: 'Battery',
  grid_meter: 'Grid meter',
  smart_meter: 'Smart meter',
  ev_charger: 'EV charger',
  heat_pump: 'Heat pump',
  load: 'Load',
};

export const DEVICE_STATUS_LABELS: Record<DeviceStatus, string> = {
  online: 'Online',
  offline: 'Offline',
  fault: 'Fault',
  unknown: 'Unknown',
};

export const COMMAND_TYPE_LABELS: Record<CommandType, string> = {
  set_power_limit: 'Set power limit',
  set_mode: 'Set mode',
  set_power_setpoint: 'Set power setpoint',
  start_charging: 'Start charging',
  stop_charging: 'Stop charging',
  set_current_limit: 'Set current limit',
  switch: 'Switch on/off',
  reboot: 'Reboot',
};

export const COMMAND_STATUS_LABELS: Record<CommandStatus, string> = {
  pending: 'Pending',
  sent: 'Sent',
  accepted: 'Accepted',
  rejected: 'Rejected',
  completed: 'Completed',
  failed: 'Failed',
  expired: 'Expired',
};

/** Metric names end with their unit (the device contract), so the unit is read off the name. */
const UNIT_SUFFIXES: readonly (readonly [string, string])[] = [
  ['_kwh', 'kWh'],
  ['_kvar', 'kvar'],
  ['_kva', 'kVA'],
  ['_kw', 'kW'],
  ['_pct', '%'],
  ['_hz', 'Hz'],
  ['_pf', ''],
  ['_v', 'V'],
  ['_a', 'A'],
  ['_c', '°C'],
];

export interface MetricLabel {
  label: string;
  unit: string;
}

/** `soc_pct` → "Soc" with "%"; `outdoor_temperature_c` → "Outdoor temperature" with "°C". */
export function metricLabel(metric: string): MetricLabel {
  for (const [suffix, unit] of UNIT_SUFFIXES) {
    if (metric.endsWith(suffix) && metric.length > suffix.length) {
      return { label: humanize(metric.slice(0, -suffix.length)), unit };
    }
  }
  return { label: humanize(metric), unit: '' };
}

const ACRONYMS = new Set(['soc', 'pv', 'ev', 'ac', 'dc']);

function humanize(snake: string): string {
  const words = snake.split('_').filter(Boolean);
  return words
    .map((word, index) => {
      if (ACRONYMS.has(word)) return word.toUpperCase();
      return index === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word;
    })
    .join(' ');
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function formatMetricValue(metric: string, value: number): string {
  const { unit } = metricLabel(metric);
  const text = numberFormat.format(value);
  return unit ? `${text} ${unit}` : text;
}

export function formatTimestamp(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  try {
    return date.toLocaleString(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'medium' });
  } catch {
    return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  }
}
