/**
 * The Personio API v2 sandbox: auth, persons, attendance and absence periods, rate limits, faults and the
 * control API on one fastify app. The app is returned unstarted; callers listen on loopback.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { isControlRoute, installRequestLogging } from '../control-routes.js';
import { CredentialStore } from '../credentials.js';
import { FaultRegistry, installFaultHooks } from '../faults.js';
import { RequestLog } from '../request-log.js';
import type { Seed } from '../seed.js';
import { registerAbsencePeriodRoutes } from './absence-periods-routes.js';
import { registerAttendancePeriodRoutes } from './attendance-periods-routes.js';
import { authOf, bearerAuthHook, registerAuthRoutes, tenantOfTokenRequest } from './auth.js';
import { personioState, registerPersonioControlRoutes, seedPersonio, type PersonioState } from './control.js';
import { PersonioApiError, genericError, renderErrorBody } from './errors.js';
import { registerPersonsRoutes } from './persons-routes.js';
import { FixedWindowLimiter, RateStats, TokenBucketLimiter, type RateStatsView } from './rate-limit.js';
import { perClientLimitHook, perIpLimitHook } from './rate-limit-hooks.js';
import { defaultSettings, type PersonioSettings } from './settings.js';
import { PersonioStore } from './store.js';

export interface PersonioSandboxOptions {
  faultSeed?: number;
  /** Lifetime of issued tokens; Personio's is about 24 h. */
  tokenTtlSeconds?: number;
  /** Clock for token expiry, timestamps and rate-limit windows. */
  now?: () => Date;
  settings?: Partial<PersonioSettings>;
  /** Requests the log keeps (oldest dropped first); a long soak wants more than the default. */
  requestLogCapacity?: number;
}

export interface PersonioSandbox {
  app: FastifyInstance;
  store: PersonioStore;
  faults: FaultRegistry;
  credentials: CredentialStore;
  requests: RequestLog;
  /** Live object: changes (here or via POST /_sandbox/settings) apply to the next request. */
  settings: PersonioSettings;
  /** Same as POST /_sandbox/seed, without HTTP. */
  seed(seed: Seed): void;
  /** Same as GET /_sandbox/state. */
  state(tenantId?: string): PersonioState;
  /** Same as GET /_sandbox/rate-limits: requests, 429s of the sandbox's limits and the most requests in any second, per IP and per client. */
  rateStats(): RateStatsView;
}

export function createPersonioSandbox(opts: PersonioSandboxOptions = {}): PersonioSandbox {
  const now = opts.now ?? (() => new Date());
  const settings = defaultSettings(opts.settings);
  const store = new PersonioStore(now);
  const faults = new FaultRegistry(opts.faultSeed);
  const credentials = new CredentialStore(opts.tokenTtlSeconds ?? 86_400, now);
  const requests = new RequestLog(opts.requestLogCapacity);
  const limiter = new FixedWindowLimiter(now);
  const buckets = new TokenBucketLimiter(now);
  const stats = new RateStats(now);
  const limits = { limiter, buckets, stats, settings };

  const app = Fastify({ logger: false });
  void app.register(formbody);

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof PersonioApiError) {
      return reply.code(error.status).headers(error.headers).type('application/json').send(renderErrorBody(error.items, now()));
    }
    // fastify's own rejections (invalid JSON, wrong content type, body too large) keep their status.
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    const detail = status < 500 ? error.message : `sandbox internal error: ${error.message}`;
    return reply.code(status).type('application/json').send(renderErrorBody([genericError(status, detail)], now()));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0];
    reply.code(404).type('application/json').send(renderErrorBody([genericError(404, `no endpoint ${request.method} ${path}`)], now()));
  });

  const tenantOf = (request: FastifyRequest) => authOf(request)?.tenantId ?? tenantOfTokenRequest(request, credentials);

  // Order matters: the IP limit counts every request, the client limit needs the bearer hook's result.
  app.addHook('onRequest', perIpLimitHook(limits));
  app.addHook('onRequest', bearerAuthHook(credentials));
  app.addHook('onRequest', perClientLimitHook(limits));
  installFaultHooks(app, {
    registry: faults,
    tenantOf,
    isControlRoute,
    errorBody: (status, _title, detail) => ({ contentType: 'application/json', body: renderErrorBody([genericError(status, detail)], now()) }),
  });
  installRequestLogging(app, requests, tenantOf);

  registerAuthRoutes(app, { credentials, limiter, settings });
  registerPersonsRoutes(app, store);
  registerAttendancePeriodRoutes(app, { store, settings });
  registerAbsencePeriodRoutes(app, store);
  registerPersonioControlRoutes(app, { store, credentials, faults, requests, limiter, buckets, stats, settings });

  return {
    app,
    store,
    faults,
    credentials,
    requests,
    settings,
    seed: (seed) => seedPersonio({ store, credentials }, seed),
    state: (tenantId) => personioState({ store, credentials }, tenantId),
    rateStats: () => stats.view(),
  };
}
