import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { RollupsRepository } from './rollups.repository.js';
import { TelemetryQueriesRepository } from './telemetry-queries.repository.js';
import { TelemetryQueriesService } from './telemetry-queries.service.js';
import { TelemetryController } from './telemetry.controller.js';
import { TelemetryJobsService } from './telemetry-jobs.service.js';
import { TelemetryRepository } from './telemetry.repository.js';

@Module({
  imports: [DevicesModule, SitesModule],
  controllers: [TelemetryController],
  providers: [
    TelemetryRepository,
    RollupsRepository,
    TelemetryJobsService,
    TelemetryQueriesRepository,
    TelemetryQueriesService,
  ],
  exports: [TelemetryRepository, RollupsRepository, TelemetryJobsService, TelemetryQueriesService],
})
export class TelemetryModule {}
