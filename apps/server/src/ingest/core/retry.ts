/**
 * How a failed batch write is retried. Nothing is acknowledged until its write succeeds, so giving
 * up loses nothing: the sender keeps (or is redelivered) what was not acknowledged. Retrying is
 * what keeps ingest flowing through a database restart or failover, and it is bounded so that a
 * batch the database will never take (a data error) cannot wedge the line behind it for ever.
 */
export interface RetryPolicy {
  /** Attempts per batch, the first included; `Infinity` retries while the database is down. */
  maxAttempts: number;
  /** Wait after the first failure; it doubles after each further one. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** False for errors a retry cannot fix (e.g. SQLSTATE class 22 or 23): fail the batch at once. */
  isRetryable: (error: unknown) => boolean;
  /** Source of the jitter that keeps server replicas from retrying in step. */
  random: () => number;
}

/** 100 ms doubling to 5 s, ten attempts: 11 to 21 s of waiting, enough for a database failover. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  isRetryable: () => true,
  random: Math.random,
};

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!(policy.maxAttempts >= 1)) throw new RangeError('retry.maxAttempts must be at least 1');
  if (!(policy.initialDelayMs >= 0 && policy.maxDelayMs >= policy.initialDelayMs)) {
    throw new RangeError('retry delays must satisfy 0 <= initialDelayMs <= maxDelayMs');
  }
  return policy;
}

/** Exponential backoff with "equal jitter": between half and all of the doubled delay. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (failedAttempts - 1));
  return ceiling / 2 + (policy.random() * ceiling) / 2;
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
