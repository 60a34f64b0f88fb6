import { type HealthReport, healthReportSchema } from '@ecogrid/contracts';

export const HEALTH_READY_PATH = '/api/health/ready';

/** A hung request must not stall polling, so every check gives up after this long. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 4_000;

// Readiness answers 503 with the same JSON report when a dependency is down; both are answers.
const STATUSES_WITH_REPORT = new Set([200, 503]);

/** The server could not tell us its health: no answer, a foreign status, or a body we do not understand. */
export class HealthCheckError extends Error {
  override readonly name = 'HealthCheckError';
}

export async function fetchHealthReport(
  signal: AbortSignal,
  timeoutMs: number = DEFAULT_HEALTH_TIMEOUT_MS,
): Promise<HealthReport> {
  const request = new AbortController();
  const abortRequest = () => request.abort();
  signal.addEventListener('abort', abortRequest, { once: true });
  let timedOut = false;
  const timeout = setTimeout(() => {
    timedOut = true;
    request.abort();
  }, timeoutMs);

  try {
    let response: Response;
    try {
      response = await fetch(HEALTH_READY_PATH, {
        signal: request.signal,
        cache: 'no-store',
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      if (timedOut) throw new HealthCheckError(`no answer within ${timeoutMs / 1_000} s`);
      if (signal.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new HealthCheckError(`network error (${reason})`);
    }

    if (!STATUSES_WITH_REPORT.has(response.status)) {
      throw new HealthCheckError(`unexpected HTTP status ${response.status}`);
    }

    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new HealthCheckError('the answer is not JSON');
    }

    const parsed = healthReportSchema.safeParse(body);
    if (!parsed.success) throw new HealthCheckError('the answer is not a health report');
    return parsed.data;
  } finally {
    clearTimeout(timeout);
    signal.removeEventListener('abort', abortRequest);
  }
}
