/**
 * The frame every sync activity runs in: a heartbeat pulse for the whole attempt (waits
 * included, see heartbeat.ts), the tenant's secrets, its clients, and whatever goes wrong turned
 * into an ApplicationFailure that tells Temporal what to do — with every secret value scrubbed
 * from the message first. A cancellation is passed on as it is, so Temporal records it as one.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../clients/failure-types.js';
import { redactSecrets, SecretNotFoundError, type TenantSecrets } from '../secrets/index.js';
import type { TenantRef } from './contracts.js';
import { clientsFor, type ActivityDeps, type TenantClients } from './deps.js';
import { toActivityFailure } from './failures.js';
import { withPulse } from './heartbeat.js';
import { rememberSecrets } from '../observability/logger.js';

function scrub(failure: ApplicationFailure, secrets: TenantSecrets | undefined): ApplicationFailure {
  if (!secrets) return failure;
  const clean = redactSecrets(failure.message, secrets);
  if (clean === failure.message) return failure;
  return ApplicationFailure.create({
    message: clean,
    type: failure.type ?? undefined,
    nonRetryable: failure.nonRetryable ?? undefined,
    details: failure.details as unknown[] | undefined,
    ...(failure.nextRetryDelay !== undefined && { nextRetryDelay: failure.nextRetryDelay }),
  });
}

export function withTenant<T>(deps: ActivityDeps, ref: TenantRef, fn: (clients: TenantClients, secrets: TenantSecrets) => Promise<T>, pulse?: { beatAtStart?: boolean }): Promise<T> {
  return withPulse(() => inTenant(deps, ref, fn), pulse);
}

async function inTenant<T>(deps: ActivityDeps, ref: TenantRef, fn: (clients: TenantClients, secrets: TenantSecrets) => Promise<T>): Promise<T> {
  let secrets: TenantSecrets | undefined;
  try {
    secrets = await deps.secrets.get(ref.credentialsRef);
    rememberSecrets(secrets);
  } catch (err) {
    if (err instanceof SecretNotFoundError) {
      // Same remedy as rejected credentials: store them, then resume the tenant.
      throw ApplicationFailure.create({ message: `tenant ${ref.tenantId}: ${err.message}`, type: FailureType.AuthRejected, nonRetryable: true });
    }
    throw ApplicationFailure.create({ message: `tenant ${ref.tenantId}: cannot read credentials "${ref.credentialsRef}": ${(err as Error).message}`, type: FailureType.AuthRejected, nonRetryable: true });
  }
  try {
    return await fn(clientsFor(deps, ref, secrets), secrets);
  } catch (err) {
    if (err instanceof CancelledFailure) throw err;
    let failure: ApplicationFailure;
    try {
      failure = toActivityFailure(err);
    } catch (unknownErr) {
      // A bug or an unexpected error: retryable, but never with a secret in its message.
      const message = unknownErr instanceof Error ? unknownErr.message : String(unknownErr);
      failure = ApplicationFailure.create({ message: `tenant ${ref.tenantId}: ${message}`, type: 'Unexpected', nonRetryable: false });
    }
    throw scrub(failure, secrets);
  }
}
