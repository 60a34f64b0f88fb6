import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';

@Injectable()
export class LiveMetrics {
  readonly clients: Gauge;
  readonly sent: Counter<'type'>;
  readonly refused: Counter<'reason'>;
  readonly closedSlow: Counter;
  readonly closedDead: Counter;

  constructor(@Inject(MetricsService) metrics: MetricsService) {
    const registers = [metrics.registry];
    this.clients = new Gauge({
      name: 'ems_live_clients',
      help: 'WebSocket clients connected to this replica',
      registers,
    });
    this.sent = new Counter({
      name: 'ems_live_messages_sent_total',
      help: 'Messages written to WebSocket clients, by type',
      labelNames: ['type'],
      registers,
    });
    this.refused = new Counter({
      name: 'ems_live_handshakes_refused_total',
      help: 'WebSocket handshakes refused, by reason (origin, capacity)',
      labelNames: ['reason'],
      registers,
    });
    this.closedSlow = new Counter({
      name: 'ems_live_closed_slow_total',
      help: 'Clients closed because they did not read their messages in time',
      registers,
    });
    this.closedDead = new Counter({
      name: 'ems_live_closed_dead_total',
      help: 'Clients closed because they stopped answering pings',
      registers,
    });
  }
}
