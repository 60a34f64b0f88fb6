import { UnavailableError } from '../../common/errors.js';
import { type RetryPolicy, resolveRetryPolicy, retryDelayMs, sleep } from './retry.js';

export interface WriteBatcherOptions<T> {
  /** Items per `write` call; a larger `add` is split. */
  maxBatchSize: number;
  /** How long the first queued item waits for company before a partial batch is written. */
  maxDelayMs: number;
  /** Items held at once, queued and being written together: the memory bound. */
  maxQueued: number;
  /** Must be durable when it resolves: callers acknowledge their senders on that. */
  write: (items: T[]) => Promise<void>;
  /** Writes in flight at once. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Failed attempts in a row after which `stats().healthy` (readiness) turns false. */
  unhealthyAfterFailures?: number;
}

export interface WriteBatcherStats {
  /** Held, waiting for a batch. */
  queued: number;
  /** Held, in a write (including its retries). */
  inFlight: number;
  /** Not yet held: items of `add` calls waiting for room (backpressure). */
  waitingForRoom: number;
  /** Duration of the last successful write, null before the first. */
  lastWriteMs: number | null;
  consecutiveFailures: number;
  healthy: boolean;
  accepting: boolean;
}

/** The largest partial-batch delay allowed: it adds straight to every acknowledgement's latency. */
export const MAX_BATCH_DELAY_MS = 250;

export class BatcherClosedError extends UnavailableError {
  constructor() {
    super('the write batcher is closed and accepts no more items');
  }
}

/** One `add` call: settled, in call order, once every one of its items is written or failed. */
interface Ticket {
  unsettledItems: number;
  failure: { error: unknown } | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Items `offset` to `end` of one ticket's array; `offset` moves as batches take from the front. */
interface Segment<T> {
  ticket: Ticket;
  items: readonly T[];
  offset: number;
  end: number;
}

interface Batch<T> {
  items: T[];
  itemsPerTicket: Map<Ticket, number>;
}

/**
 * Collects items from many callers into batches for one writer, bounded in memory. `add` resolves
 * only once its items are durably written, which is what lets the MQTT layer send PUBACK after
 * commit; calls settle in the order they were made, as MQTT requires of PUBACKs. When `maxQueued`
 * items are held, further items wait outside (in their caller's array), so a slow database slows
 * acknowledgements instead of growing memory.
 */
export class WriteBatcher<T> {
  private readonly maxBatchSize: number;
  private readonly maxDelayMs: number;
  private readonly maxQueued: number;
  private readonly concurrency: number;
  private readonly unhealthyAfterFailures: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly write: (items: T[]) => Promise<void>;

  /** Every unsettled `add`, oldest first. */
  private readonly tickets: Ticket[] = [];
  /** Items admitted by the memory bound but not yet in a batch. */
  private readonly queue: Segment<T>[] = [];
  /** Items the memory bound has not admitted yet. */
  private readonly waitingForRoom: Segment<T>[] = [];
  private queuedCount = 0;
  private inFlightCount = 0;
  private activeWrites = 0;
  private flushDue = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastWriteMs: number | null = null;
  private consecutiveFailures = 0;
  private closing = false;
  private closed: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(options: WriteBatcherOptions<T>) {
    this.maxBatchSize = positiveInteger('maxBatchSize', options.maxBatchSize);
    this.maxQueued = positiveInteger('maxQueued', options.maxQueued);
    this.concurrency = positiveInteger('concurrency', options.concurrency ?? 1);
    this.unhealthyAfterFailures = positiveInteger(
      'unhealthyAfterFailures',
      options.unhealthyAfterFailures ?? 3,
    );
    if (!(options.maxDelayMs >= 0 && options.maxDelayMs <= MAX_BATCH_DELAY_MS)) {
      throw new RangeError(`maxDelayMs must be between 0 and ${MAX_BATCH_DELAY_MS}`);
    }
    if (this.maxQueued < this.maxBatchSize) {
      throw new RangeError('maxQueued must be at least maxBatchSize, or no batch could fill');
    }
    this.maxDelayMs = options.maxDelayMs;
    this.retryPolicy = resolveRetryPolicy(options.retry);
    this.write = options.write;
  }

  /**
   * Resolves once all `items` are durably written; rejects if any of them could not be written
   * within the retry policy. `items` are not copied: do not change them until it settles.
   */
  add(items: readonly T[]): Promise<void> {
    if (this.closing) return Promise.reject(new BatcherClosedError());
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { unsettledItems: items.length, failure: undefined, resolve, reject };
      this.tickets.push(ticket);
      // An empty add still takes its turn, so its acknowledgement keeps its place in line.
      if (items.length > 0) {
        this.waitingForRoom.push({ ticket, items, offset: 0, end: items.length });
      }
      this.admitWaiting();
      this.pump();
      this.settleInOrder();
    });
  }

  /** Stops accepting items, writes everything held or waiting, and resolves when all settled. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closing = true;
      this.closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));
      this.pump();
      this.settleInOrder();
    }
    return this.closed;
  }

  stats(): WriteBatcherStats {
    const waiting = this.waitingForRoom.reduce(
      (sum, segment) => sum + segment.end - segment.offset,
      0,
    );
    return {
      queued: this.queuedCount,
      inFlight: this.inFlightCount,
      waitingForRoom: waiting,
      lastWriteMs: this.lastWriteMs,
      consecutiveFailures: this.consecutiveFailures,
      healthy: this.consecutiveFailures < this.unhealthyAfterFailures,
      accepting: !this.closing,
    };
  }

  /** Moves waiting items under the memory bound, oldest first, as far as there is room. */
  private admitWaiting(): void {
    let room = this.maxQueued - this.queuedCount - this.inFlightCount;
    while (room > 0 && this.waitingForRoom.length > 0) {
      const waiting = this.waitingForRoom[0]!;
      const end = Math.min(waiting.end, waiting.offset + room);
      this.queue.push({ ...waiting, end });
      room -= end - waiting.offset;
      this.queuedCount += end - waiting.offset;
      waiting.offset = end;
      if (end === waiting.end) this.waitingForRoom.shift();
    }
  }

  /** Starts every write that is due: a full batch, an expired delay, or a flush on close. */
  private pump(): void {
    while (
      this.activeWrites < this.concurrency &&
      this.queuedCount > 0 &&
      (this.queuedCount >= this.maxBatchSize || this.flushDue || this.closing)
    ) {
      this.startWrite(this.takeBatch());
    }
    if (this.queuedCount === 0) {
      // The next item starts a fresh delay.
      this.flushDue = false;
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    } else if (!this.flushDue && this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flushDue = true;
        this.pump();
      }, this.maxDelayMs);
    }
  }

  private takeBatch(): Batch<T> {
    const batch: Batch<T> = { items: [], itemsPerTicket: new Map() };
    while (batch.items.length < this.maxBatchSize && this.queue.length > 0) {
      const segment = this.queue[0]!;
      const end = Math.min(segment.end, segment.offset + this.maxBatchSize - batch.items.length);
      for (let index = segment.offset; index < end; index++)
        batch.items.push(segment.items[index]!);
      const taken = end - segment.offset;
      batch.itemsPerTicket.set(
        segment.ticket,
        (batch.itemsPerTicket.get(segment.ticket) ?? 0) + taken,
      );
      segment.offset = end;
      if (end === segment.end) this.queue.shift();
    }
    this.queuedCount -= batch.items.length;
    this.inFlightCount += batch.items.length;
    return batch;
  }

  private startWrite(batch: Batch<T>): void {
    this.activeWrites++;
    this.writeWithRetry(batch.items).then(
      () => this.finishBatch(batch, undefined),
      (error: unknown) => this.finishBatch(batch, { error }),
    );
  }

  private async writeWithRetry(items: T[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const startedAt = performance.now();
      try {
        await this.write(items);
        this.lastWriteMs = performance.now() - startedAt;
        this.consecutiveFailures = 0;
        return;
      } catch (error) {
        this.consecutiveFailures++;
        if (attempt >= this.retryPolicy.maxAttempts || !this.retryPolicy.isRetryable(error)) {
          throw error;
        }
        await sleep(retryDelayMs(this.retryPolicy, attempt));
      }
    }
  }

  private finishBatch(batch: Batch<T>, failure: { error: unknown } | undefined): void {
    this.activeWrites--;
    this.inFlightCount -= batch.items.length;
    for (const [ticket, count] of batch.itemsPerTicket) {
      ticket.unsettledItems -= count;
      ticket.failure ??= failure;
    }
    this.admitWaiting();
    this.pump();
    this.settleInOrder();
  }

  /** Settles finished calls from the oldest on; a finished call behind an unfinished one waits. */
  private settleInOrder(): void {
    while (this.tickets.length > 0 && this.tickets[0]!.unsettledItems === 0) {
      const ticket = this.tickets.shift()!;
      if (ticket.failure) ticket.reject(ticket.failure.error);
      else ticket.resolve();
    }
    if (this.tickets.length === 0 && this.resolveClosed) {
      this.resolveClosed();
      this.resolveClosed = undefined;
    }
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer`);
  return value;
}
