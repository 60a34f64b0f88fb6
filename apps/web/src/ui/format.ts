/** Numbers as people read them on a dashboard: units, sensible precision, "—" for unknown. */

const UNKNOWN = '—';

export function formatNumber(value: number | null | undefined, fractionDigits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  return value.toLocaleString('en', {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
}

/** kW below 1 MW, MW above (2,450 kW → "2.45 MW"). */
export function formatPower(kw: number | null | undefined): string {
  if (kw === null || kw === undefined || !Number.isFinite(kw)) return UNKNOWN;
  if (Math.abs(kw) >= 1000) return `${formatNumber(kw / 1000, 2)} MW`;
  return `${formatNumber(kw, Math.abs(kw) >= 100 ? 0 : 1)} kW`;
}

/** kWh below 1 MWh, MWh up to 1 GWh, then GWh. */
export function formatEnergy(kwh: number | null | undefined): string {
  if (kwh === null || kwh === undefined || !Number.isFinite(kwh)) return UNKNOWN;
  const size = Math.abs(kwh);
  if (size >= 1_000_000) return `${formatNumber(kwh / 1_000_000, 2)} GWh`;
  if (size >= 1000) return `${formatNumber(kwh / 1000, 2)} MWh`;
  return `${formatNumber(kwh, size >= 100 ? 0 : 1)} kWh`;
}

/** kg below 1 t, tonnes above. */
export function formatMass(kg: number | null | undefined): string {
  if (kg === null || kg === undefined || !Number.isFinite(kg)) return UNKNOWN;
  if (Math.abs(kg) >= 1000) return `${formatNumber(kg / 1000, 2)} t`;
  return `${formatNumber(kg, Math.abs(kg) >= 100 ? 0 : 1)} kg`;
}

export function formatMoney(amount: number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return UNKNOWN;
  try {
    return amount.toLocaleString('en', { style: 'currency', currency });
  } catch {
    return `${formatNumber(amount, 2)} ${currency}`;
  }
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return UNKNOWN;
  return `${formatNumber(ratio * 100, 0)} %`;
}

/** A date and time in the zone given (the user's preference), or the browser's. */
export function formatDateTime(
  value: string | number | Date | null | undefined,
  timeZone?: string,
): string {
  if (value === null || value === undefined) return UNKNOWN;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return UNKNOWN;
  return date.toLocaleString('en-GB', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "just now", "5 min ago", "3 h ago", or the date. */
export function formatRelative(
  value: string | null | undefined,
  now = Date.now(),
  timeZone?: string,
): string {
  if (!value) return 'never';
  const at = Date.parse(value);
  if (Number.isNaN(at)) return UNKNOWN;
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return formatDateTime(value, timeZone);
}
