/**
 * The control API both sandbox servers expose under /_sandbox for tests, the demo and the
 * benchmark. Unauthenticated and never faulted; it must only ever listen on loopback.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CredentialStore } from './credentials.js';
import { FaultRuleInput, faultsFiredOn, type FaultRegistry } from './faults.js';
import type { RequestLog } from './request-log.js';
import { mergeSeedParts, Seed } from './seed.js';

export const CONTROL_PREFIX = '/_sandbox';

export function isControlRoute(request: FastifyRequest): boolean {
  return (request.routeOptions.url ?? request.url).startsWith(CONTROL_PREFIX);
}

export interface ControlTarget {
  faults: FaultRegistry;
  credentials: CredentialStore;
  requests: RequestLog;
  /** Loads the server's half of the seed, replacing the listed tenants. */
  seed(seed: Seed): void;
  /** Everything the server holds, optionally for one tenant. */
  state(tenantId?: string): unknown;
  /** Drops all tenants and data. */
  reset(): void;
}

function badRequest(err: z.ZodError) {
  return { error: 'invalid control request', issues: err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
}

/**
 * Largest body of one seed request. Bigger seeds (a 20,000-entry tenant is about 20 MiB of
 * JSON, a 50,000-entry one of the benchmark 50 MiB) come in parts: the control client cuts
 * them into SEED_PART_BYTES and the server joins them on commit (no request, no string and no
 * parse of the whole seed at once).
 */
export const SEED_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
export const SEED_PART_BYTES = 2 * 1024 * 1024;

export function registerControlRoutes(app: FastifyInstance, target: ControlTarget): void {
  // A demo or benchmark seed is many MiB; fastify's 1 MiB default refused it (413).
  app.post(`${CONTROL_PREFIX}/seed`, { bodyLimit: SEED_BODY_LIMIT_BYTES }, async (req, reply) => {
    const parsed = Seed.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send(badRequest(parsed.error));
    target.seed(parsed.data);
    return { tenants: parsed.data.tenants.map((t) => t.id) };
  });

  // A seed in parts: each part is a seed of tenant fragments, checked as it arrives; the commit
  // joins a tenant's fragments and loads the whole seed as one (all tenants or none).
  const uploads = new Map<string, Seed[]>();
  const uploadOf = (req: FastifyRequest) => (req.query as { upload?: string }).upload;
  app.post(`${CONTROL_PREFIX}/seed/parts`, { bodyLimit: SEED_BODY_LIMIT_BYTES }, async (req, reply) => {
    const upload = uploadOf(req);
    if (!upload) return reply.code(400).send({ error: 'seed part without ?upload=<id>' });
    const parsed = Seed.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send(badRequest(parsed.error));
    const parts = uploads.get(upload) ?? [];
    parts.push(parsed.data);
    uploads.set(upload, parts);
    return { upload, parts: parts.length };
  });
  app.post(`${CONTROL_PREFIX}/seed/commit`, async (req, reply) => {
    const upload = uploadOf(req);
    const parts = upload === undefined ? undefined : uploads.get(upload);
    if (!parts) return reply.code(404).send({ error: `no seed upload ${upload ?? '(none given)'}` });
    uploads.delete(upload!);
    const seed = mergeSeedParts(parts);
    target.seed(seed);
    return { tenants: seed.tenants.map((t) => t.id) };
  });

  app.get(`${CONTROL_PREFIX}/state`, async (req) => {
    const { tenant } = req.query as { tenant?: string };
    return target.state(tenant);
  });

  app.post(`${CONTROL_PREFIX}/reset`, async () => {
    uploads.clear();
    target.reset();
    target.faults.clear();
    target.credentials.clear();
    target.requests.clear();
    return { reset: true };
  });

  app.post(`${CONTROL_PREFIX}/faults`, async (req, reply) => {
    const parsed = FaultRuleInput.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send(badRequest(parsed.error));
    return reply.code(201).send(target.faults.add(parsed.data));
  });
  app.get(`${CONTROL_PREFIX}/faults`, async () => target.faults.list());
  app.delete(`${CONTROL_PREFIX}/faults`, async (req) => {
    const { tenant } = req.query as { tenant?: string };
    target.faults.clear(tenant);
    return { cleared: true };
  });
  app.delete(`${CONTROL_PREFIX}/faults/:id`, async (req, reply) => {
    const { id } = req.params as { id: string };
    return target.faults.remove(id) ? reply.code(204).send() : reply.code(404).send({ error: `no fault ${id}` });
  });

  app.post(`${CONTROL_PREFIX}/tenants/:tenantId/rotate-credentials`, async (req, reply) => {
    const { tenantId } = req.params as { tenantId: string };
    if (!target.credentials.clientIdOf(tenantId)) return reply.code(404).send({ error: `unknown tenant ${tenantId}` });
    return target.credentials.rotate(tenantId);
  });

  app.post(`${CONTROL_PREFIX}/tenants/:tenantId/expire-tokens`, async (req, reply) => {
    const { tenantId } = req.params as { tenantId: string };
    if (!target.credentials.clientIdOf(tenantId)) return reply.code(404).send({ error: `unknown tenant ${tenantId}` });
    return { expired: target.credentials.expireTenant(tenantId) };
  });

  app.get(`${CONTROL_PREFIX}/requests`, async (req) => {
    const { tenant } = req.query as { tenant?: string };
    return target.requests.list(tenant);
  });
  app.delete(`${CONTROL_PREFIX}/requests`, async () => {
    target.requests.clear();
    return { cleared: true };
  });
}

/** Logs every non-control request with its tenant and outcome into the request log. */
export function installRequestLogging(
  app: FastifyInstance,
  log: RequestLog,
  tenantOf: (request: FastifyRequest) => string | undefined,
): void {
  const logged = new WeakSet<FastifyRequest>();
  const record = (request: FastifyRequest, status: number, dropped: boolean, bytes = 0) => {
    if (logged.has(request)) return;
    logged.add(request);
    const faults = faultsFiredOn(request);
    log.add({
      at: new Date().toISOString(),
      tenantId: tenantOf(request) ?? null,
      method: request.method,
      route: request.routeOptions.url ?? request.url,
      url: request.url,
      status,
      dropped,
      ...(faults.length > 0 && { faults }),
      bytes,
    });
  };
  app.addHook('onResponse', async (request, reply) => {
    if (isControlRoute(request)) return;
    const dropped = request.raw.socket?.destroyed === true && !reply.sent;
    record(request, reply.statusCode, dropped, dropped ? 0 : Number(reply.getHeader('content-length') ?? 0) || 0);
  });
  // A destroyed socket (reset and commit-then-drop faults) never reaches onResponse, yet those
  // are the requests a test most needs to count. Status is the one the handler chose (a
  // committed write shows 201), or 0 when the connection died before any answer was started.
  app.addHook('onRequest', async (request, reply) => {
    if (isControlRoute(request)) return;
    // writableFinished reads true after a destroy too, so only the 'finish' event proves delivery.
    let finished = false;
    reply.raw.once('finish', () => (finished = true));
    reply.raw.once('close', () => {
      if (!finished) record(request, reply.raw.headersSent ? reply.statusCode : 0, true);
    });
  });
}
