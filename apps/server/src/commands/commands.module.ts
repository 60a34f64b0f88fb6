import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module.js';
import { CommandAcksService } from './command-acks.service.js';
import { CommandDispatcher } from './command-dispatcher.service.js';
import { CommandLifecycle } from './command-lifecycle.service.js';
import { CommandPublisher } from './command-publisher.js';
import { CommandsController } from './commands.controller.js';
import { CommandsMetrics } from './commands.metrics.js';
import { CommandsRepository } from './commands.repository.js';
import { CommandsService } from './commands.service.js';

/**
 * Device commands: REST → row → MQTT → acknowledgement → statuses. The MQTT module imports this
 * one: its brokers attach to the CommandPublisher and hand acknowledgements to CommandAcksService.
 */
@Module({
  imports: [IngestModule],
  controllers: [CommandsController],
  providers: [
    CommandsRepository,
    CommandsMetrics,
    CommandLifecycle,
    CommandPublisher,
    CommandDispatcher,
    CommandAcksService,
    CommandsService,
  ],
  exports: [CommandPublisher, CommandAcksService],
})
export class CommandsModule {}
