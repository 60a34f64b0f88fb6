import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module.js';
import { DevicesModule } from '../devices/devices.module.js';
import { HealthModule } from '../health/health.module.js';
import { IngestModule } from '../ingest/ingest.module.js';
import { BrokerHookController } from './broker-hook.controller.js';
import { BrokerHookGuard } from './broker-hook.guard.js';
import { BrokerHookSecret } from './broker-hook.secret.js';
import { BrokerHookService } from './broker-hook.service.js';
import { EmbeddedBrokerService } from './embedded-broker.service.js';
import { ExternalBrokerService } from './external-broker.service.js';

@Module({
  imports: [DevicesModule, IngestModule, HealthModule, CommandsModule],
  controllers: [BrokerHookController],
  providers: [
    EmbeddedBrokerService,
    ExternalBrokerService,
    BrokerHookSecret,
    BrokerHookGuard,
    BrokerHookService,
  ],
  exports: [EmbeddedBrokerService],
})
export class MqttModule {}
