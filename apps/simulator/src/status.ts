/*
 * What the simulator says while it runs: one status line every few seconds, and error lines
 * limited so that ten thousand devices losing the broker at once do not flood the log.
 */

export interface StatusTotals {
  devices: number;
  connected: number;
  published: number;
  acked: number;
  skippedOffline: number;
  skippedBusy: number;
  reconnects: number;
  /** Simulated instant of the last tick, once ticking. */
  simulatedAtMs: number | undefined;
  live: boolean;
}

function delta(current: number, previous: number | undefined): string {
  return previous === undefined ? '' : ` (+${current - previous})`;
}

/** One line: totals since start, with the change since the previous line in brackets. */
export function formatStatus(current: StatusTotals, previous?: StatusTotals): string {
  const skipped = current.skippedOffline + current.skippedBusy;
  const previousSkipped =
    previous === undefined ? undefined : previous.skippedOffline + previous.skippedBusy;
  const clock =
    current.simulatedAtMs === undefined
      ? 'waiting for connections'
      : `simulated ${new Date(current.simulatedAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z')}${current.live ? ' (live)' : ' (catching up)'}`;
  return [
    `connected ${current.connected}/${current.devices}`,
    `published ${current.published}${delta(current.published, previous?.published)}`,
    `acked ${current.acked}${delta(current.acked, previous?.acked)}`,
    `skipped ${skipped}${delta(skipped, previousSkipped)} (offline ${current.skippedOffline}, unacknowledged ${current.skippedBusy})`,
    `reconnects ${current.reconnects}${delta(current.reconnects, previous?.reconnects)}`,
    clock,
  ].join(' · ');
}

/** Lets through at most `limit` lines per window and counts the rest. */
export class LogLimiter {
  private windowStartMs = Number.NEGATIVE_INFINITY;
  private usedInWindow = 0;
  private suppressed = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  allow(nowMs: number): boolean {
    if (nowMs - this.windowStartMs >= this.windowMs) {
      this.windowStartMs = nowMs;
      this.usedInWindow = 0;
    }
    if (this.usedInWindow < this.limit) {
      this.usedInWindow += 1;
      return true;
    }
    this.suppressed += 1;
    return false;
  }

  /** Lines held back since the last call. */
  takeSuppressed(): number {
    const count = this.suppressed;
    this.suppressed = 0;
    return count;
  }
}
