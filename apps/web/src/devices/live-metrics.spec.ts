import { describe, expect, it } from 'vitest';
import { mergeLatest, mergeLiveMetrics, mergeStatus, orderedMetrics } from './live-metrics';

describe('live metrics', () => {
  it('takes newer values and keeps a newer one over a late older answer', () => {
    const live = mergeLiveMetrics({}, '2026-03-01T10:00:05.000Z', { power_kw: 2 });
    const merged = mergeLatest(live, [
      { metric: 'power_kw', ts: '2026-03-01T10:00:00.000Z', value: 1 },
      { metric: 'soc_pct', ts: '2026-03-01T10:00:00.000Z', value: 50 },
    ]);
    expect(merged).toEqual({
      power_kw: { value: 2, ts: '2026-03-01T10:00:05.000Z' },
      soc_pct: { value: 50, ts: '2026-03-01T10:00:00.000Z' },
    });
  });

  it('returns the same object when nothing changes, so nothing re-renders', () => {
    const values = mergeLiveMetrics({}, '2026-03-01T10:00:05.000Z', { power_kw: 2 });
    expect(mergeLiveMetrics(values, '2026-03-01T10:00:05.000Z', { power_kw: 2 })).toBe(values);
  });

  it('orders power first, then other powers, percentages, and the rest by name', () => {
    const at = '2026-03-01T10:00:00.000Z';
    const values = mergeLiveMetrics({}, at, {
      voltage_v: 230,
      soc_pct: 50,
      heat_output_kw: 3,
      power_kw: 1,
      energy_kwh: 10,
    });
    expect(orderedMetrics(values)).toEqual([
      'power_kw',
      'heat_output_kw',
      'soc_pct',
      'energy_kwh',
      'voltage_v',
    ]);
  });

  it('ignores a status older than the one shown', () => {
    const current = { status: 'online' as const, at: '2026-03-01T10:00:05.000Z' };
    expect(mergeStatus(current, { status: 'offline', at: '2026-03-01T10:00:00.000Z' })).toBe(
      current,
    );
    expect(mergeStatus(current, { status: 'fault', at: '2026-03-01T10:00:06.000Z' }).status).toBe(
      'fault',
    );
  });
});
