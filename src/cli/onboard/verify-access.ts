/**
 * Before anything is stored or started, both credential pairs are tried: one token and one read
 * each (timr: the working-time types, which onboarding needs anyway; Personio: one person).
 * Failures name the tenant, the vendor, what was refused and the fix.
 */
import type { VendorEndpoints } from '../../activities/deps.js';
import { PersonioClient } from '../../clients/personio/client.js';
import { AuthRejectedError, TransientError, VendorError } from '../../clients/errors.js';
import { RateLimiter } from '../../clients/rate-limiter.js';
import { TimrClient } from '../../clients/timr/client.js';
import type { WorkingTimeType } from '../../clients/timr/schemas.js';
import { TokenCache } from '../../clients/token-cache.js';
import type { TenantSecrets } from '../../secrets/index.js';
import { CliError } from '../commands/errors.js';

export interface AccessCheck {
  types: WorkingTimeType[];
  /** Whether Personio listed at least one person. */
  personioHasPersons: boolean;
}

export function onboardingClients(tenantId: string, secrets: TenantSecrets, endpoints: VendorEndpoints) {
  // A fresh token cache: a token cached from earlier credentials must not make new ones look right.
  const tokenCache = new TokenCache();
  return {
    timr: new TimrClient({ tenantId, baseUrl: endpoints.timrBaseUrl, tokenUrl: endpoints.timrTokenUrl, credentials: secrets.timr, tokenCache, timeoutMs: 15_000 }),
    personio: new PersonioClient({
      tenantId,
      baseUrl: endpoints.personioBaseUrl,
      credentials: secrets.personio,
      tokenCache,
      timeoutMs: 15_000,
      limiter: new RateLimiter({ ratePerSecond: 5, burst: 5 }),
    }),
  };
}

function explain(tenantId: string, vendor: 'timr' | 'Personio', err: unknown, where: string, flags: string): CliError {
  if (err instanceof AuthRejectedError) {
    const what = err.rejectedAt === 'token-endpoint' ? `${vendor} rejected the client id/secret` : `${vendor} refused access (HTTP ${err.status ?? '?'} at ${err.endpoint}) with a fresh token`;
    const fix =
      err.rejectedAt === 'token-endpoint'
        ? `check ${flags} (the customer's ${vendor} API client; regenerated credentials invalidate the old ones)`
        : `grant the ${vendor} API client read access to ${err.endpoint}`;
    return new CliError(`tenant ${tenantId}: ${what}. Fix: ${fix}, then run onboard again. Nothing was stored or started.`);
  }
  if (err instanceof TransientError) {
    return new CliError(`tenant ${tenantId}: ${vendor} at ${where} is unreachable (${err.code ?? `HTTP ${err.status ?? '?'}`}); check the address (${vendor === 'timr' ? 'TIMR_BASE_URL, TIMR_TOKEN_URL' : 'PERSONIO_BASE_URL'}) and the network, then run onboard again. Nothing was stored or started.`);
  }
  if (err instanceof VendorError) return new CliError(`tenant ${tenantId}: checking ${vendor} failed: ${err.message} Nothing was stored or started.`);
  return new CliError(`tenant ${tenantId}: checking ${vendor} at ${where} failed: ${err instanceof Error ? err.message : String(err)}. Nothing was stored or started.`);
}

export async function verifyAccess(tenantId: string, secrets: TenantSecrets, endpoints: VendorEndpoints): Promise<AccessCheck> {
  const { timr, personio } = onboardingClients(tenantId, secrets, endpoints);
  const [types, persons] = await Promise.allSettled([timr.listWorkingTimeTypes(), personio.listPersonsPage({ limit: 1 })]);
  if (types.status === 'rejected') throw explain(tenantId, 'timr', types.reason, endpoints.timrBaseUrl, '--timr-client-id/--timr-client-secret');
  if (persons.status === 'rejected') throw explain(tenantId, 'Personio', persons.reason, endpoints.personioBaseUrl, '--personio-client-id/--personio-client-secret');
  return { types: types.value, personioHasPersons: persons.value.persons.length > 0 };
}
