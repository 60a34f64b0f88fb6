import { describe, expect, it } from 'vitest';
import { siteFlow } from '@ecogrid/contracts';
import { flowEdges, MAX_WIDTH, MIN_WIDTH } from './energy-flow';

const edge = (edges: ReturnType<typeof flowEdges>, id: string) =>
  edges.find((entry) => entry.id === id)!;

describe('flowEdges', () => {
  it('points PV, grid import and battery discharge into the site and loads out of it', () => {
    const edges = flowEdges({ pvKw: 4, batteryKw: 1, batterySocPct: 60, gridKw: 2, loadKw: 7 });
    expect(edge(edges, 'pv').direction).toBe('in');
    expect(edge(edges, 'battery').direction).toBe('in');
    expect(edge(edges, 'grid').direction).toBe('in');
    expect(edge(edges, 'load').direction).toBe('out');
    expect(edge(edges, 'grid').description).toBe('Grid: importing 2.0 kW');
    expect(edge(edges, 'battery').description).toBe('Battery: discharging 1.0 kW');
  });

  it('reverses grid and battery when exporting and charging', () => {
    const edges = flowEdges({ pvKw: 8, batteryKw: -3, batterySocPct: 40, gridKw: -4, loadKw: 1 });
    expect(edge(edges, 'grid').direction).toBe('out');
    expect(edge(edges, 'grid').description).toBe('Grid: exporting 4.0 kW');
    expect(edge(edges, 'battery').direction).toBe('out');
    expect(edge(edges, 'battery').description).toBe('Battery: charging 3.0 kW');
  });

  it('scales line widths with |kW| against the largest flow', () => {
    const edges = flowEdges({ pvKw: 10, batteryKw: -5, batterySocPct: null, gridKw: 0, loadKw: 5 });
    expect(edge(edges, 'pv').width).toBe(MAX_WIDTH);
    expect(edge(edges, 'battery').width).toBeCloseTo(MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) / 2, 1);
    expect(edge(edges, 'grid').direction).toBe('idle');
    expect(edge(edges, 'grid').width).toBe(MIN_WIDTH);
  });

  it('marks flows without a device or a value as unknown', () => {
    const edges = flowEdges({
      pvKw: null,
      batteryKw: null,
      batterySocPct: null,
      gridKw: null,
      loadKw: null,
    });
    expect(edges.map((entry) => entry.direction)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'unknown',
    ]);
    expect(edge(edges, 'pv').description).toBe('PV: no data');
  });

  it('follows the live values of a site through siteFlow', () => {
    const devices = [
      { id: 'pv', type: 'pv_inverter' as const },
      { id: 'battery', type: 'battery' as const },
      { id: 'meter', type: 'grid_meter' as const },
    ];
    const latest = new Map<string, Record<string, number>>([
      ['pv', { power_kw: 5 }],
      ['battery', { power_kw: -2, soc_pct: 70 }],
      ['meter', { power_kw: -1 }],
    ]);
    const edges = flowEdges(siteFlow(devices, latest));
    expect(edge(edges, 'load').kw).toBe(2);
    expect(edge(edges, 'load').direction).toBe('out');
    expect(edge(edges, 'grid').direction).toBe('out');
  });
});
