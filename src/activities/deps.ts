/**
 * What the sync activities run on: where the vendors are, where secrets live, and the shared
 * Personio limits. Built once per worker process; the secrets are read at every call so a
 * credential rotation needs no restart.
 */
import { PersonioClient } from '../clients/personio/client.js';
import type { PersonioLimits } from '../clients/rate-limiter.js';
import { TimrClient } from '../clients/timr/client.js';
import type { SecretStore, TenantSecrets } from '../secrets/index.js';
import type { TenantRef } from './contracts.js';
import { rateLimitWaitDeadline } from './heartbeat.js';

export interface VendorEndpoints {
  /** e.g. https://api.timr.com/v1 */
  timrBaseUrl: string;
  /** e.g. https://system.timr.com/id/oauth2/token */
  timrTokenUrl: string;
  /** e.g. https://api.personio.de */
  personioBaseUrl: string;
}

export const PRODUCTION_ENDPOINTS: VendorEndpoints = {
  timrBaseUrl: 'https://api.timr.com/v1',
  timrTokenUrl: 'https://system.timr.com/id/oauth2/token',
  personioBaseUrl: 'https://api.personio.de',
};

export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): VendorEndpoints {
  return {
    timrBaseUrl: env.TIMR_BASE_URL || PRODUCTION_ENDPOINTS.timrBaseUrl,
    timrTokenUrl: env.TIMR_TOKEN_URL || PRODUCTION_ENDPOINTS.timrTokenUrl,
    personioBaseUrl: env.PERSONIO_BASE_URL || PRODUCTION_ENDPOINTS.personioBaseUrl,
  };
}

export interface ActivityDeps {
  endpoints: VendorEndpoints;
  secrets: SecretStore;
  /** Per-tenant and per-IP Personio limits of this process; defaults to the process-wide ones. */
  personioLimits?: PersonioLimits;
  /** Per HTTP call; an activity attempt may make many. */
  httpTimeoutMs?: number;
}

export interface TenantClients {
  timr: TimrClient;
  personio: PersonioClient;
}

/** Each client is built when the activity first uses it: most use one vendor (an idle cycle's check only timr). */
export function clientsFor(deps: ActivityDeps, ref: TenantRef, secrets: TenantSecrets): TenantClients {
  // Waiting out a 429 inside the attempt (heartbeating) costs no attempt, up to its deadline.
  const timeout = { ...(deps.httpTimeoutMs !== undefined && { timeoutMs: deps.httpTimeoutMs }), rateLimitUntil: rateLimitWaitDeadline };
  let timr: TimrClient | undefined;
  let personio: PersonioClient | undefined;
  return {
    get timr() {
      return (timr ??= new TimrClient({
        tenantId: ref.tenantId,
        baseUrl: deps.endpoints.timrBaseUrl,
        tokenUrl: deps.endpoints.timrTokenUrl,
        credentials: secrets.timr,
        ...timeout,
      }));
    },
    get personio() {
      return (personio ??= new PersonioClient({
        tenantId: ref.tenantId,
        baseUrl: deps.endpoints.personioBaseUrl,
        credentials: secrets.personio,
        ...(deps.personioLimits !== undefined && { limits: deps.personioLimits }),
        ...timeout,
      }));
    },
  };
}
