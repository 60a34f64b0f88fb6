import { describe, expect, it } from 'vitest';
import { formatStatus, LogLimiter, type StatusTotals } from './status.js';

const totals: StatusTotals = {
  devices: 10_000,
  connected: 9_998,
  published: 120_000,
  acked: 119_990,
  skippedOffline: 2,
  skippedBusy: 10,
  reconnects: 3,
  simulatedAtMs: Date.parse('2025-06-21T10:00:00.250Z'),
  live: true,
};

describe('formatStatus', () => {
  it('says everything in one line, with the change since the last line', () => {
    const previous = {
      ...totals,
      published: 100_000,
      acked: 99_995,
      skippedBusy: 4,
      reconnects: 1,
    };

    expect(formatStatus(totals, previous)).toBe(
      'connected 9998/10000 · published 120000 (+20000) · acked 119990 (+19995) · ' +
        'skipped 12 (+6) (offline 2, unacknowledged 10) · reconnects 3 (+2) · simulated 2025-06-21T10:00:00Z (live)',
    );
  });

  it('says when it waits for connections or catches up', () => {
    expect(formatStatus({ ...totals, simulatedAtMs: undefined })).toContain(
      'waiting for connections',
    );
    expect(formatStatus({ ...totals, live: false })).toContain('(catching up)');
  });
});

describe('LogLimiter', () => {
  it('lets a few lines through per window and counts the rest', () => {
    const limiter = new LogLimiter(2, 1_000);
    const allowed = [0, 1, 2, 3, 999, 1_000, 1_001].map((nowMs) => limiter.allow(nowMs));

    expect(allowed).toEqual([true, true, false, false, false, true, true]);
    expect(limiter.takeSuppressed()).toBe(3);
    expect(limiter.takeSuppressed()).toBe(0);
  });
});
