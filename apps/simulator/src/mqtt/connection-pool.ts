import type { RandomSource } from '../physics/random.js';

/*
 * When each device may try to connect. Ten thousand devices must not hit the broker in the same
 * second, at start or after a broker restart: first connections are staggered by a rate limit,
 * and a device that lost its connection retries after a jittered exponential backoff. The pool
 * has no timers of its own; the simulator's scheduler calls service() a few times per second.
 */

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  initialMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 1_000, maxMs: 30_000 };

/**
 * The delay before retry number `attempt` (1, 2, …): the ceiling doubles each time up to maxMs,
 * and the delay is drawn from its upper half ("equal jitter"), so devices that lost their
 * connection together do not come back together, yet none retries almost at once.
 */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: RandomSource,
): number {
  const exponent = Math.min(Math.max(0, attempt - 1), 30);
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  return ceiling / 2 + random() * (ceiling / 2);
}

export interface PooledConnection {
  connect(): void;
}

export interface ConnectionPoolOptions {
  /** Connection attempts per second, first ones and retries together. */
  connectsPerSecond: number;
  backoff?: BackoffOptions;
  random?: RandomSource;
  /** A connection that stayed up this long starts its backoff from scratch when it drops. */
  stableAfterMs?: number;
}

interface Entry {
  /** Failed attempts or drops since the connection was last stable. */
  failures: number;
  connectedAtMs: number | undefined;
  attempts: number;
}

interface Retry<C> {
  dueMs: number;
  connection: C;
}

export class ConnectionPool<C extends PooledConnection> {
  private readonly entries = new Map<C, Entry>();
  private readonly firstConnects: C[] = [];
  private firstConnectIndex = 0;
  /** Sorted by due time. */
  private retries: Retry<C>[] = [];
  private tokens: number;
  private lastRefillMs: number | undefined;
  private stopped = false;
  private readonly burst: number;
  private readonly backoff: BackoffOptions;
  private readonly random: RandomSource;
  private readonly stableAfterMs: number;
  /** Connection attempts after a device's first. */
  reconnects = 0;

  constructor(private readonly options: ConnectionPoolOptions) {
    if (!(options.connectsPerSecond > 0)) throw new RangeError('connectsPerSecond must be > 0');
    // A tenth of a second's worth: smooth, yet enough for a scheduler running every 50–100 ms.
    this.burst = Math.max(1, options.connectsPerSecond / 10);
    this.tokens = this.burst;
    this.backoff = options.backoff ?? defaultBackoff;
    this.random = options.random ?? Math.random;
    this.stableAfterMs = options.stableAfterMs ?? 30_000;
  }

  /** Queues a connection's first attempt. */
  add(connection: C): void {
    if (this.entries.has(connection)) return;
    this.entries.set(connection, { failures: 0, connectedAtMs: undefined, attempts: 0 });
    this.firstConnects.push(connection);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Connections waiting for their first attempt or a retry. */
  get waiting(): number {
    return this.firstConnects.length - this.firstConnectIndex + this.retries.length;
  }

  /** Connections that have not had their first attempt yet. */
  get pendingFirstConnects(): number {
    return this.firstConnects.length - this.firstConnectIndex;
  }

  /** Call when the broker accepted a connection. */
  connected(connection: C, nowMs: number): void {
    const entry = this.entries.get(connection);
    if (entry) entry.connectedAtMs = nowMs;
  }

  /** Call when a connection dropped or an attempt failed: schedules its retry. */
  closed(connection: C, nowMs: number): void {
    const entry = this.entries.get(connection);
    if (!entry || this.stopped) return;
    if (entry.connectedAtMs !== undefined && nowMs - entry.connectedAtMs >= this.stableAfterMs) {
      entry.failures = 0;
    }
    entry.connectedAtMs = undefined;
    entry.failures += 1;
    const dueMs = nowMs + backoffDelayMs(entry.failures, this.backoff, this.random);
    this.insertRetry({ dueMs, connection });
  }

  /** Starts the attempts that are due, as far as the rate limit allows; returns how many. */
  service(nowMs: number): number {
    if (this.stopped) return 0;
    const elapsedMs = this.lastRefillMs === undefined ? 0 : Math.max(0, nowMs - this.lastRefillMs);
    this.lastRefillMs = nowMs;
    this.tokens = Math.min(
      this.burst,
      this.tokens + (elapsedMs * this.options.connectsPerSecond) / 1_000,
    );

    let started = 0;
    // Retries first: they have waited longest.
    let due = 0;
    while (due < this.retries.length && this.retries[due]!.dueMs <= nowMs && this.tokens >= 1) {
      this.start(this.retries[due]!.connection);
      due += 1;
      started += 1;
    }
    if (due > 0) this.retries = this.retries.slice(due);

    while (this.firstConnectIndex < this.firstConnects.length && this.tokens >= 1) {
      this.start(this.firstConnects[this.firstConnectIndex]!);
      this.firstConnectIndex += 1;
      started += 1;
    }
    if (this.firstConnectIndex === this.firstConnects.length && this.firstConnectIndex > 0) {
      this.firstConnects.length = 0;
      this.firstConnectIndex = 0;
    }
    return started;
  }

  /** No more attempts (shutdown). */
  stop(): void {
    this.stopped = true;
    this.retries = [];
    this.firstConnects.length = 0;
    this.firstConnectIndex = 0;
  }

  private start(connection: C): void {
    this.tokens -= 1;
    const entry = this.entries.get(connection);
    if (entry) {
      if (entry.attempts > 0) this.reconnects += 1;
      entry.attempts += 1;
    }
    connection.connect();
  }

  private insertRetry(retry: Retry<C>): void {
    let low = 0;
    let high = this.retries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.retries[middle]!.dueMs <= retry.dueMs) low = middle + 1;
      else high = middle;
    }
    this.retries.splice(low, 0, retry);
  }
}
