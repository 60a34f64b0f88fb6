import { useEffect, useState } from 'react';
import { fetchHealthReport } from './health-client';
import {
  checkingHealthView,
  type HealthView,
  healthViewFromFailure,
  healthViewFromReport,
} from './health-status';

export const DEFAULT_HEALTH_REFRESH_MS = 5_000;

/**
 * Polls readiness and returns what to show. The next check is scheduled only after the previous
 * one settles, so a slow server never has several checks in flight from one tab.
 */
export function useHealthView(refreshIntervalMs: number = DEFAULT_HEALTH_REFRESH_MS): HealthView {
  const [view, setView] = useState<HealthView>(checkingHealthView);

  useEffect(() => {
    const unmounted = new AbortController();
    let nextCheck: ReturnType<typeof setTimeout> | undefined;

    const check = async () => {
      try {
        setView(healthViewFromReport(await fetchHealthReport(unmounted.signal)));
      } catch (error) {
        if (unmounted.signal.aborted) return;
        setView(healthViewFromFailure(error));
      }
      if (!unmounted.signal.aborted) {
        nextCheck = setTimeout(() => void check(), refreshIntervalMs);
      }
    };
    void check();

    return () => {
      unmounted.abort();
      clearTimeout(nextCheck);
    };
  }, [refreshIntervalMs]);

  return view;
}
