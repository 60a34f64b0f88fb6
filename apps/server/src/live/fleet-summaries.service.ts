import { Inject, Injectable } from '@nestjs/common';
import type { FleetSummary } from '@ecogrid/contracts';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { TelemetryQueriesService } from '../telemetry/telemetry-queries.service.js';
import { fleetGroupKey, type LiveViewer } from './live-hub.js';

/**
 * The fleet KPIs live clients get: computed once per tenant and site limit per interval, however
 * many clients follow them.
 */
@Injectable()
export class FleetSummaries {
  private readonly cache = new Map<string, { at: number; summary: Promise<FleetSummary> }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TelemetryQueriesService) private readonly queries: TelemetryQueriesService,
  ) {}

  get(viewer: LiveViewer): Promise<FleetSummary> {
    const key = fleetGroupKey(viewer);
    const now = Date.now();
    const cached = this.cache.get(key);
    // Fresh enough: younger than most of an interval, so each tick computes it once.
    if (cached && now - cached.at < this.config.LIVE_SUMMARY_INTERVAL_MS * 0.8) {
      return cached.summary;
    }
    const summary = this.queries.fleetSummaryOf({
      tenantId: viewer.tenantId,
      siteIds: viewer.siteIds,
    });
    this.cache.set(key, { at: now, summary });
    summary.catch(() => this.cache.delete(key));
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return summary;
  }
}
