import { Module } from '@nestjs/common';
import { RollupsRepository } from './rollups.repository.js';
import { TelemetryRepository } from './telemetry.repository.js';

@Module({
  providers: [TelemetryRepository, RollupsRepository],
  exports: [TelemetryRepository, RollupsRepository],
})
export class TelemetryModule {}
