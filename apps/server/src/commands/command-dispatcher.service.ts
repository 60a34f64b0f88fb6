import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { CommandStatus } from '@ecogrid/contracts';
import { EventBus } from '../common/event-bus.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { CommandLifecycle } from './command-lifecycle.service.js';
import { CommandPublisher } from './command-publisher.js';
import { CommandsMetrics } from './commands.metrics.js';
import { CommandsRepository, type ClaimFilter, type CommandRow } from './commands.repository.js';

/** A claim lapses after this, so a command claimed by a process that died is sent again. */
const CLAIM_SECONDS = 10;
const DISPATCH_BATCH = 200;

type DispatchTarget = Pick<ClaimFilter, 'commandIds' | 'deviceIds'> & {
  statuses: readonly CommandStatus[];
};

/**
 * Sends commands to their devices and ends those nobody answered.
 * - A new command goes out at once when its device can be reached; otherwise it stays pending and
 *   goes out when the device comes online (`device.status_changed`), subscribes to its commands
 *   (embedded broker), or at the latest on the periodic sweep, which also covers what a restart
 *   left pending. Each publish first claims its rows (`for update skip locked`, held a few
 *   seconds), so replicas and overlapping triggers never send one command together.
 * - A command is `sent` once the broker accepted the publish (QoS 1).
 * - When a device subscribes again, its `sent` commands go out again: the broker may have lost
 *   them with its session (the embedded broker keeps sessions in memory), and devices run each
 *   command id at most once, answering a repeat with its outcome.
 * - The sweep expires pending, sent and accepted commands past their deadline plus a grace.
 */
@Injectable()
export class CommandDispatcher
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('commands');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CommandsRepository) private readonly repository: CommandsRepository,
    @Inject(CommandLifecycle) private readonly lifecycle: CommandLifecycle,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(CommandsMetrics) private readonly metrics: CommandsMetrics,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  /**
   * Listening starts before the broker's own start-up (the MQTT module depends on this one), so a
   * device reconnecting the moment a restarted broker listens is served at once.
   */
  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.subscribe('device.status_changed', (event) => {
        if (event.status === 'online')
          this.dispatchSoon({ deviceIds: [event.deviceId], statuses: ['pending'] });
      }),
      this.publisher.onDeviceReady((deviceId) =>
        this.dispatchSoon({ deviceIds: [deviceId], statuses: ['pending', 'sent'] }),
      ),
    );
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.COMMAND_SWEEP_INTERVAL_MS);
    this.timer.unref();
    void this.sweep();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await Promise.allSettled([...this.inFlight, this.sweeping]);
  }

  /** Sends these new commands now if their devices can be reached (never throws). */
  dispatchCreated(commandIds: readonly string[]): void {
    if (commandIds.length > 0) this.dispatchSoon({ commandIds, statuses: ['pending'] });
  }

  /** One sweep: expire what is overdue, then send what waits for a reachable device. */
  sweep(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.sweeping ??= (async () => {
      try {
        await this.lifecycle.expireOverdue(this.config.COMMAND_EXPIRY_GRACE);
        // Batch after batch while full ones go out; a failing broker ends the round.
        while (
          !this.stopping &&
          (await this.dispatch({ statuses: ['pending'] })) === DISPATCH_BATCH
        );
      } catch (error) {
        this.logger.warn({ err: error }, 'command sweep failed; will retry');
      } finally {
        this.sweeping = undefined;
      }
    })();
    return this.sweeping;
  }

  private dispatchSoon(target: DispatchTarget): void {
    if (this.stopping) return;
    const work = this.dispatch(target).catch((error: unknown) =>
      this.logger.warn({ err: error }, 'could not send commands; the sweep will retry'),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Claims, publishes and records one batch; returns how many the broker accepted. */
  private async dispatch(target: DispatchTarget): Promise<number> {
    if (!this.publisher.attached) return 0;
    const reachable = this.publisher.reachableDevices();
    let deviceIds = target.deviceIds;
    if (reachable) {
      deviceIds = (deviceIds ?? [...reachable]).filter((id) => reachable.has(id));
      if (deviceIds.length === 0) return 0;
    }
    const claimed = await this.repository.transaction('platform', (trx) =>
      this.repository.claimForDispatch(trx, {
        statuses: target.statuses,
        ...(target.commandIds ? { commandIds: target.commandIds } : {}),
        ...(deviceIds ? { deviceIds } : {}),
        onlineDevicesOnly: reachable === undefined,
        limit: DISPATCH_BATCH,
        claimSeconds: CLAIM_SECONDS,
      }),
    );
    if (claimed.length === 0) return 0;
    // Oldest first, so a device gets its commands in the order they were made.
    claimed.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
    const outcomes = await Promise.allSettled(claimed.map((row) => this.publisher.publish(row)));
    const published: CommandRow[] = [];
    const failed: string[] = [];
    outcomes.forEach((outcome, index) => {
      const row = claimed[index]!;
      if (outcome.status === 'fulfilled') published.push(row);
      else {
        failed.push(row.id);
        this.logger.warn(
          { err: outcome.reason as unknown, commandId: row.id, deviceId: row.device_id },
          'could not publish a command; it stays for the next attempt',
        );
      }
    });
    this.metrics.published.inc(published.length);
    const newlySent = published.filter((row) => row.status === 'pending').map((row) => row.id);
    await this.lifecycle.markSent(newlySent);
    // Redelivered commands keep their status; their claim ends here, as does that of failures.
    const release = [
      ...published.filter((row) => row.status !== 'pending').map((row) => row.id),
      ...failed,
    ];
    if (release.length > 0) {
      await this.repository.transaction('platform', (trx) =>
        this.repository.releaseClaims(trx, release),
      );
    }
    return published.length;
  }
}
