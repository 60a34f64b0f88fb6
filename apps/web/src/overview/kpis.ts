import type { FleetSummary } from '@ecogrid/contracts';
import { formatEnergy, formatMass, formatMoney, formatNumber, formatPower } from '../ui/format';

export interface Kpi {
  id: 'sites' | 'capacity' | 'production' | 'consumption' | 'energy' | 'co2' | 'revenue';
  label: string;
  value: string;
  /** A second line: what the figure covers. */
  detail: string;
}

/** Grid revenue per currency ("€12.40 · $3.10"); none yet reads as zero in no currency. */
export function formatRevenue(revenue: FleetSummary['today']['gridRevenue']): string {
  if (revenue.length === 0) return '—';
  return revenue.map((entry) => formatMoney(entry.amount, entry.currency)).join(' · ');
}

/** The overview's KPI strip, from GET fleet/summary or a live `fleet.summary` message. */
export function fleetKpis(summary: FleetSummary): Kpi[] {
  return [
    {
      id: 'sites',
      label: 'Sites',
      value: formatNumber(summary.sites, 0),
      detail: 'in your fleet',
    },
    {
      id: 'capacity',
      label: 'Installed capacity',
      value: formatPower(summary.installedCapacityKw).replace('kW', 'kWp').replace('MW', 'MWp'),
      detail: 'peak PV power',
    },
    {
      id: 'production',
      label: 'Production',
      value: formatPower(summary.live.productionKw),
      detail: 'live',
    },
    {
      id: 'consumption',
      label: 'Consumption',
      value: formatPower(summary.live.consumptionKw),
      detail: 'live',
    },
    {
      id: 'energy',
      label: "Today's energy",
      value: formatEnergy(summary.today.productionKwh),
      detail: `import ${formatEnergy(summary.today.gridImportKwh)} · export ${formatEnergy(summary.today.gridExportKwh)}`,
    },
    {
      id: 'co2',
      label: 'CO₂ avoided',
      value: formatMass(summary.today.co2AvoidedKg),
      detail: 'today',
    },
    {
      id: 'revenue',
      label: 'Grid revenue',
      value: formatRevenue(summary.today.gridRevenue),
      detail: 'today, from export',
    },
  ];
}
