/**
 * The timr v1 sandbox: a faithful local emulation of the parts of the timr REST API the sync
 * uses (OAuth2 client credentials, working times with their lock and request rules, the
 * deletion feed, users, working time types), with fault injection and a control API.
 * The app is returned unstarted: `await app.listen({ host: '127.0.0.1', port: 0 })`.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { isControlRoute, installRequestLogging, registerControlRoutes } from '../control-routes.js';
import { CredentialStore } from '../credentials.js';
import { FaultRegistry, installFaultHooks } from '../faults.js';
import { RequestLog } from '../request-log.js';
import { installBearerAuth, registerTokenRoutes, requestTenant } from './auth.js';
import { MonotonicClock } from './clock.js';
import { registerTimrControlRoutes } from './employee-routes.js';
import { editWorkingTime, EmployeeActionError } from './employee-actions.js';
import { buildProblem, errorType, PROBLEM_CONTENT_TYPE, problemSender } from './problems.js';
import { registerMasterDataRoutes } from './routes/master-data.js';
import { registerWorkingTimeRoutes } from './routes/working-times.js';
import { seedTenants, tenantState } from './control-target.js';
import { TimrStore } from './store.js';

export type { TimrTenantState } from './control-target.js';

export const DEFAULT_TOKEN_TTL_SECONDS = 3599;

export interface TimrSandboxOptions {
  /** Seed of the fault PRNG, so probabilistic faults repeat between runs. */
  faultSeed?: number;
  tokenTtlSeconds?: number;
  /** Injected clock for token expiry and audit timestamps. */
  now?: () => Date;
  /** Requests the log keeps (oldest dropped first); a long soak wants more than the default. */
  requestLogCapacity?: number;
}

export interface TimrSandbox {
  app: FastifyInstance;
  store: TimrStore;
  faults: FaultRegistry;
  credentials: CredentialStore;
  requests: RequestLog;
}

export function createTimrSandbox(opts: TimrSandboxOptions = {}): TimrSandbox {
  const now = opts.now ?? (() => new Date());
  const clock = new MonotonicClock(now);
  const store = new TimrStore(clock);
  const faults = new FaultRegistry(opts.faultSeed);
  const credentials = new CredentialStore(opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS, now);
  const requests = new RequestLog(opts.requestLogCapacity);
  const sendProblem = problemSender(now);
  const tenantOf = (request: FastifyRequest) => requestTenant(credentials, request);

  const app = Fastify({
    logger: false,
    // Clients that percent-encode the colon of `/working-times:deleted` reach the same resource.
    rewriteUrl: (req) => (req.url ?? '/').replace(/^(\/v1\/[a-z-]+)%3A/i, '$1:'),
  });
  app.register(formbody);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (isControlRoute(request)) return reply.code(status).send({ error: error.message });
    if (status >= 500) {
      return sendProblem(reply, { status, type: errorType('internal'), detail: `The timr sandbox failed: ${error.message}` });
    }
    const type = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? errorType('validation', 'unsupported-media-type') : errorType('validation', 'unreadable-body');
    return sendProblem(reply, { status, type, detail: `The request could not be read: ${error.message}` });
  });
  app.setNotFoundHandler((request, reply) => {
    if (isControlRoute(request)) return reply.code(404).send({ error: `no control route ${request.method} ${request.url}` });
    return sendProblem(reply, { status: 404, detail: `No resource at ${request.method} ${request.url.split('?')[0]}` });
  });

  installBearerAuth(app, credentials, sendProblem);
  installFaultHooks(app, {
    registry: faults,
    tenantOf,
    isControlRoute,
    errorBody: (status, title, detail, request) => ({
      contentType: PROBLEM_CONTENT_TYPE,
      body: buildProblem(request, { status, title, detail }, now()),
    }),
    concurrentEdit: (request, patch) => {
      const tenantId = tenantOf(request);
      const { id } = (request.params ?? {}) as { id?: string };
      // Nothing to edit: the handler answers 404 (or the route has no entry) as usual.
      if (tenantId === undefined || id === undefined || !store.workingTime(tenantId, id)) return;
      try {
        editWorkingTime(store, tenantId, id, patch);
      } catch (err) {
        if (err instanceof EmployeeActionError) throw new Error(`concurrent-edit fault could not be applied: ${err.message}`, { cause: err });
        throw err;
      }
    },
  });
  installRequestLogging(app, requests, tenantOf);

  registerControlRoutes(app, {
    faults,
    credentials,
    requests,
    seed: (seed) => seedTenants(seed, store, credentials),
    state: (tenantId) => tenantState(store, credentials, tenantId),
    reset: () => store.clear(),
  });
  registerTimrControlRoutes(app, store);
  registerTokenRoutes(app, credentials);

  const routeContext = {
    store,
    sendProblem,
    tenantOf: (request: FastifyRequest) => {
      const tenantId = tenantOf(request);
      const tenant = tenantId === undefined ? undefined : store.tenant(tenantId);
      // A token can outlive its tenant's data only if the tenant was reset; treat it as gone.
      if (!tenant) throw Object.assign(new Error(`tenant ${tenantId ?? '(none)'} has no timr data`), { statusCode: 500 });
      return tenant;
    },
  };
  registerWorkingTimeRoutes(app, routeContext);
  registerMasterDataRoutes(app, routeContext);

  return { app, store, faults, credentials, requests };
}
