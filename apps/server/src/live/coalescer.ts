/**
 * Per-client coalescing of live updates: at most `maxHz` messages per key (a device) reach the
 * client, and what arrives in between is merged into the one waiting, so a busy device costs a
 * client a bounded rate and memory bounded by the number of keys it follows — never a backlog.
 * The first update of a quiet key goes out at once; later ones wait for the key's next slot.
 */
export interface CoalescerOptions<V> {
  maxHz: number;
  /** Called with each update due; the caller writes it to the client. */
  send: (key: string, value: V) => void;
  /** Folds a newer update into the one waiting (default: the newer replaces it). */
  merge?: (waiting: V, newer: V) => V;
  /**
   * Waiting updates go out on a grid of this many ms, so the keys due within one step leave
   * together (one write for several devices) rather than each on its own timer. 0: no grid.
   */
  tickMs?: number;
  now?: () => number;
}

export class Coalescer<V> {
  private readonly intervalMs: number;
  private readonly send: (key: string, value: V) => void;
  private readonly merge: (waiting: V, newer: V) => V;
  private readonly now: () => number;
  private readonly tickMs: number;
  /** When each key may send next. */
  private readonly nextSlot = new Map<string, number>();
  private readonly waiting = new Map<string, V>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private closed = false;

  constructor(options: CoalescerOptions<V>) {
    if (!(options.maxHz > 0 && options.maxHz <= 1000)) {
      throw new RangeError('maxHz must be above 0 and at most 1000');
    }
    this.intervalMs = 1000 / options.maxHz;
    this.send = options.send;
    this.merge = options.merge ?? ((_, newer) => newer);
    this.now = options.now ?? Date.now;
    this.tickMs = options.tickMs ?? 0;
  }

  /** Updates waiting to be sent (at most one per key). */
  get pending(): number {
    return this.waiting.size;
  }

  push(key: string, value: V): void {
    if (this.closed) return;
    const now = this.now();
    const queued = this.waiting.get(key);
    if (queued !== undefined) {
      this.waiting.set(key, this.merge(queued, value));
      return;
    }
    const slot = this.nextSlot.get(key) ?? 0;
    if (slot <= now) {
      this.nextSlot.set(key, now + this.intervalMs);
      this.send(key, value);
      return;
    }
    this.waiting.set(key, value);
    this.schedule(slot);
  }

  /** Forgets a key (its subscription ended): nothing of it is sent any more. */
  drop(key: string): void {
    this.waiting.delete(key);
    this.nextSlot.delete(key);
  }

  /** Forgets every key that starts with `prefix`. */
  dropPrefix(prefix: string): void {
    for (const key of [...this.waiting.keys()])
      if (key.startsWith(prefix)) this.waiting.delete(key);
    for (const key of [...this.nextSlot.keys()])
      if (key.startsWith(prefix)) this.nextSlot.delete(key);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.waiting.clear();
    this.nextSlot.clear();
  }

  private schedule(slot: number): void {
    const at = this.tickMs > 0 ? Math.ceil(slot / this.tickMs) * this.tickMs : slot;
    if (at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.flush(), Math.max(0, at - this.now()));
  }

  private flush(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    let earliest = Infinity;
    for (const [key, value] of this.waiting) {
      const slot = this.nextSlot.get(key) ?? 0;
      if (slot <= now) {
        this.waiting.delete(key);
        this.nextSlot.set(key, now + this.intervalMs);
        this.send(key, value);
      } else {
        earliest = Math.min(earliest, slot);
      }
    }
    // Keys that have been quiet for a whole slot need no memory of their last send.
    if (this.nextSlot.size > this.waiting.size * 2 + 1024) {
      for (const [key, slot] of this.nextSlot)
        if (slot <= now && !this.waiting.has(key)) this.nextSlot.delete(key);
    }
    if (earliest !== Infinity) this.schedule(earliest);
  }
}
