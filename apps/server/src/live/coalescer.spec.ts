import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from './coalescer.js';

type Metrics = Record<string, number>;

describe('live update coalescer', () => {
  let sent: [string, Metrics][];
  let coalescer: Coalescer<Metrics>;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    coalescer = new Coalescer<Metrics>({
      maxHz: 2,
      send: (key, value) => sent.push([key, value]),
      merge: (waiting, newer) => ({ ...waiting, ...newer }),
    });
  });

  afterEach(() => {
    coalescer.close();
    vi.useRealTimers();
  });

  it('sends the first update of a quiet device at once', () => {
    coalescer.push('a', { power_kw: 1 });
    expect(sent).toEqual([['a', { power_kw: 1 }]]);
  });

  it('sends at most maxHz per device, merging what came in between', () => {
    coalescer.push('a', { power_kw: 1 });
    for (let index = 2; index <= 100; index++) coalescer.push('a', { power_kw: index });
    coalescer.push('a', { soc_pct: 50 });
    expect(sent).toHaveLength(1);
    expect(coalescer.pending).toBe(1);
    vi.advanceTimersByTime(499);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([
      ['a', { power_kw: 1 }],
      ['a', { power_kw: 100, soc_pct: 50 }],
    ]);
    // A steady stream for 10 s yields 2 per second, never more.
    for (let tick = 0; tick < 1000; tick++) {
      coalescer.push('a', { power_kw: tick });
      vi.advanceTimersByTime(10);
    }
    expect(sent.length).toBeGreaterThanOrEqual(20);
    expect(sent.length).toBeLessThanOrEqual(23);
    expect(coalescer.pending).toBeLessThanOrEqual(1);
  });

  it('keeps devices apart, and memory to one waiting update per device', () => {
    for (let round = 0; round < 50; round++)
      for (const key of ['a', 'b', 'c']) coalescer.push(key, { power_kw: round });
    expect(sent.map(([key]) => key)).toEqual(['a', 'b', 'c']);
    expect(coalescer.pending).toBe(3);
    vi.advanceTimersByTime(500);
    expect(sent.slice(3)).toEqual([
      ['a', { power_kw: 49 }],
      ['b', { power_kw: 49 }],
      ['c', { power_kw: 49 }],
    ]);
  });

  it('sends nothing of a dropped device or after close', () => {
    coalescer.push('a', { power_kw: 1 });
    coalescer.push('a', { power_kw: 2 });
    coalescer.drop('a');
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
    coalescer.close();
    coalescer.push('b', { power_kw: 1 });
    expect(sent).toHaveLength(1);
  });

  it('refuses a rate it cannot mean', () => {
    expect(() => new Coalescer({ maxHz: 0, send: () => undefined })).toThrow(RangeError);
  });
});

describe('live update coalescer on a tick grid', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the updates of keys due within one tick together, never before their slot', () => {
    vi.useFakeTimers({ now: 0 });
    const sent: [number, string][] = [];
    const coalescer = new Coalescer<number>({
      maxHz: 2,
      tickMs: 50,
      send: (key) => sent.push([Date.now(), key]),
    });
    // Three devices start 10 ms apart; their next slots are at 505, 515 and 525 ms.
    for (const [at, key] of [
      [5, 'a'],
      [15, 'b'],
      [25, 'c'],
    ] as const) {
      vi.setSystemTime(at);
      coalescer.push(key, 1);
    }
    vi.setSystemTime(100);
    for (const key of ['a', 'b', 'c']) coalescer.push(key, 2);
    vi.advanceTimersByTime(449);
    expect(sent.map(([, key]) => key)).toEqual(['a', 'b', 'c']);
    vi.advanceTimersByTime(1);
    // All three leave at 550 ms, one flush, and none before its own slot.
    expect(sent.slice(3)).toEqual([
      [550, 'a'],
      [550, 'b'],
      [550, 'c'],
    ]);
    coalescer.close();
  });
});
