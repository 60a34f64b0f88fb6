import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module.js';
import { HealthModule } from '../health/health.module.js';
import { IngestModule } from '../ingest/ingest.module.js';
import { EmbeddedBrokerService } from './embedded-broker.service.js';
import { ExternalBrokerService } from './external-broker.service.js';

@Module({
  imports: [DevicesModule, IngestModule, HealthModule],
  providers: [EmbeddedBrokerService, ExternalBrokerService],
  exports: [EmbeddedBrokerService],
})
export class MqttModule {}
