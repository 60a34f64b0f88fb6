import type { FleetSummary } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import { formatEnergy, formatPower } from '../ui/format';
import { fleetKpis, formatRevenue } from './kpis';
import { siteStatusOf, siteStatuses } from './site-status';

const summary: FleetSummary = {
  sites: 12,
  installedCapacityKw: 2450,
  live: { productionKw: 812.44, consumptionKw: 95.5, gridKw: -700, batteryKw: -16.9 },
  today: {
    productionKwh: 1234.5,
    gridImportKwh: 12,
    gridExportKwh: 900,
    co2AvoidedKg: 480.2,
    gridRevenue: [{ currency: 'EUR', amount: 72 }],
  },
};

describe('fleetKpis', () => {
  it('formats each key figure with its unit', () => {
    const values = Object.fromEntries(fleetKpis(summary).map((kpi) => [kpi.id, kpi.value]));
    expect(values).toEqual({
      sites: '12',
      capacity: '2.45 MWp',
      production: '812 kW',
      consumption: '95.5 kW',
      energy: '1.23 MWh',
      co2: '480 kg',
      revenue: '€72.00',
    });
  });

  it('lists revenue per currency and a dash when there is none', () => {
    expect(
      formatRevenue([
        { currency: 'EUR', amount: 1.5 },
        { currency: 'USD', amount: 2 },
      ]),
    ).toBe('€1.50 · $2.00');
    expect(formatRevenue([])).toBe('—');
  });
});

describe('formatters', () => {
  it('switch units at a thousand and show unknown as a dash', () => {
    expect(formatPower(0.04)).toBe('0.0 kW');
    expect(formatPower(-3.25)).toBe('-3.3 kW');
    expect(formatPower(1500)).toBe('1.50 MW');
    expect(formatPower(null)).toBe('—');
    expect(formatEnergy(2_500_000)).toBe('2.50 GWh');
    expect(formatEnergy(Number.NaN)).toBe('—');
  });
});

describe('site status', () => {
  it('lets a fault win, then all online, then some online', () => {
    expect(siteStatusOf(['online', 'fault'])).toBe('fault');
    expect(siteStatusOf(['online', 'online'])).toBe('online');
    expect(siteStatusOf(['online', 'offline'])).toBe('partial');
    expect(siteStatusOf(['offline', 'unknown'])).toBe('offline');
    expect(siteStatusOf([])).toBe('unknown');
  });

  it('applies live status changes over the listed ones', () => {
    const devices = [
      { id: 'a', siteId: 's1', status: 'online' as const },
      { id: 'b', siteId: 's1', status: 'online' as const },
      { id: 'c', siteId: 's2', status: 'offline' as const },
    ];
    const statuses = siteStatuses(devices, new Map([['b', 'offline' as const]]));
    expect(statuses.get('s1')).toBe('partial');
    expect(statuses.get('s2')).toBe('offline');
  });
});
