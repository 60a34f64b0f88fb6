import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../common/event-bus.js';
import { LIVE_BUS } from './live.tokens.js';
import type { LiveBus, LiveUpdate } from './live-bus.js';

/** Turns this replica's domain events into live updates on the bus (one bus message per event). */
@Injectable()
export class LiveForwarder implements OnModuleInit {
  constructor(
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('readings.ingested', (event) => {
      const byDevice = new Map<string, Extract<LiveUpdate, { kind: 'metrics' }>>();
      for (const reading of event.latest) {
        let update = byDevice.get(reading.deviceId);
        if (!update) {
          update = {
            kind: 'metrics',
            tenantId: reading.tenantId,
            siteId: reading.siteId,
            deviceId: reading.deviceId,
            ts: reading.ts,
            metrics: {},
          };
          byDevice.set(reading.deviceId, update);
        }
        update.metrics[reading.metric] = reading.value;
        if (reading.ts > update.ts) update.ts = reading.ts;
      }
      this.bus.publish([...byDevice.values()]);
    });
    this.events.subscribe('device.status_changed', (event) => {
      this.bus.publish([
        {
          kind: 'status',
          tenantId: event.tenantId,
          siteId: event.siteId,
          deviceId: event.deviceId,
          status: event.status,
          at: event.at,
        },
      ]);
    });
    this.events.subscribe('command.status_changed', (event) => {
      this.bus.publish([
        {
          kind: 'command',
          tenantId: event.tenantId,
          siteId: event.siteId,
          deviceId: event.deviceId,
          commandId: event.commandId,
          commandType: event.commandType,
          status: event.status,
          ...(event.message !== undefined ? { message: event.message } : {}),
          at: event.at,
        },
      ]);
    });
  }
}
