import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { EventBus } from '../common/event-bus.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { AuthenticatedDevice } from '../devices/device-auth.service.js';
import { HealthService } from '../health/health.service.js';
import { TelemetryRepository, type StoredReading } from '../telemetry/telemetry.repository.js';
import { parseTelemetry, WriteBatcher, type Rejection } from './core/index.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { IngestMetrics, type Transport } from './ingest.metrics.js';

export interface IngestOutcome {
  accepted: number;
  readings: { metric: string; ts: Date }[];
  rejections: Rejection[];
}

/**
 * Telemetry from an authenticated device: parsed, its valid readings written in batches, its
 * rejections counted and kept as dead letters. `ingest` resolves only once the readings are
 * committed — the MQTT and HTTP edges acknowledge their senders on that, never before.
 */
@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ingest');
  private readonly batcher: WriteBatcher<IngestedReading>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TelemetryRepository) private readonly telemetry: TelemetryRepository,
    @Inject(DeadLettersRepository) private readonly deadLetters: DeadLettersRepository,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(HealthService) private readonly health: HealthService,
  ) {
    this.batcher = new WriteBatcher<IngestedReading>({
      maxBatchSize: config.INGEST_BATCH_SIZE,
      maxDelayMs: config.INGEST_MAX_DELAY_MS,
      // On PostgreSQL one batch is written while the next is sent, so the server and the database
      // work at once; the embedded database has one connection, where larger batches do better.
      concurrency: config.INGEST_WRITE_CONCURRENCY ?? (config.DATABASE_URL ? 2 : 1),
      maxQueued: Math.max(config.INGEST_MAX_QUEUED, config.INGEST_BATCH_SIZE),
      // While the database is down, keep trying: nothing has been acknowledged, and senders wait.
      retry: { maxAttempts: Number.POSITIVE_INFINITY },
      write: (readings) => this.write(readings),
    });
  }

  onModuleInit(): void {
    this.health.register('ingest', () => {
      const stats = this.batcher.stats();
      this.metrics.queued.set(stats.queued + stats.inFlight);
      if (!stats.healthy) throw new Error(`writes failing (${stats.consecutiveFailures} in a row)`);
      return Promise.resolve(`${stats.queued + stats.inFlight} queued`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batcher.close();
  }

  async ingest(
    device: AuthenticatedDevice,
    message: { payload: Uint8Array; metric?: string; receivedAt: Date; transport: Transport },
  ): Promise<IngestOutcome> {
    const parsed = parseTelemetry({
      siteId: device.siteId,
      deviceId: device.deviceId,
      ...(message.metric !== undefined ? { metric: message.metric } : {}),
      payload: message.payload,
      receivedAt: message.receivedAt,
      now: new Date(),
      retentionDays: this.config.TELEMETRY_RETENTION_DAYS,
    });
    if (parsed.rejections.length > 0)
      await this.reject(device.tenantId, parsed.rejections, message.transport);
    const readings = parsed.readings.map((reading) => ({
      tenantId: device.tenantId,
      siteId: device.siteId,
      deviceId: device.deviceId,
      metric: reading.metric,
      ts: reading.ts,
      value: reading.value,
    }));
    // Waits its turn even when empty, so acknowledgements keep the order of their messages.
    await this.batcher.add(readings);
    this.metrics.readings.inc({ transport: message.transport }, readings.length);
    return {
      accepted: readings.length,
      readings: readings.map((reading) => ({ metric: reading.metric, ts: reading.ts })),
      rejections: parsed.rejections,
    };
  }

  /** Counts and keeps rejected input; a failure to keep it is logged, never passed to the sender. */
  async reject(
    tenantId: string | null,
    rejections: readonly Rejection[],
    transport: Transport,
  ): Promise<void> {
    for (const rejection of rejections) this.metrics.rejected.inc({ reason: rejection.reason });
    try {
      await this.deadLetters.insert(
        rejections.map((rejection) => ({
          tenantId,
          deviceId: rejection.deviceId,
          reason: rejection.reason,
          detail: rejection.detail,
          metric: rejection.metric ?? null,
          raw: rejection.raw ?? null,
          transport,
        })),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'could not keep dead letters');
    }
  }

  stats() {
    return this.batcher.stats();
  }

  private async write(readings: IngestedReading[]): Promise<void> {
    const timer = this.metrics.batchSeconds.startTimer();
    const outcome = await this.telemetry.write(readings);
    timer();
    const committedAt = Date.now();
    for (const reading of readings)
      this.metrics.commitLag.observe((committedAt - reading.ts.getTime()) / 1000);
    this.metrics.duplicates.inc(readings.length - outcome.inserted);
    const at = new Date().toISOString();
    for (const device of outcome.cameOnline) {
      this.events.publish('device.status_changed', {
        ...device,
        status: 'online',
        reason: 'telemetry',
        at,
      });
    }
    this.events.publish('readings.ingested', {
      inserted: outcome.inserted,
      latest: latestOf(readings),
    });
  }
}

/** A reading on its way to storage, with the site live views group it by. */
type IngestedReading = StoredReading & { siteId: string };

function latestOf(readings: readonly IngestedReading[]) {
  const latest = new Map<string, IngestedReading>();
  for (const reading of readings) {
    const key = `${reading.deviceId}\u0000${reading.metric}`;
    const current = latest.get(key);
    if (!current || current.ts < reading.ts) latest.set(key, reading);
  }
  return [...latest.values()].map((reading) => ({
    tenantId: reading.tenantId,
    siteId: reading.siteId,
    deviceId: reading.deviceId,
    metric: reading.metric,
    ts: reading.ts.toISOString(),
    value: reading.value,
  }));
}
