import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DomainEvents } from '@ecogrid/contracts';
import { EventBus } from '../common/event-bus.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { DevicesRepository } from './devices.repository.js';

const SWEEP_INTERVAL_MS = 15_000;

/**
 * Online and offline: from the device's retained status topic and its Last Will, and from silence
 * longer than DEVICE_OFFLINE_AFTER. Every change is a domain event.
 */
@Injectable()
export class DeviceStatusService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('device-status');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DevicesRepository) private readonly devices: DevicesRepository,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async report(
    deviceId: string,
    status: 'online' | 'offline',
    reason: DomainEvents['device.status_changed']['reason'],
  ): Promise<void> {
    const changed = await this.devices.transaction('platform', (trx) =>
      this.devices.setStatus(trx, deviceId, status),
    );
    if (changed) {
      this.events.publish('device.status_changed', {
        deviceId,
        tenantId: changed.tenantId,
        siteId: changed.siteId,
        status,
        reason,
        at: new Date().toISOString(),
      });
    }
  }

  async sweep(now = new Date()): Promise<number> {
    try {
      const silentSince = new Date(now.getTime() - this.config.DEVICE_OFFLINE_AFTER * 1000);
      const silent = await this.devices.transaction('platform', (trx) =>
        this.devices.markSilentOffline(trx, silentSince),
      );
      for (const device of silent) {
        this.events.publish('device.status_changed', {
          ...device,
          status: 'offline',
          reason: 'heartbeat_timeout',
          at: now.toISOString(),
        });
      }
      return silent.length;
    } catch (error) {
      this.logger.warn({ err: error }, 'offline sweep failed; will retry');
      return 0;
    }
  }
}
