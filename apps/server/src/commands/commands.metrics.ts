import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';

export type AckOutcome = 'moved' | 'unchanged' | 'unknown_command' | 'invalid';

@Injectable()
export class CommandsMetrics {
  readonly created: Counter;
  readonly published: Counter;
  readonly finished: Counter<'status'>;
  readonly acks: Counter<'outcome'>;

  constructor(@Inject(MetricsService) metrics: MetricsService) {
    const registers = [metrics.registry];
    this.created = new Counter({
      name: 'ems_commands_created_total',
      help: 'Device commands created',
      registers,
    });
    this.published = new Counter({
      name: 'ems_commands_published_total',
      help: 'Command messages the broker accepted (redeliveries included)',
      registers,
    });
    this.finished = new Counter({
      name: 'ems_commands_finished_total',
      help: 'Device commands that reached a terminal status, by that status',
      labelNames: ['status'],
      registers,
    });
    this.acks = new Counter({
      name: 'ems_command_acks_total',
      help: 'Command acknowledgements from devices, by outcome (unchanged: repeated or too late)',
      labelNames: ['outcome'],
      registers,
    });
  }
}
