import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';

export type Transport = 'mqtt' | 'http';

@Injectable()
export class IngestMetrics {
  readonly readings: Counter<'transport'>;
  readonly duplicates: Counter;
  readonly rejected: Counter<'reason'>;
  readonly batchSeconds: Histogram;
  readonly queued: Gauge;

  constructor(@Inject(MetricsService) metrics: MetricsService) {
    const registers = [metrics.registry];
    this.readings = new Counter({
      name: 'ems_ingest_readings_total',
      help: 'Readings accepted and committed',
      labelNames: ['transport'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'ems_ingest_duplicates_total',
      help: 'Readings already stored (redeliveries)',
      registers,
    });
    this.rejected = new Counter({
      name: 'ems_ingest_rejected_total',
      help: 'Readings or messages rejected, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'ems_ingest_batch_write_seconds',
      help: 'Time to commit one batch of readings',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.queued = new Gauge({
      name: 'ems_ingest_queued_readings',
      help: 'Readings held waiting for or in a write',
      registers,
    });
  }
}
