import { Module } from '@nestjs/common';
import { RollupsRepository } from './rollups.repository.js';
import { TelemetryJobsService } from './telemetry-jobs.service.js';
import { TelemetryRepository } from './telemetry.repository.js';

@Module({
  providers: [TelemetryRepository, RollupsRepository, TelemetryJobsService],
  exports: [TelemetryRepository, RollupsRepository, TelemetryJobsService],
})
export class TelemetryModule {}
