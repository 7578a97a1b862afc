/**
 * Turns a client error into the ApplicationFailure that tells Temporal whether to retry.
 * Activities wrap their client calls: `catch (err) { throw toActivityFailure(err); }`.
 * The failure's message and details come from the typed error, which holds no secrets;
 * the original error is not attached as cause, so nothing from got reaches workflow history.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  AuthRejectedError,
  ConflictError,
  NotFoundError,
  RateLimitedError,
  RedirectedToRequestError,
  ResponseShapeError,
  TransientError,
  ValidationRejectedError,
  type VendorError,
} from '../clients/errors.js';
import { FailureType } from '../clients/failure-types.js';

function failure(err: VendorError, type: FailureType, nonRetryable: boolean, nextRetryDelayMs?: number): ApplicationFailure {
  return ApplicationFailure.create({
    message: err.message,
    type,
    nonRetryable,
    details: [err.toDetails()],
    ...(nextRetryDelayMs !== undefined && { nextRetryDelay: nextRetryDelayMs }),
  });
}

/**
 * The ApplicationFailure for a client error. Errors this module does not know (bugs, cancellation,
 * failures that are already ApplicationFailures) are thrown back unchanged, so Temporal treats
 * them with the activity's own retry policy.
 */
export function toActivityFailure(err: unknown): ApplicationFailure {
  if (err instanceof TransientError) return failure(err, FailureType.Transient, false);
  if (err instanceof RateLimitedError) return failure(err, FailureType.RateLimited, false, err.retryAfterMs);
  if (err instanceof AuthRejectedError) return failure(err, FailureType.AuthRejected, true);
  if (err instanceof ValidationRejectedError) return failure(err, FailureType.ValidationRejected, true);
  if (err instanceof ConflictError) return failure(err, FailureType.Conflict, true);
  if (err instanceof NotFoundError) return failure(err, FailureType.NotFound, true);
  if (err instanceof RedirectedToRequestError) return failure(err, FailureType.RedirectedToRequest, true);
  if (err instanceof ResponseShapeError) return failure(err, FailureType.ResponseShape, true);
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
