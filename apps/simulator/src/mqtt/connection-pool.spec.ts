import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../physics/random.js';
import { backoffDelayMs, ConnectionPool, defaultBackoff } from './connection-pool.js';

class FakeConnection {
  attempts: number[] = [];
  constructor(private readonly clock: { nowMs: number }) {}
  connect(): void {
    this.attempts.push(this.clock.nowMs);
  }
}

describe('backoffDelayMs', () => {
  it('doubles its ceiling up to the cap and draws from the upper half', () => {
    const random = createSeededRandom(4);
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = Math.min(30_000, 1_000 * 2 ** (attempt - 1));
      for (let sample = 0; sample < 200; sample += 1) {
        const delay = backoffDelayMs(attempt, defaultBackoff, random);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads devices that failed together', () => {
    const random = createSeededRandom(9);
    const delays = Array.from({ length: 1_000 }, () => backoffDelayMs(6, defaultBackoff, random));

    expect(new Set(delays.map((delay) => Math.floor(delay / 1_000))).size).toBeGreaterThan(10);
  });
});

describe('ConnectionPool', () => {
  it('staggers first connections at the configured rate', () => {
    const clock = { nowMs: 0 };
    const pool = new ConnectionPool<FakeConnection>({ connectsPerSecond: 200 });
    const connections = Array.from({ length: 1_000 }, () => new FakeConnection(clock));
    for (const connection of connections) pool.add(connection);

    const startedBy = (ms: number) => {
      while (clock.nowMs < ms) {
        clock.nowMs += 50;
        pool.service(clock.nowMs);
      }
      return connections.filter((connection) => connection.attempts.length > 0).length;
    };

    expect(startedBy(1_000)).toBeGreaterThanOrEqual(195);
    expect(startedBy(1_000)).toBeLessThanOrEqual(221);
    expect(startedBy(5_100)).toBe(1_000);
    expect(pool.pendingFirstConnects).toBe(0);
    expect(connections.every((connection) => connection.attempts.length === 1)).toBe(true);
  });

  it('retries a dropped connection after a growing backoff, and counts reconnects', () => {
    const clock = { nowMs: 0 };
    const pool = new ConnectionPool<FakeConnection>({
      connectsPerSecond: 100,
      random: () => 0.999_999,
    });
    const connection = new FakeConnection(clock);
    pool.add(connection);
    pool.service(0);
    expect(connection.attempts).toEqual([0]);

    const failAndRetry = () => {
      pool.closed(connection, clock.nowMs);
      const before = connection.attempts.length;
      while (connection.attempts.length === before) {
        clock.nowMs += 10;
        pool.service(clock.nowMs);
      }
      return connection.attempts.at(-1)! - connection.attempts.at(-2)!;
    };
    const gaps = Array.from({ length: 7 }, failAndRetry);

    expect(gaps.map((gap) => Math.round(gap / 1_000))).toEqual([1, 2, 4, 8, 16, 30, 30]);
    expect(pool.reconnects).toBe(7);
  });

  it('starts the backoff over once a connection was stable', () => {
    const clock = { nowMs: 0 };
    const pool = new ConnectionPool<FakeConnection>({
      connectsPerSecond: 100,
      random: () => 0.999_999,
    });
    const connection = new FakeConnection(clock);
    pool.add(connection);
    pool.service(0);
    for (let drop = 0; drop < 5; drop += 1) {
      pool.closed(connection, clock.nowMs);
      clock.nowMs += 40_000;
      pool.service(clock.nowMs);
    }
    pool.connected(connection, clock.nowMs);
    clock.nowMs += 60_000;
    pool.closed(connection, clock.nowMs);
    const dropMs = clock.nowMs;
    while (connection.attempts.at(-1)! <= dropMs) {
      clock.nowMs += 10;
      pool.service(clock.nowMs);
    }

    expect(connection.attempts.at(-1)! - dropMs).toBeLessThanOrEqual(1_010);
  });

  it('shares the rate limit between retries and first connections', () => {
    const clock = { nowMs: 0 };
    const pool = new ConnectionPool<FakeConnection>({ connectsPerSecond: 10, random: () => 0 });
    const connections = Array.from({ length: 50 }, () => new FakeConnection(clock));
    for (const connection of connections) pool.add(connection);
    let started = 0;
    for (clock.nowMs = 0; clock.nowMs <= 2_000; clock.nowMs += 100) {
      started += pool.service(clock.nowMs);
      // Every attempt fails at once.
      for (const connection of connections) {
        if (connection.attempts.at(-1) === clock.nowMs) pool.closed(connection, clock.nowMs);
      }
    }

    expect(started).toBeLessThanOrEqual(21);
    expect(pool.waiting).toBeGreaterThan(0);
  });

  it('stops trying after stop()', () => {
    const clock = { nowMs: 0 };
    const pool = new ConnectionPool<FakeConnection>({ connectsPerSecond: 10 });
    const connection = new FakeConnection(clock);
    pool.add(connection);
    pool.stop();

    expect(pool.service(10_000)).toBe(0);
    pool.closed(connection, 10_000);
    expect(pool.waiting).toBe(0);
  });
});
