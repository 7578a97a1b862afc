/**
 * Turns a client error into the ApplicationFailure that tells Temporal whether to retry.
 * Activities wrap their client calls: `catch (err) { throw toActivityFailure(err); }`.
 * The failure's message and details come from the typed error, which holds no secrets;
 * the original error is not attached as cause, so nothing from got reaches workflow history.
 */
import { ApplicationFailure } from '@temporalio/common';
import { RateLimitedError, VendorError } from '../clients/errors.js';

/**
 * The ApplicationFailure for a client error, as its class declares it (errors.ts KINDS). Errors
 * that are not vendor errors (bugs, cancellation, failures that are already ApplicationFailures)
 * are thrown back unchanged, so Temporal treats them with the activity's own retry policy.
 */
export function toActivityFailure(err: unknown): ApplicationFailure {
  if (err instanceof VendorError) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.kind.failureType,
      nonRetryable: !err.kind.retryable,
      details: [err.toDetails()],
      ...(err instanceof RateLimitedError && err.retryAfterMs !== undefined && { nextRetryDelay: err.retryAfterMs }),
    });
  }
  if (err instanceof ApplicationFailure) return err;
  throw err;
}

/** Runs `fn`, converting client errors into activity failures. */
export async function withActivityFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
