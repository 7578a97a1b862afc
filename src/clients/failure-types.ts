/**
 * ApplicationFailure type names the activities raise for vendor failures. Workflows match on
 * these (and list them in `nonRetryableErrorTypes`), so this module must stay importable from
 * the workflow bundle: no imports of any kind.
 */
export const FailureType = {
  /** 5xx, network errors, timeouts: Temporal retries with its backoff. */
  Transient: 'Transient',
  /** 429: Temporal retries after `nextRetryDelay` when the vendor said how long to wait. */
  RateLimited: 'RateLimited',
  /** Credentials rejected: the tenant needs new credentials before anything can continue. */
  AuthRejected: 'AuthRejected',
  /** 400/422 and other 4xx: the vendor refused this data; retrying sends the same data again. */
  ValidationRejected: 'ValidationRejected',
  /** timr 409 conflict/resource-outdated: the entry changed meanwhile. */
  Conflict: 'Conflict',
  NotFound: 'NotFound',
  /** timr 302: the working time type is "by request"; a request was created instead. */
  RedirectedToRequest: 'RedirectedToRequest',
  /** The vendor answered with a shape we do not understand (garbled, or the API changed): retried. */
  ResponseShape: 'ResponseShape',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Every type that retrying cannot fix (mirrors `retryable: false` in src/clients/errors.ts KINDS). */
export const NON_RETRYABLE_FAILURE_TYPES: readonly FailureType[] = [
  FailureType.AuthRejected,
  FailureType.ValidationRejected,
  FailureType.Conflict,
  FailureType.NotFound,
  FailureType.RedirectedToRequest,
];
