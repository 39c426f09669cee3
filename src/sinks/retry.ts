/** Backoff for partial failures (SQS `Failed`, DynamoDB `UnprocessedItems`) and throttling. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 50, maxMs: 5_000 } as const;

/** "Full jitter": a uniform wait in [0, min(max, base * 2^attempt)), so retries spread out. */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(policy.maxMs, policy.baseMs * 2 ** attempt));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "LimitExceededException",
  "ServiceUnavailable",
  "InternalServerError",
  "InternalFailure",
  "RequestThrottled",
  "SlowDown",
]);

/** Throttling, 5xx and network errors the SDK's own attempts did not get past. */
export function isTransientAwsError(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  if (e.name !== undefined && THROTTLING.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status === 429 || status >= 500;
  return ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE"].includes(e.code ?? "");
}

/** Calls `fn` until it succeeds, retrying only transient AWS errors with jittered backoff. */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt + 1 >= policy.maxAttempts || !isTransientAwsError(err)) throw err;
      await sleep(backoffMs(attempt + 1, policy));
    }
  }
}

/**
 * Sends `items` with `send`, which returns the ones that failed and may be retried; these are
 * sent again after a jittered backoff. Returns the items still failing after the last attempt.
 */
export async function retryPartial<T>(
  items: readonly T[],
  send: (items: readonly T[]) => Promise<readonly T[]>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<readonly T[]> {
  let pending = items;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt, policy));
    const failed = await withRetry(() => send(pending), policy);
    if (failed.length === 0 || attempt + 1 >= policy.maxAttempts) return failed;
    pending = failed;
  }
  return pending;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; rejects on the first failure. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
