/**
 * The one in-process retry layer (Temporal's activity retries are the other, outer one). It
 * repeats only calls whose repetition is harmless — reads, deletes, token requests, the lock
 * PATCH — and only for errors whose class says they are retryable (see errors.ts). A create is
 * never repeated here: Personio has no idempotency key, so post-periods.ts reconciles instead.
 */
import { RateLimitedError, VendorError } from './errors.js';

export interface RetryProfile {
  /** Tries in total, the first one included. */
  attempts: number;
  /** Wait before try n+1 is n × this, unless the vendor said how long (Retry-After). */
  backoffMs: number;
  /** A longer Retry-After is not waited out in-process: the failure goes to Temporal, whose nextRetryDelay waits. */
  maxRetryAfterMs: number;
}

/** Named profiles; clients may shorten them (tests do). */
export const RETRY_PROFILES = {
  call: { attempts: 3, backoffMs: 250, maxRetryAfterMs: 10_000 },
} as const satisfies Record<string, RetryProfile>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before try `attempt + 1` after `err`, or undefined when not to try again in-process. */
export function retryDelayMs(profile: RetryProfile, err: unknown, attempt: number): number | undefined {
  if (!(err instanceof VendorError) || !err.kind.retryable || attempt >= profile.attempts) return undefined;
  if (err instanceof RateLimitedError && err.retryAfterMs !== undefined) return err.retryAfterMs > profile.maxRetryAfterMs ? undefined : err.retryAfterMs;
  return profile.backoffMs * attempt;
}

export async function withRetries<T>(profile: RetryProfile, fn: (attempt: number) => Promise<T>, wait: (ms: number) => Promise<void> = sleep): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const delay = retryDelayMs(profile, err, attempt);
      if (delay === undefined) throw err;
      await wait(delay);
    }
  }
}
