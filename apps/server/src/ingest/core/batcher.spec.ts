import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatcherClosedError, WriteBatcher, type WriteBatcherOptions } from './batcher.js';

/** A database whose commits the test controls: each write waits until the test settles it. */
class FakeDatabase {
  readonly committed: number[] = [];
  readonly calls: number[][] = [];
  private readonly pending: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  autoCommit = false;
  failuresToCome = 0;

  readonly write = (items: number[]): Promise<void> => {
    this.calls.push([...items]);
    if (this.failuresToCome > 0) {
      this.failuresToCome--;
      return Promise.reject(new Error('connection refused'));
    }
    if (this.autoCommit) {
      this.committed.push(...items);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        resolve: () => {
          this.committed.push(...items);
          resolve();
        },
        reject,
      });
    });
  };

  get waitingWrites(): number {
    return this.pending.length;
  }

  commitOldest(): void {
    this.pending.shift()!.resolve();
  }

  commitNewest(): void {
    this.pending.pop()!.resolve();
  }
}

function makeBatcher(database: FakeDatabase, overrides: Partial<WriteBatcherOptions<number>> = {}) {
  return new WriteBatcher<number>({
    maxBatchSize: 3,
    maxDelayMs: 100,
    maxQueued: 100,
    write: database.write,
    retry: { initialDelayMs: 100, maxDelayMs: 1_000, random: () => 1 },
    ...overrides,
  });
}

/** Observes a promise without awaiting it. */
function track(promise: Promise<void>) {
  const state: { outcome: 'pending' | 'resolved' | 'rejected'; error?: unknown } = {
    outcome: 'pending',
  };
  void promise.then(
    () => (state.outcome = 'resolved'),
    (error: unknown) => {
      state.outcome = 'rejected';
      state.error = error;
    },
  );
  return state;
}

/** Lets every pending promise callback run (setImmediate is left real). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const range = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => from + index);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WriteBatcher: when it writes', () => {
  it('writes as soon as a batch is full, without waiting for the delay', () => {
    const database = new FakeDatabase();
    const batcher = makeBatcher(database);
    void batcher.add([1, 2]);
    expect(database.calls).toEqual([]);
    void batcher.add([3, 4]);
    expect(database.calls).toEqual([[1, 2, 3]]);
  });

  it('writes a partial batch once its first item has waited maxDelayMs', async () => {
    const database = new FakeDatabase();
    database.autoCommit = true;
    const batcher = makeBatcher(database);
    const added = track(batcher.add([1]));
    await vi.advanceTimersByTimeAsync(60);
    void batcher.add([2]);
    await vi.advanceTimersByTimeAsync(39);
    expect(database.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(database.calls).toEqual([[1, 2]]);
    await settle();
    expect(added.outcome).toBe('resolved');
  });

  it('splits an add larger than maxBatchSize, in order, and resolves it once all are written', async () => {
    const database = new FakeDatabase();
    database.autoCommit = true;
    const batcher = makeBatcher(database);
    const added = track(batcher.add(range(1, 7)));
    await settle();
    expect(database.calls).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(added.outcome).toBe('pending');
    await vi.advanceTimersByTimeAsync(100);
    expect(database.calls.at(-1)).toEqual([7]);
    await settle();
    expect(added.outcome).toBe('resolved');
    expect(database.committed).toEqual(range(1, 7));
  });

  it('writes one batch at a time by default', async () => {
    const database = new FakeDatabase();
    const batcher = makeBatcher(database);
    void batcher.add(range(1, 9));
    expect(database.waitingWrites).toBe(1);
    database.commitOldest();
    await settle();
    expect(database.waitingWrites).toBe(1);
    expect(database.calls).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});

describe('WriteBatcher: when add settles', () => {
  it('resolves add only after write has resolved', async () => {
    const database = new FakeDatabase();
    const batcher = makeBatcher(database);
    const added = track(batcher.add([1, 2, 3]));
    await settle();
    expect(database.calls).toHaveLength(1);
    expect(added.outcome).toBe('pending');
    database.commitOldest();
    await settle();
    expect(added.outcome).toBe('resolved');
  });

  it('settles adds in call order even when a later write commits first', async () => {
    const database = new FakeDatabase();
    const batcher = makeBatcher(database, { concurrency: 2 });
    const first = track(batcher.add([1, 2, 3]));
    const second = track(batcher.add([4, 5, 6]));
    const empty = track(batcher.add([]));
    expect(database.waitingWrites).toBe(2);
    database.commitNewest();
    await settle();
    expect([first.outcome, second.outcome, empty.outcome]).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
    database.commitOldest();
    await settle();
    expect([first.outcome, second.outcome, empty.outcome]).toEqual([
      'resolved',
      'resolved',
      'resolved',
    ]);
  });

  it('resolves an empty add at once when nothing is ahead of it', async () => {
    const batcher = makeBatcher(new FakeDatabase());
    await expect(batcher.add([])).resolves.toBeUndefined();
  });
});

describe('WriteBatcher: backpressure', () => {
  it('keeps add pending while maxQueued items are held, until a write finishes', async () => {
    const database = new FakeDatabase();
    const batcher = makeBatcher(database, { maxBatchSize: 2, maxQueued: 4 });
    const first = track(batcher.add([1, 2]));
    const second = track(batcher.add([3, 4]));
    const third = track(batcher.add([5, 6, 7]));
    expect(batcher.stats()).toMatchObject({ inFlight: 2, queued: 2, waitingForRoom: 3 });

    await vi.advanceTimersByTimeAsync(1_000);
    expect(database.calls).toEqual([[1, 2]]);
    expect(batcher.stats()).toMatchObject({ inFlight: 2, queued: 2, waitingForRoom: 3 });

    database.commitOldest();
    await settle();
    expect(first.outcome).toBe('resolved');
    expect(batcher.stats()).toMatchObject({ inFlight: 2, queued: 2, waitingForRoom: 1 });
    expect([second.outcome, third.outcome]).toEqual(['pending', 'pending']);
  });

  it('never holds more than maxQueued items, and writes everything once, in order', async () => {
    const database = new FakeDatabase();
    const maxQueued = 8;
    const batcher = makeBatcher(database, { maxBatchSize: 3, maxQueued });
    let mostHeld = 0;
    const observe = () => {
      const { queued, inFlight } = batcher.stats();
      mostHeld = Math.max(mostHeld, queued + inFlight);
    };
    const sizes = [5, 0, 1, 12, 3, 7, 2, 9, 4, 1, 6, 8];
    let next = 1;
    const adds = sizes.map((size) => {
      const items = range(next, size);
      next += size;
      const added = batcher.add(items);
      observe();
      return added;
    });
    while (database.committed.length < next - 1) {
      await vi.advanceTimersByTimeAsync(100);
      while (database.waitingWrites > 0) {
        observe();
        database.commitOldest();
        await settle();
        observe();
      }
    }
    await Promise.all(adds);
    expect(mostHeld).toBe(maxQueued);
    expect(database.committed).toEqual(range(1, next - 1));
    expect(database.calls.every((batch) => batch.length <= 3)).toBe(true);
  });
});

describe('WriteBatcher: failures', () => {
  it('retries a failed write with backoff and then succeeds, losing and duplicating nothing', async () => {
    const database = new FakeDatabase();
    database.autoCommit = true;
    database.failuresToCome = 2;
    const batcher = makeBatcher(database);
    const added = track(batcher.add([1, 2, 3]));
    await settle();
    expect(batcher.stats()).toMatchObject({ consecutiveFailures: 1, healthy: true });
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(batcher.stats().consecutiveFailures).toBe(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(database.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(added.outcome).toBe('resolved');
    expect(database.calls).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(database.committed).toEqual([1, 2, 3]);
    expect(batcher.stats()).toMatchObject({
      consecutiveFailures: 0,
      healthy: true,
      queued: 0,
      inFlight: 0,
    });
  });

  it('turns unhealthy while the database keeps failing, and holds later items meanwhile', async () => {
    const database = new FakeDatabase();
    database.autoCommit = true;
    database.failuresToCome = 4;
    const batcher = makeBatcher(database, { unhealthyAfterFailures: 3 });
    const first = track(batcher.add([1, 2, 3]));
    const later = track(batcher.add([4]));
    await vi.advanceTimersByTimeAsync(300);
    await settle();
    expect(batcher.stats()).toMatchObject({ consecutiveFailures: 3, healthy: false, queued: 1 });
    await vi.advanceTimersByTimeAsync(1_500);
    await settle();
    expect([first.outcome, later.outcome]).toEqual(['resolved', 'resolved']);
    expect(database.committed).toEqual([1, 2, 3, 4]);
    expect(batcher.stats().healthy).toBe(true);
  });

  it('rejects the add once the retries are spent, and goes on with the next', async () => {
    const database = new FakeDatabase();
    database.autoCommit = true;
    database.failuresToCome = 3;
    const batcher = makeBatcher(database, {
      retry: { maxAttempts: 3, initialDelayMs: 10, random: () => 1 },
    });
    const failed = track(batcher.add([1, 2, 3]));
    await vi.advanceTimersByTimeAsync(30);
    await settle();
    expect(failed.outcome).toBe('rejected');
    expect(failed.error).toEqual(new Error('connection refused'));
    expect(database.calls).toHaveLength(3);
    await expect(batcher.add([4, 5, 6])).resolves.toBeUndefined();
    expect(database.committed).toEqual([4, 5, 6]);
  });

  it('does not retry an error the policy calls permanent, nor a write that throws at once', async () => {
    const database = new FakeDatabase();
    database.failuresToCome = 1;
    const permanent = makeBatcher(database, { retry: { isRetryable: () => false } });
    await expect(permanent.add([1, 2, 3])).rejects.toThrow('connection refused');
    expect(database.calls).toHaveLength(1);

    const throwing = makeBatcher(database, {
      retry: { maxAttempts: 1 },
      write: () => {
        throw new Error('not even a promise');
      },
    });
    await expect(throwing.add([1, 2, 3])).rejects.toThrow('not even a promise');
  });
});

describe('WriteBatcher: close', () => {
  it('writes what it holds and what waits for room, then refuses new items', async () => {
    const database = new FakeDatabase();
    database.autoCommit = true;
    const batcher = makeBatcher(database, { maxBatchSize: 2, maxQueued: 2 });
    const first = track(batcher.add([1]));
    const blocked = track(batcher.add([2, 3, 4]));
    const closed = track(batcher.close());
    await settle();
    expect([first.outcome, blocked.outcome, closed.outcome]).toEqual([
      'resolved',
      'resolved',
      'resolved',
    ]);
    expect(database.committed).toEqual([1, 2, 3, 4]);
    await expect(batcher.add([5])).rejects.toBeInstanceOf(BatcherClosedError);
    expect(batcher.stats().accepting).toBe(false);
  });

  it('resolves close only after the write in flight has committed', async () => {
    const database = new FakeDatabase();
    const batcher = makeBatcher(database);
    void batcher.add([1]);
    const closed = track(batcher.close());
    await settle();
    expect(closed.outcome).toBe('pending');
    database.commitOldest();
    await settle();
    expect(closed.outcome).toBe('resolved');
    expect(batcher.close()).toBe(batcher.close());
  });
});

describe('WriteBatcher: options', () => {
  it.each([
    ['a delay over 250 ms', { maxDelayMs: 300 }],
    ['maxQueued below maxBatchSize', { maxBatchSize: 10, maxQueued: 5 }],
    ['a zero batch size', { maxBatchSize: 0 }],
    ['a fractional concurrency', { concurrency: 1.5 }],
    ['zero attempts', { retry: { maxAttempts: 0 } }],
  ])('refuses %s', (_case, overrides) => {
    expect(() => makeBatcher(new FakeDatabase(), overrides)).toThrow(RangeError);
  });
});
