/**
 * Fault injection shared by both sandbox servers. Rules are scoped to a tenant (or all) and a
 * route (fastify route pattern such as "POST /v2/attendance-periods", or "*"), and fire for
 * a number of matching requests or with a probability from a seeded PRNG (reproducible runs).
 *
 * Kinds and when they act:
 *  - latency           before the handler: waits a fixed or uniformly random time
 *  - error             before the handler: answers with a 5xx (or any) status — a burst when `times` is set
 *  - rate-limit        before the handler: answers 429, with or without Retry-After
 *  - reset             before the handler: destroys the socket, nothing is written
 *  - conflict          before the handler: timr's 409 conflict/resource-outdated
 *  - commit-then-drop  after the handler: the write took effect, the client gets a reset or a hang
 *                      (`committedOnly`: only when the handler answered 2xx, so every drop is a real write)
 *  - malformed         after the handler, only on a 2xx answer with a body: the write took effect and
 *                      the status is kept, but the body is cut short (`truncate`) or is not JSON at all
 *                      (`html`, as a misbehaving proxy sends) — the client cannot read what happened.
 *                      A 204 has no body to spoil, so the rule does not apply to it.
 *  - concurrent-edit   before the handler (timr): applies `patch` to the addressed entry as an
 *                      employee edit, so the request sees content newer than the client read
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

export const FaultRuleInput = z.object({
  tenantId: z.string().default('*'),
  route: z.string().default('*'),
  /** Apply to this many matching requests, then retire. Unlimited when omitted. */
  times: z.number().int().positive().optional(),
  /** Skip this many matching requests before the rule starts firing. */
  after: z.number().int().nonnegative().default(0),
  probability: z.number().min(0).max(1).default(1),
  fault: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('latency'), minMs: z.number().int().nonnegative(), maxMs: z.number().int().nonnegative().optional() }),
    z.object({ kind: z.literal('error'), status: z.number().int().min(400).max(599).default(503) }),
    z.object({ kind: z.literal('rate-limit'), retryAfterSeconds: z.number().int().nonnegative().nullable().default(1) }),
    z.object({ kind: z.literal('reset') }),
    z.object({ kind: z.literal('conflict') }),
    z.object({
      kind: z.literal('commit-then-drop'),
      mode: z.enum(['reset', 'timeout']).default('reset'),
      hangMs: z.number().int().positive().default(30_000),
      committedOnly: z.boolean().default(false),
    }),
    z.object({ kind: z.literal('malformed'), mode: z.enum(['truncate', 'html']).default('truncate') }),
    z.object({ kind: z.literal('concurrent-edit'), patch: z.record(z.string(), z.unknown()) }),
  ]),
});
export type FaultRuleInput = z.input<typeof FaultRuleInput>;
export type FaultRule = z.infer<typeof FaultRuleInput> & { id: string; seen: number; fired: number };
export type Fault = FaultRule['fault'];

/** mulberry32: small, seedable, good enough to make random faults reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultRegistry {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private random: () => number;

  constructor(seed = 42) {
    this.random = prng(seed);
  }

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...FaultRuleInput.parse(input), id: `fault-${this.nextId++}`, seen: 0, fired: 0 };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(tenantId?: string): void {
    this.rules = tenantId ? this.rules.filter((r) => r.tenantId !== tenantId) : [];
  }

  reseed(seed: number): void {
    this.random = prng(seed);
  }

  /**
   * Picks the faults that fire for this request and counts them as used. `statusCode` (after
   * stage) is the handler's answer: rules that need a committed write skip the others uncounted.
   */
  take(tenantId: string | undefined, route: string, stage: 'before' | 'after', statusCode?: number): Fault[] {
    const fired: Fault[] = [];
    for (const rule of this.rules) {
      if (isAfterHandler(rule.fault) !== (stage === 'after')) continue;
      if (rule.tenantId !== '*' && rule.tenantId !== tenantId) continue;
      if (rule.route !== '*' && rule.route !== route) continue;
      if (stage === 'after' && !appliesToAnswer(rule.fault, statusCode)) continue;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      rule.seen++;
      if (rule.seen <= rule.after) continue;
      if (rule.probability < 1 && this.random() >= rule.probability) continue;
      rule.fired++;
      fired.push(rule.fault);
    }
    return fired;
  }

  randomBetween(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
}

/** What fired on each request, for the request log (so a soak can tell which fault hit which write). */
const firedOn = new WeakMap<FastifyRequest, string[]>();

export function faultsFiredOn(request: FastifyRequest): string[] {
  return firedOn.get(request) ?? [];
}

function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'error':
      return `error ${fault.status}`;
    case 'rate-limit':
      return fault.retryAfterSeconds === null ? 'rate-limit (no Retry-After)' : `rate-limit (Retry-After ${fault.retryAfterSeconds})`;
    case 'latency':
      return 'latency';
    case 'commit-then-drop':
    case 'malformed':
      return `${fault.kind} ${fault.mode}`;
    default:
      return fault.kind;
  }
}

function noteFired(request: FastifyRequest, faults: readonly Fault[]): void {
  if (faults.length === 0) return;
  firedOn.set(request, [...faultsFiredOn(request), ...faults.map(describeFault)]);
}

const isAfterHandler = (fault: Fault) => fault.kind === 'commit-then-drop' || fault.kind === 'malformed';

function appliesToAnswer(fault: Fault, statusCode: number | undefined): boolean {
  const committed = statusCode !== undefined && statusCode >= 200 && statusCode < 300;
  if (fault.kind === 'malformed') return committed && statusCode !== 204;
  if (fault.kind === 'commit-then-drop' && fault.committedOnly) return committed;
  return true;
}

/** A body the client cannot parse: the first half of the real one, or an HTML error page. */
function spoilBody(payload: unknown, mode: 'truncate' | 'html'): unknown {
  if (mode === 'html') return '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (text === undefined) return payload;
  // Never a complete JSON value: at least the last character is gone.
  return text.slice(0, Math.max(1, Math.min(text.length - 1, Math.floor(text.length / 2))));
}

/** "METHOD /pattern" as the fault rules name routes. */
export function routeKey(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url}`;
}

export interface FaultHooksOptions {
  registry: FaultRegistry;
  /** Tenant of the request, known after the server's auth step. */
  tenantOf(request: FastifyRequest): string | undefined;
  /** Renders a vendor-style error body for the given status. */
  errorBody(status: number, title: string, detail: string, request: FastifyRequest): { contentType: string; body: unknown };
  /** Applies a concurrent edit for the entry the request addresses (timr only). */
  concurrentEdit?(request: FastifyRequest, patch: Record<string, unknown>): void;
  /** Routes that are never faulted (the control API). */
  isControlRoute(request: FastifyRequest): boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers the fault stages. Must be added after the server's auth hook so `tenantOf` works;
 * runs as a preHandler (before) and an onSend (after) hook.
 */
export function installFaultHooks(app: FastifyInstance, opts: FaultHooksOptions): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (opts.isControlRoute(request)) return;
    const faults = opts.registry.take(opts.tenantOf(request), routeKey(request), 'before');
    noteFired(request, faults);
    for (const fault of faults) {
      switch (fault.kind) {
        case 'latency':
          await sleep(fault.maxMs !== undefined ? opts.registry.randomBetween(fault.minMs, fault.maxMs) : fault.minMs);
          break;
        case 'reset':
          request.raw.socket.destroy();
          return reply.hijack();
        case 'error': {
          const e = opts.errorBody(fault.status, 'Injected fault', `Sandbox fault: HTTP ${fault.status}`, request);
          return reply.code(fault.status).type(e.contentType).send(e.body);
        }
        case 'rate-limit': {
          if (fault.retryAfterSeconds !== null) reply.header('retry-after', String(fault.retryAfterSeconds));
          const e = opts.errorBody(429, 'Too Many Requests', 'Sandbox fault: rate limit exceeded', request);
          return reply.code(429).type(e.contentType).send(e.body);
        }
        case 'conflict': {
          const e = opts.errorBody(409, 'Resource outdated', 'The resource was modified by another request.', request);
          return reply.code(409).type(e.contentType).send(e.body);
        }
        case 'concurrent-edit':
          opts.concurrentEdit?.(request, fault.patch);
          break;
        case 'commit-then-drop':
        case 'malformed':
          break;
      }
    }
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (opts.isControlRoute(request)) return payload;
    const faults = opts.registry.take(opts.tenantOf(request), routeKey(request), 'after', reply.statusCode);
    noteFired(request, faults);
    const drop = faults.find((f) => f.kind === 'commit-then-drop');
    if (drop && drop.kind === 'commit-then-drop') {
      if (drop.mode === 'timeout') await sleep(drop.hangMs);
      request.raw.socket.destroy();
      return payload;
    }
    const spoil = faults.find((f) => f.kind === 'malformed');
    return spoil && spoil.kind === 'malformed' && payload !== null && payload !== undefined ? spoilBody(payload, spoil.mode) : payload;
  });
}
