/**
 * A short in-activity retry for one entry of a batch. Without it, one 503 among ten entries
 * would fail and re-run the whole batch with Temporal's backoff; with it, a brief storm costs
 * one entry a second or two. The callback learns the attempt so a write reconciles first.
 */
import { RateLimitedError, TransientError } from '../clients/errors.js';

export interface EntryRetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export async function retryEntry<T>(fn: (attempt: number) => Promise<T>, opts: EntryRetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 3;
  const base = opts.baseDelayMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const transient = err instanceof TransientError || err instanceof RateLimitedError;
      if (!transient || attempt >= attempts) throw err;
      const wait = err instanceof RateLimitedError && err.retryAfterMs !== undefined ? err.retryAfterMs : base * 2 ** (attempt - 1);
      await sleep(Math.min(wait, 10_000));
    }
  }
}
