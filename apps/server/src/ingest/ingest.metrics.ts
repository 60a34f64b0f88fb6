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
  readonly commitLag: Histogram;
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
    this.commitLag = new Histogram({
      name: 'ems_ingest_commit_lag_seconds',
      help: 'Age of a reading when it was committed: its timestamp to the end of its write',
      buckets: [
        0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10,
        30, 60, 300, 3600,
      ],
      registers,
    });
    this.queued = new Gauge({
      name: 'ems_ingest_queued_readings',
      help: 'Readings held waiting for or in a write',
      registers,
    });
  }
}
