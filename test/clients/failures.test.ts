import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toActivityFailure, withActivityFailures } from '../../src/activities/failures.js';
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
} from '../../src/clients/errors.js';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../../src/clients/failure-types.js';

const ctx = { vendor: 'personio' as const, tenantId: 'acme', endpoint: 'POST /v2/attendance-periods' };

const cases: [VendorError, FailureType, boolean][] = [
  [new TransientError({ ...ctx, status: 503 }), FailureType.Transient, false],
  [new TransientError({ ...ctx, code: 'ECONNRESET' }), FailureType.Transient, false],
  [new RateLimitedError({ ...ctx }), FailureType.RateLimited, false],
  [new AuthRejectedError({ ...ctx, status: 401, rejectedAt: 'token-endpoint' }), FailureType.AuthRejected, true],
  [new ValidationRejectedError({ ...ctx, status: 422, messages: ['Unprocessable Entity: overlap'] }), FailureType.ValidationRejected, true],
  [new ConflictError({ ...ctx, vendor: 'timr' }), FailureType.Conflict, true],
  [new NotFoundError({ ...ctx }), FailureType.NotFound, true],
  [new RedirectedToRequestError({ ...ctx, vendor: 'timr' }), FailureType.RedirectedToRequest, true],
  // Garbled or changed: retried, since a garbled answer to a write says nothing about its effect.
  [new ResponseShapeError({ ...ctx, status: 200, issues: ['id: Invalid input'] }), FailureType.ResponseShape, false],
];

describe('toActivityFailure', () => {
  it.each(cases)('%s → its failure type and retryability', (err, type, nonRetryable) => {
    const f = toActivityFailure(err);
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f.type).toBe(type);
    expect(f.nonRetryable).toBe(nonRetryable);
    expect(f.message).toBe(err.message);
    expect(f.details?.[0]).toMatchObject({ vendor: err.vendor, tenantId: 'acme', endpoint: err.endpoint });
    expect(NON_RETRYABLE_FAILURE_TYPES.includes(type)).toBe(nonRetryable);
  });

  it('sets nextRetryDelay from Retry-After when the vendor gave one', () => {
    expect(toActivityFailure(new RateLimitedError({ ...ctx, retryAfterMs: 4000 })).nextRetryDelay).toBe(4000);
    expect(toActivityFailure(new RateLimitedError({ ...ctx })).nextRetryDelay).toBeUndefined();
  });

  it('puts the vendor messages into the details of a validation failure', () => {
    const f = toActivityFailure(new ValidationRejectedError({ ...ctx, status: 422, messages: ['a: b', 'c'] }));
    expect(f.details?.[0]).toMatchObject({ messages: ['a: b', 'c'], status: 422 });
  });

  it('throws unknown errors back unchanged and passes ApplicationFailures through', () => {
    const bug = new TypeError('x is undefined');
    expect(() => toActivityFailure(bug)).toThrow(bug);
    const af = ApplicationFailure.nonRetryable('already mapped', 'Custom');
    expect(toActivityFailure(af)).toBe(af);
  });

  it('withActivityFailures converts what the function throws', async () => {
    await expect(withActivityFailures(async () => Promise.reject(new NotFoundError(ctx)))).rejects.toMatchObject({
      type: FailureType.NotFound,
      nonRetryable: true,
    });
    await expect(withActivityFailures(async () => 42)).resolves.toBe(42);
  });
});
