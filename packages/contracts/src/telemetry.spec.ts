import { describe, expect, it } from 'vitest';
import { telemetryPayloadSchema } from './telemetry.js';

describe('telemetry payload contract', () => {
  it('accepts a single message with an ISO timestamp', () => {
    const result = telemetryPayloadSchema.safeParse({
      ts: '2026-03-29T01:30:00+01:00',
      metrics: { power_kw: 3.2, soc_pct: 55 },
    });
    expect(result.success).toBe(true);
  });

  it('accepts a batch with epoch-millisecond timestamps', () => {
    const result = telemetryPayloadSchema.safeParse([
      { ts: 1_790_000_000_000, metrics: { energy_kwh: 1203.5 } },
      { metrics: { voltage_v: 231.2 } },
    ]);
    expect(result.success).toBe(true);
  });

  it('rejects a metric name without a unit suffix and names it', () => {
    const result = telemetryPayloadSchema.safeParse({ metrics: { power: 3 } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('power');
  });

  it('rejects a non-numeric value', () => {
    const result = telemetryPayloadSchema.safeParse({ metrics: { power_kw: '3' } });
    expect(result.success).toBe(false);
  });
});
