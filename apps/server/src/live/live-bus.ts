import type { CommandStatus, CommandType, DeviceStatus } from '@ecogrid/contracts';
import { Redis } from 'ioredis';

/**
 * What the live stream carries between server replicas: the facts, not the per-client messages.
 * Each replica turns them into messages for its own clients (their subscriptions, their limits).
 */
export type LiveUpdate =
  | {
      kind: 'metrics';
      tenantId: string;
      siteId: string;
      deviceId: string;
      ts: string;
      metrics: Record<string, number>;
    }
  | {
      kind: 'status';
      tenantId: string;
      siteId: string;
      deviceId: string;
      status: DeviceStatus;
      at: string;
    }
  | {
      kind: 'command';
      tenantId: string;
      siteId: string;
      deviceId: string;
      commandId: string;
      commandType: CommandType;
      status: CommandStatus;
      message?: string;
      at: string;
    };

/** Where the bus reports trouble (Nest's Logger fits). */
export interface BusLogger {
  warn(message: string): void;
}

export type LiveListener = (updates: readonly LiveUpdate[]) => void;

/** Carries updates to every replica's clients: in-process alone, through Redis pub/sub with several. */
export interface LiveBus {
  publish(updates: readonly LiveUpdate[]): void;
  listen(listener: LiveListener): void;
  close(): Promise<void>;
  readonly kind: 'in-process' | 'redis';
}

export class LocalLiveBus implements LiveBus {
  readonly kind = 'in-process';
  private readonly listeners: LiveListener[] = [];

  publish(updates: readonly LiveUpdate[]): void {
    if (updates.length === 0) return;
    for (const listener of this.listeners) listener(updates);
  }

  listen(listener: LiveListener): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    this.listeners.length = 0;
    return Promise.resolve();
  }
}

export const LIVE_CHANNEL = 'ecogrid:live:v1';

/**
 * Redis pub/sub: one publishing and one subscribed connection per replica; every replica,
 * this one included, receives what any of them publishes. While Redis is unreachable, updates
 * still reach this replica's own clients (the others miss them; live values are refreshed by
 * the next reading anyway).
 */
export class RedisLiveBus implements LiveBus {
  readonly kind = 'redis';
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners: LiveListener[] = [];
  private subscribed = false;

  constructor(
    url: string,
    private readonly logger: BusLogger,
    private readonly channel = LIVE_CHANNEL,
  ) {
    const options = { connectTimeout: 2_000, maxRetriesPerRequest: 1, enableOfflineQueue: false };
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
    for (const [name, connection] of [
      ['publisher', this.publisher],
      ['subscriber', this.subscriber],
    ] as const) {
      connection.on('error', (error: Error) =>
        this.logger.warn(`live bus (Redis ${name}): ${error.message}`),
      );
    }
    this.subscriber.on('ready', () => {
      this.subscribed = true;
    });
    this.subscriber.on('end', () => {
      this.subscribed = false;
    });
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let updates: LiveUpdate[];
      try {
        updates = JSON.parse(message) as LiveUpdate[];
      } catch {
        this.logger.warn('live bus: a message on the channel is not JSON; ignored');
        return;
      }
      if (!Array.isArray(updates)) return;
      this.deliver(updates);
    });
  }

  /** Resolves once the subscription is in place (so nothing published after it is missed). */
  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
    this.subscribed = true;
  }

  publish(updates: readonly LiveUpdate[]): void {
    if (updates.length === 0) return;
    if (this.publisher.status !== 'ready' || !this.subscribed) {
      this.deliver(updates);
      return;
    }
    this.publisher.publish(this.channel, JSON.stringify(updates)).catch((error: unknown) => {
      this.logger.warn(`live bus: publish failed: ${(error as Error).message}`);
      this.deliver(updates);
    });
  }

  listen(listener: LiveListener): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.listeners.length = 0;
    await Promise.all([
      this.subscriber.quit().catch(() => this.subscriber.disconnect()),
      this.publisher.quit().catch(() => this.publisher.disconnect()),
    ]);
  }

  private deliver(updates: readonly LiveUpdate[]): void {
    for (const listener of this.listeners) listener(updates);
  }
}
