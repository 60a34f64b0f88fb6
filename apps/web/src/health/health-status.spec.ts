import type { HealthReport } from '@ecogrid/contracts';
import { describe, expect, it } from 'vitest';
import {
  formatResponseTime,
  formatUptime,
  healthViewFromFailure,
  healthViewFromReport,
} from './health-status';

function makeReport(overrides: Partial<HealthReport> = {}): HealthReport {
  return {
    status: 'ok',
    version: '0.1.0',
    uptimeSeconds: 90,
    checkedAt: '2026-03-29T10:15:00.000Z',
    dependencies: [
      { name: 'database', status: 'up', responseTimeMs: 1.42 },
      { name: 'broker', status: 'up', responseTimeMs: 12.6 },
    ],
    ...overrides,
  };
}

describe('healthViewFromReport', () => {
  it('shows an ok report as operational with its version, uptime and check time', () => {
    const view = healthViewFromReport(makeReport({ version: '1.4.2', uptimeSeconds: 3_725 }));

    expect(view).toMatchObject({
      state: 'operational',
      label: 'Operational',
      tone: 'good',
      version: '1.4.2',
      uptime: '1 h 2 min',
      checkedAt: '2026-03-29T10:15:00.000Z',
    });
  });

  it('shows an unavailable report as degraded and names every dependency that is down', () => {
    const view = healthViewFromReport(
      makeReport({
        status: 'unavailable',
        dependencies: [
          { name: 'database', status: 'down', responseTimeMs: 2_000, message: 'timeout' },
          { name: 'migrations', status: 'up', responseTimeMs: 0.4 },
          { name: 'broker', status: 'down', responseTimeMs: 3, message: 'ECONNREFUSED' },
        ],
      }),
    );

    expect(view.state).toBe('degraded');
    expect(view.label).toBe('Degraded');
    expect(view.tone).toBe('critical');
    expect(view.summary).toBe('Not ready: database, broker are down.');
  });

  it('still explains an unavailable report that lists no failed dependency', () => {
    const view = healthViewFromReport(makeReport({ status: 'unavailable' }));

    expect(view.summary).toBe('The server reports that it cannot serve requests.');
  });

  it('shows a draining server as shutting down, as a warning rather than a failure', () => {
    const view = healthViewFromReport(makeReport({ status: 'shutting_down' }));

    expect(view.state).toBe('shutting_down');
    expect(view.label).toBe('Shutting down');
    expect(view.tone).toBe('warning');
  });

  it('maps each dependency to its status label, formatted response time and message', () => {
    const view = healthViewFromReport(
      makeReport({
        dependencies: [
          { name: 'database', status: 'up', responseTimeMs: 1.42 },
          { name: 'broker', status: 'down', responseTimeMs: 2_500, message: 'ECONNREFUSED' },
        ],
      }),
    );

    expect(view.dependencies).toEqual([
      { name: 'database', isUp: true, statusLabel: 'Up', responseTime: '1.4 ms' },
      {
        name: 'broker',
        isUp: false,
        statusLabel: 'Down',
        responseTime: '2.5 s',
        message: 'ECONNREFUSED',
      },
    ]);
  });
});

describe('healthViewFromFailure', () => {
  it('shows a failed request as unreachable and says why, without stale server facts', () => {
    const view = healthViewFromFailure(new TypeError('Failed to fetch'));

    expect(view.state).toBe('unreachable');
    expect(view.label).toBe('Unreachable');
    expect(view.tone).toBe('critical');
    expect(view.summary).toBe('The server could not be reached: Failed to fetch.');
    expect(view.version).toBeUndefined();
    expect(view.dependencies).toEqual([]);
  });

  it('copes with a thrown value that is not an Error', () => {
    expect(healthViewFromFailure('boom').summary).toBe(
      'The server could not be reached: unknown error.',
    );
  });
});

describe('formatUptime', () => {
  it.each([
    [0, '0 s'],
    [59.9, '59 s'],
    [61, '1 min 1 s'],
    [3_600, '1 h 0 min'],
    [86_399, '23 h 59 min'],
    [3 * 86_400 + 4 * 3_600 + 59, '3 d 4 h'],
  ])('formats %d seconds as "%s"', (seconds, expected) => {
    expect(formatUptime(seconds)).toBe(expected);
  });
});

describe('formatResponseTime', () => {
  it.each([
    [0.25, '0.3 ms'],
    [9.94, '9.9 ms'],
    [12.6, '13 ms'],
    [999, '999 ms'],
    [1_000, '1.0 s'],
  ])('formats %d ms as "%s"', (milliseconds, expected) => {
    expect(formatResponseTime(milliseconds)).toBe(expected);
  });
});
