import { describe, expect, it, vi } from 'vitest';
import { ExpiringCache } from './expiring-cache.js';

describe('ExpiringCache', () => {
  function clocked(ttlMs = 1000, maxEntries = 100) {
    let now = 0;
    const cache = new ExpiringCache<string, number>(ttlMs, maxEntries, () => now);
    return { cache, advance: (ms: number) => (now += ms) };
  }

  it('answers from memory until the entry expires', async () => {
    const { cache, advance } = clocked();
    const lookup = vi.fn(() => Promise.resolve(7));
    expect(await cache.get('a', lookup)).toBe(7);
    advance(999);
    expect(await cache.get('a', lookup)).toBe(7);
    expect(lookup).toHaveBeenCalledTimes(1);
    advance(1);
    expect(await cache.get('a', lookup)).toBe(7);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('shares one lookup among concurrent callers', async () => {
    const { cache } = clocked();
    let resolve!: (value: number) => void;
    const lookup = vi.fn(() => new Promise<number>((done) => (resolve = done)));
    const answers = Promise.all([cache.get('a', lookup), cache.get('a', lookup)]);
    resolve(3);
    expect(await answers).toEqual([3, 3]);
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('keeps neither a lookup that found nothing nor one that failed', async () => {
    const { cache } = clocked();
    const missing = vi.fn(() => Promise.resolve(undefined));
    expect(await cache.get('a', missing)).toBeUndefined();
    expect(await cache.get('a', missing)).toBeUndefined();
    expect(missing).toHaveBeenCalledTimes(2);
    await expect(cache.get('b', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('b', () => Promise.resolve(1))).toBe(1);
    expect(cache.size).toBe(1);
  });

  it('drops the oldest entries past its bound, and expired ones as it goes', async () => {
    const { cache, advance } = clocked(1000, 3);
    for (const key of ['a', 'b', 'c', 'd']) cache.remember(key, 1);
    expect(cache.size).toBe(3);
    const lookup = vi.fn(() => Promise.resolve(2));
    expect(await cache.get('a', lookup)).toBe(2);
    expect(lookup).toHaveBeenCalledTimes(1);
    advance(1000);
    cache.remember('e', 1);
    expect(cache.size).toBe(1);
  });
});
