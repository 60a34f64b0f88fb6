import type { HealthReport } from '@ecogrid/contracts';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEALTH_READY_PATH } from './health-client';
import { HealthPanel } from './HealthPanel';

function makeReport(overrides: Partial<HealthReport> = {}): HealthReport {
  return {
    status: 'ok',
    version: '1.4.2',
    uptimeSeconds: 3_725,
    checkedAt: '2026-03-29T10:15:00.000Z',
    dependencies: [
      { name: 'database', status: 'up', responseTimeMs: 3.2 },
      { name: 'broker', status: 'up', responseTimeMs: 1.1 },
    ],
    ...overrides,
  };
}

function jsonResponse(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

const degradedReport = makeReport({
  status: 'unavailable',
  dependencies: [
    { name: 'database', status: 'up', responseTimeMs: 3.2 },
    { name: 'broker', status: 'down', responseTimeMs: 2_000, message: 'connect ECONNREFUSED' },
  ],
});

afterEach(() => {
  // Vitest runs without globals here, so Testing Library cannot register its own cleanup.
  cleanup();
  vi.unstubAllGlobals();
});

describe('HealthPanel', () => {
  it('shows a 503 readiness report as degraded, with the dependency that is down', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(jsonResponse(degradedReport, 503)));
    vi.stubGlobal('fetch', fetchMock);

    render(<HealthPanel />);

    const status = screen.getByRole('status');
    expect(status.textContent).toContain('Checking');
    await waitFor(() => expect(status.textContent).toContain('Degraded'));
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toContain('Not ready: broker is down.');

    expect(fetchMock).toHaveBeenCalledWith(HEALTH_READY_PATH, expect.anything());
    expect(screen.getByText('1.4.2')).toBeTruthy();
    expect(screen.getByText('1 h 2 min')).toBeTruthy();
    expect(
      screen.getByText('Last checked').nextElementSibling?.querySelector('time')?.dateTime,
    ).toBe('2026-03-29T10:15:00.000Z');

    const dependencyItems = within(screen.getByRole('list', { name: 'Dependencies' })).getAllByRole(
      'listitem',
    );
    expect(dependencyItems.map((item) => item.textContent)).toEqual([
      'database3.2 msUp',
      'brokerconnect ECONNREFUSED2.0 sDown',
    ]);
  });

  it('shows the server as unreachable when the request fails', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );

    render(<HealthPanel />);

    const status = screen.getByRole('status');
    await waitFor(() => expect(status.textContent).toContain('Unreachable'));
    expect(status.textContent).toContain('network error (Failed to fetch)');
    expect(screen.queryByRole('list', { name: 'Dependencies' })).toBeNull();
  });

  it('shows the server as unreachable when a proxy answers with an error page', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response('<h1>Bad Gateway</h1>', { status: 502 }))),
    );

    render(<HealthPanel />);

    const status = screen.getByRole('status');
    await waitFor(() => expect(status.textContent).toContain('Unreachable'));
    expect(status.textContent).toContain('unexpected HTTP status 502');
  });

  it('treats a body that is not a health report as unreachable rather than trusting it', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(jsonResponse({ status: 'ok' }, 200))),
    );

    render(<HealthPanel />);

    const status = screen.getByRole('status');
    await waitFor(() => expect(status.textContent).toContain('Unreachable'));
    expect(status.textContent).toContain('the answer is not a health report');
  });

  it('polls again and shows the recovery once the server is ready', async () => {
    const fetchMock = vi
      .fn<() => Promise<Response>>()
      .mockResolvedValueOnce(jsonResponse(degradedReport, 503))
      .mockResolvedValue(jsonResponse(makeReport(), 200));
    vi.stubGlobal('fetch', fetchMock);

    render(<HealthPanel refreshIntervalMs={20} />);

    const status = screen.getByRole('status');
    await waitFor(() => expect(status.textContent).toContain('Degraded'));
    await waitFor(() => expect(status.textContent).toContain('Operational'));
    expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('stops polling once it is unmounted', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(jsonResponse(makeReport(), 200)));
    vi.stubGlobal('fetch', fetchMock);

    const { unmount } = render(<HealthPanel refreshIntervalMs={10} />);
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Operational'));
    unmount();
    const callsAtUnmount = fetchMock.mock.calls.length;

    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fetchMock.mock.calls.length).toBe(callsAtUnmount);
  });
});
