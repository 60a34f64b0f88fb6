import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_VERSION } from '../version.js';
import { InstancesRepository } from './instances.repository.js';

const HEARTBEAT_MS = 15_000;

/**
 * Knows whether this instance should receive traffic, and keeps its row in `server_instances`
 * fresh so operators see which versions run during an upgrade.
 */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('lifecycle');
  private shuttingDown = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(@Inject(InstancesRepository) private readonly instances: InstancesRepository) {}

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Work to do when the application closes (connections of plugins outside Nest). */
  onClose(closer: () => Promise<void>): void {
    this.closers.push(closer);
  }

  /** From now on readiness answers 503, so load balancers stop sending new work here. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.instances.register({
      id: this.instanceId,
      hostname: hostname().slice(0, 255),
      pid: process.pid,
      version: APP_VERSION,
    });
    this.heartbeat = setInterval(() => {
      this.instances.touch(this.instanceId, HEARTBEAT_MS * 4).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'instance heartbeat failed');
      });
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.all(this.closers.map((close) => close().catch(() => undefined)));
    await this.instances.remove(this.instanceId).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not deregister this instance');
    });
  }
}
