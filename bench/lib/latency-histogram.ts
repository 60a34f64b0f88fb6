/**
 * A latency histogram of bounded size, for benchmarks that see too many samples to keep them all:
 * 1 ms buckets below 100 ms, then buckets 2 % wide (≈ 900 of them up to ten minutes). Quantiles
 * are the upper bound of their bucket, so they err at most one bucket high. Histograms of several
 * processes merge by adding their counts.
 */
const LINEAR_UNTIL_MS = 100;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

export type SparseCounts = [bucket: number, count: number][];

function bucketOf(ms: number): number {
  if (ms < LINEAR_UNTIL_MS) return Math.max(0, Math.floor(ms));
  return LINEAR_UNTIL_MS + Math.floor(Math.log(ms / LINEAR_UNTIL_MS) / LOG_GROWTH);
}

function upperBoundOf(bucket: number): number {
  if (bucket < LINEAR_UNTIL_MS) return bucket + 1;
  return LINEAR_UNTIL_MS * GROWTH ** (bucket - LINEAR_UNTIL_MS + 1);
}

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  max = 0;

  record(ms: number): void {
    const bucket = bucketOf(ms);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  merge(counts: SparseCounts, max: number): void {
    for (const [bucket, count] of counts) {
      this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
      this.count += count;
    }
    if (max > this.max) this.max = max;
  }

  /** The counts, for sending to another process. */
  sparse(): SparseCounts {
    return [...this.counts];
  }

  clear(): void {
    this.counts.clear();
    this.count = 0;
    this.max = 0;
  }

  /** The value below which `quantile` of the samples lie, in ms (null without samples). */
  quantile(quantile: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(quantile * this.count));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= rank) return Math.round(Math.min(upperBoundOf(bucket), this.max));
    }
    return Math.round(this.max);
  }

  summary(): {
    samples: number;
    p50: number | null;
    p95: number | null;
    p99: number | null;
    max: number | null;
  } {
    return {
      samples: this.count,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.count === 0 ? null : Math.round(this.max),
    };
  }
}
