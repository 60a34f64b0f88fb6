import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module.js';
import { HealthModule } from '../health/health.module.js';
import { TelemetryModule } from '../telemetry/telemetry.module.js';
import { DeadLettersController } from './dead-letters.controller.js';
import { DeadLettersJobsService } from './dead-letters-jobs.service.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { IngestController } from './ingest.controller.js';
import { IngestMetrics } from './ingest.metrics.js';
import { IngestService } from './ingest.service.js';

@Module({
  imports: [DevicesModule, TelemetryModule, HealthModule],
  controllers: [IngestController, DeadLettersController],
  providers: [DeadLettersRepository, DeadLettersJobsService, IngestMetrics, IngestService],
  exports: [IngestService],
})
export class IngestModule {}
