/**
 * Inside a batch, a vendor refusing one entry must not fail the others: such refusals become
 * per-entry results. Everything else (transient trouble, rejected credentials, an API that
 * changed shape) fails the whole activity so Temporal retries or stops it.
 */
import { VendorError } from '../clients/errors.js';
import { redactSecrets, type TenantSecrets } from '../secrets/index.js';
import type { EntryRefusal } from './contracts.js';

export function asEntryRefusal(entryId: string, err: unknown, secrets: TenantSecrets): EntryRefusal | undefined {
  if (!(err instanceof VendorError) || err.kind.scope !== 'entry') return undefined;
  return { ok: false, entryId, failureType: err.kind.failureType, message: redactSecrets(err.message, secrets) };
}
