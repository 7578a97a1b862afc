/**
 * Inside a batch, a vendor refusing one entry must not fail the others: such refusals become
 * per-entry results. Everything else (transient trouble, rejected credentials, an API that
 * changed shape) fails the whole activity so Temporal retries or stops it.
 */
import { ConflictError, NotFoundError, RedirectedToRequestError, ValidationRejectedError } from '../clients/errors.js';
import { redactSecrets, type TenantSecrets } from '../secrets/index.js';
import type { EntryRefusal } from './contracts.js';
import { toActivityFailure } from './failures.js';

export function asEntryRefusal(entryId: string, err: unknown, secrets: TenantSecrets): EntryRefusal | undefined {
  const entryScoped =
    err instanceof ValidationRejectedError || err instanceof ConflictError || err instanceof NotFoundError || err instanceof RedirectedToRequestError;
  if (!entryScoped) return undefined;
  const failure = toActivityFailure(err);
  return { ok: false, entryId, failureType: failure.type ?? 'ValidationRejected', message: redactSecrets(failure.message, secrets) };
}
