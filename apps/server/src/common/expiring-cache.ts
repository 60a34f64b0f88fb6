/**
 * Remembers what a lookup found for a short time, and shares one lookup among concurrent callers
 * of the same key. Only found values are kept: a lookup that finds nothing, or fails, is asked
 * again next time. Bounded: past `maxEntries` the oldest entries go first (every entry lives as
 * long as the others, so the oldest inserted is also the first to expire).
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  private readonly pending = new Map<K, Promise<V | undefined>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K, lookup: () => Promise<V | undefined>): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.until > this.now()) return Promise.resolve(entry.value);
      this.entries.delete(key);
    }
    const running = this.pending.get(key);
    if (running) return running;
    const started = lookup().then(
      (value) => {
        this.pending.delete(key);
        if (value !== undefined) this.remember(key, value);
        return value;
      },
      (error: unknown) => {
        this.pending.delete(key);
        throw error;
      },
    );
    this.pending.set(key, started);
    return started;
  }

  /** Keeps a value found elsewhere (another lookup that proved it). */
  remember(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    this.evict();
  }

  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.until > now) break;
      this.entries.delete(key);
    }
  }
}
