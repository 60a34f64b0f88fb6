import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { RollupsRepository } from './rollups.repository.js';
import { TelemetryRepository } from './telemetry.repository.js';

const DAY_MS = 86_400_000;
const PARTITIONS_AHEAD_DAYS = 3;
const ROLLUP_INTERVAL_MS = 2_000;
const ROLLUP_BATCH = 5_000;
const MAINTENANCE_INTERVAL_MS = 3_600_000;

/**
 * Background work of the telemetry store: daily partitions created ahead of need and dropped by
 * retention, rollups recomputed from dirty buckets every few seconds, rollup tiers trimmed by their
 * own retention. Safe on several replicas at once (skip-locked claims, idempotent DDL functions).
 */
@Injectable()
export class TelemetryJobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('telemetry-jobs');
  private rollupTimer: NodeJS.Timeout | undefined;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private rolling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TelemetryRepository) private readonly telemetry: TelemetryRepository,
    @Inject(RollupsRepository) private readonly rollups: RollupsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Readings are accepted back to the retention limit, so every day of it needs its partition.
    await this.ensurePartitions();
    this.rollupTimer = setInterval(() => void this.rollUp(), ROLLUP_INTERVAL_MS);
    this.maintenanceTimer = setInterval(() => void this.maintain(), MAINTENANCE_INTERVAL_MS);
    this.rollupTimer.unref();
    this.maintenanceTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.rollupTimer);
    clearInterval(this.maintenanceTimer);
    await this.rolling;
  }

  async ensurePartitions(now = new Date()): Promise<number> {
    const from = new Date(now.getTime() - this.config.TELEMETRY_RETENTION_DAYS * DAY_MS);
    const to = new Date(now.getTime() + PARTITIONS_AHEAD_DAYS * DAY_MS);
    const created = await this.telemetry.ensurePartitions(from, to);
    if (created > 0) this.logger.log(`created ${created} daily reading partition(s)`);
    return created;
  }

  /** Recomputes dirty rollup buckets until none is left (one run at a time). */
  rollUp(): Promise<void> {
    this.rolling ??= (async () => {
      try {
        // Again at once only while a backlog is left; buckets in progress wait for their refresh.
        const openRefresh = this.config.ROLLUP_OPEN_BUCKET_REFRESH;
        while (
          !this.stopped &&
          (await this.rollups.recomputeDirty(ROLLUP_BATCH, openRefresh)) >= ROLLUP_BATCH
        ) {
          // more to do
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'rollup run failed; retrying shortly');
      } finally {
        this.rolling = undefined;
      }
    })();
    return this.rolling;
  }

  async maintain(now = new Date()): Promise<void> {
    try {
      await this.ensurePartitions(now);
      const cutoff = new Date(now.getTime() - this.config.TELEMETRY_RETENTION_DAYS * DAY_MS);
      const dropped = await this.telemetry.dropPartitionsBefore(cutoff);
      if (dropped > 0) this.logger.log(`dropped ${dropped} reading partition(s) past retention`);
      await this.rollups.applyRetention({
        m15: new Date(now.getTime() - this.config.ROLLUP_15M_RETENTION_DAYS * DAY_MS),
        h1: new Date(now.getTime() - this.config.ROLLUP_1H_RETENTION_DAYS * DAY_MS),
        d1: new Date(now.getTime() - this.config.ROLLUP_1D_RETENTION_DAYS * DAY_MS),
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'telemetry maintenance failed; will retry');
    }
  }
}
