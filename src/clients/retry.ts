/**
 * The one in-process retry layer (Temporal's activity retries are the other, outer one). It
 * repeats only calls whose repetition is harmless — reads, deletes, token requests, the lock
 * PATCH — and only for errors whose class says they are retryable (see errors.ts). A create is
 * never repeated here: Personio has no idempotency key, so post-periods.ts reconciles instead.
 *
 * A 429 is not a failure of the call but the vendor asking us to wait: inside an activity (with
 * `rateLimitUntil`) it is waited out without counting as a try, for as long as the attempt's
 * deadline allows (the attempt keeps heartbeating meanwhile). A 429 storm on the token endpoint
 * used to burn the plan activity's eight attempts in 24 s and fail runs that had nothing wrong.
 */
import { RateLimitedError, VendorError } from './errors.js';

export interface RetryProfile {
  /** Tries in total, the first one included. */
  attempts: number;
  /** Wait before try n+1 is n × this, unless the vendor said how long (Retry-After). */
  backoffMs: number;
  /** A longer Retry-After is not waited out in-process: the failure goes to Temporal, whose nextRetryDelay waits. */
  maxRetryAfterMs: number;
  /**
   * Epoch ms until which a 429 is waited out in-process without counting as a try (an activity
   * attempt's deadline less a reserve); a wait that would end later goes to Temporal instead.
   * Unset (outside activities): a 429 counts as a try like any retryable failure.
   */
  rateLimitUntil?: () => number | undefined;
}

/** Waits after consecutive 429s without Retry-After: doubling from the first, up to the cap. */
export const RATE_LIMIT_BACKOFF = { firstMs: 500, maxMs: 15_000 } as const;

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

/**
 * How long to wait out a 429 without counting a try (`waited`: 429s waited out in a row so
 * far), or undefined when it is not a 429 or the wait would end past `rateLimitUntil`.
 */
export function rateLimitWaitMs(profile: RetryProfile, err: unknown, waited: number, now: number = Date.now()): number | undefined {
  if (!(err instanceof RateLimitedError)) return undefined;
  const until = profile.rateLimitUntil?.();
  if (until === undefined) return undefined;
  const delay = err.retryAfterMs ?? Math.min(RATE_LIMIT_BACKOFF.firstMs * 2 ** waited, RATE_LIMIT_BACKOFF.maxMs);
  return now + delay <= until ? delay : undefined;
}

export interface Tries {
  /** Counted tries so far (the first one included). */
  attempt: number;
  /** 429s waited out in a row so far. */
  waited: number;
}

/**
 * What to do after `err`: wait `ms` and try again (`counted`: that used up a try), or give up.
 * Inside an activity a 429 is never a counted try: it is waited out while the deadline allows,
 * else it goes to Temporal right away (nextRetryDelay) rather than as tries past the deadline.
 */
export function nextRetry(profile: RetryProfile, err: unknown, tries: Tries, now: number = Date.now()): { ms: number; counted: boolean } | undefined {
  if (err instanceof RateLimitedError && profile.rateLimitUntil?.() !== undefined) {
    const ms = rateLimitWaitMs(profile, err, tries.waited, now);
    return ms === undefined ? undefined : { ms, counted: false };
  }
  const ms = retryDelayMs(profile, err, tries.attempt);
  return ms === undefined ? undefined : { ms, counted: true };
}

export async function withRetries<T>(
  profile: RetryProfile,
  fn: (attempt: number) => Promise<T>,
  wait: (ms: number) => Promise<void> = sleep,
  now: () => number = Date.now,
): Promise<T> {
  const tries: Tries = { attempt: 1, waited: 0 };
  for (;;) {
    try {
      return await fn(tries.attempt);
    } catch (err) {
      const next = nextRetry(profile, err, tries, now());
      if (!next) throw err;
      if (next.counted) {
        tries.attempt++;
        tries.waited = 0;
      } else {
        tries.waited++;
      }
      await wait(next.ms);
    }
  }
}
