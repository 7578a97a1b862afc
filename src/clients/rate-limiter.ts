/**
 * Pacing of outgoing vendor requests. Personio limits each API client (a tenant's credentials)
 * and each egress IP (all tenants of all worker processes behind it), so a Personio request
 * needs a token from two buckets: its client's, then the IP's share of this process
 * (`PersonioLimits`). A 429 or an exhausted `x-ratelimit-remaining` slows the client it was
 * answered to, never the other tenants: one tenant's 429 storm used to pause the whole worker.
 *
 * Pacing is not retrying: the one retry layer (retry.ts) decides whether a call is tried again;
 * the limiter only decides when the next request of that client may go out.
 */
import { RATE_LIMIT_BACKOFF } from './retry.js';
import { parseRetryAfterMs } from './retry-after.js';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What the HTTP pipeline needs of a limiter: a turn before each request, and every answer's status and headers. */
export interface RequestLimiter {
  acquire(): Promise<void>;
  onResponse(status: number, headers: ResponseHeaders): void;
  /** Requests per second this limiter lets through now, when it knows (work is sized by it). */
  readonly ratePerSecond?: number;
}

export interface RateLimiterOptions {
  /** Sustained requests per second (default 25). */
  ratePerSecond?: number;
  /** Requests that may go out at once after a quiet spell (default 25). */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A vendor's `x-ratelimit-reset` beyond this is not waited out by pausing (the 429 path still applies). */
const MAX_HEADER_PAUSE_MS = 60_000;

function header(headers: ResponseHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function nonNegative(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export class RateLimiter implements RequestLimiter {
  /** The configured rate; `ratePerSecond` may be lower while the vendor advertises less. */
  readonly configuredRate: number;
  readonly configuredBurst: number;
  private rate: number;
  private cap: number;
  /** The rate this limiter may use at most (a share of the configured one, see setShare). */
  private ceiling: number;
  private advertised: number | undefined;
  private tokens: number;
  private refilledAt: number;
  private pauseUntil = 0;
  /** 429s without Retry-After in a row: the pause doubles with each. */
  private unexplained429s = 0;
  /** Acquisitions are served one after another (FIFO), so only the head of the queue sleeps. */
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: RateLimiterOptions = {}) {
    this.configuredRate = opts.ratePerSecond ?? 25;
    this.configuredBurst = opts.burst ?? 25;
    if (!(this.configuredRate > 0) || !(this.configuredBurst >= 1)) {
      throw new Error(`rate limiter needs ratePerSecond > 0 and burst >= 1 (got ${this.configuredRate}, ${this.configuredBurst})`);
    }
    this.rate = this.ceiling = this.configuredRate;
    this.cap = this.configuredBurst;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.tokens = this.cap;
    this.refilledAt = this.now();
  }

  get ratePerSecond(): number {
    return this.rate;
  }

  get burst(): number {
    return this.cap;
  }

  /** Resolves when one request may be sent. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.takeOne());
    // A failure of one waiter (only possible with a custom sleep) must not block the rest.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Holds every acquisition until `ms` from now; a shorter pause never cuts a longer one short. */
  pauseFor(ms: number): void {
    this.pauseUntil = Math.max(this.pauseUntil, this.now() + Math.max(0, ms));
  }

  /** Epoch ms until which requests are held (0 or past when not paused). */
  get pausedUntil(): number {
    return this.pauseUntil;
  }

  /**
   * Uses `fraction` (0–1] of the configured rate and burst: this process's share of a limit
   * that several processes spend together (the per-IP one).
   */
  setShare(fraction: number): void {
    const f = Math.min(1, Math.max(Number.EPSILON, fraction));
    this.refill(this.now());
    this.ceiling = this.configuredRate * f;
    this.cap = Math.max(1, this.configuredBurst * f);
    this.tokens = Math.min(this.tokens, this.cap);
    this.applyRate();
  }

  /**
   * Adapts to the vendor's answer. A 429 holds this limiter for Retry-After, or — without one —
   * for a backoff doubling with each 429 in a row. `x-ratelimit-remaining` caps the tokens
   * spendable now, 0 remaining holds until `x-ratelimit-reset` (seconds), and an advertised
   * `x-ratelimit-replenish-rate` below ours becomes our rate.
   */
  onResponse(status: number, headers: ResponseHeaders): void {
    const now = this.now();
    if (status === 429) {
      const retryAfter = parseRetryAfterMs(header(headers, 'retry-after'), now);
      if (retryAfter !== undefined) {
        this.pauseFor(retryAfter);
      } else {
        this.pauseFor(Math.min(RATE_LIMIT_BACKOFF.firstMs * 2 ** this.unexplained429s, RATE_LIMIT_BACKOFF.maxMs));
        this.unexplained429s++;
      }
    } else if (status < 400) {
      this.unexplained429s = 0;
    }
    const replenish = nonNegative(header(headers, 'x-ratelimit-replenish-rate'));
    if (replenish !== undefined && replenish > 0 && replenish !== this.advertised) {
      this.refill(now);
      this.advertised = replenish;
      this.applyRate();
    }
    const remaining = nonNegative(header(headers, 'x-ratelimit-remaining'));
    if (remaining !== undefined) {
      this.refill(now);
      this.tokens = Math.min(this.tokens, remaining);
      const reset = nonNegative(header(headers, 'x-ratelimit-reset'));
      if (remaining < 1 && reset !== undefined) this.pauseFor(Math.min(reset * 1000, MAX_HEADER_PAUSE_MS));
    }
  }

  private applyRate(): void {
    this.rate = Math.min(this.ceiling, this.advertised ?? Infinity);
  }

  private async takeOne(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.pauseUntil) {
        await this.sleep(this.pauseUntil - now);
        continue;
      }
      this.refill(now);
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.rate));
    }
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.cap, this.tokens + (elapsed * this.rate) / 1000);
    this.refilledAt = now;
  }
}

/** One API client's turn: its own bucket first (a paused client waits there, holding nothing), then the IP's. */
export class ClientLimiter implements RequestLimiter {
  constructor(
    readonly client: RateLimiter,
    readonly ip: RateLimiter,
  ) {}

  async acquire(): Promise<void> {
    await this.client.acquire();
    await this.ip.acquire();
  }

  /** Whatever Personio says about a client's requests concerns that client only. */
  onResponse(status: number, headers: ResponseHeaders): void {
    this.client.onResponse(status, headers);
  }

  /** A request needs both buckets' tokens, so the slower one sets the pace. */
  get ratePerSecond(): number {
    return Math.min(this.client.ratePerSecond, this.ip.ratePerSecond);
  }
}

export interface PersonioLimitsOptions {
  /** Personio's per-IP limit, for all tenants of all worker processes behind the IP together. */
  perIp?: RateLimiterOptions;
  /** Each API client's (tenant's) own limit. */
  perClient?: RateLimiterOptions;
  /** Clients kept (least recently used dropped first); far more than a worker's tenants. */
  maxClients?: number;
}

/**
 * Defaults. Per IP: Personio documents 2,000 requests per minute per IP (v1, the only IP figure
 * it published) — 33/s stays below it. Per client: v2 publishes no per-client limit; the one
 * per-client figure Personio ever documented is 300 requests per minute with bursts of 15
 * (GET employees, May 2024), so 5/s with a burst of 15 stays within it. The vendor's
 * `x-ratelimit-*` headers lower either at run time, never raise it.
 */
export const PERSONIO_DEFAULT_LIMITS = {
  perIp: { ratePerSecond: 33, burst: 33 },
  perClient: { ratePerSecond: 5, burst: 15 },
} as const;

export class PersonioLimits {
  readonly ip: RateLimiter;
  private readonly perClient: RateLimiterOptions;
  private readonly clients = new Map<string, ClientLimiter>();
  private readonly maxClients: number;

  constructor(opts: PersonioLimitsOptions = {}) {
    this.ip = new RateLimiter({ ...PERSONIO_DEFAULT_LIMITS.perIp, ...opts.perIp });
    this.perClient = { ...PERSONIO_DEFAULT_LIMITS.perClient, ...opts.perClient };
    this.maxClients = opts.maxClients ?? 10_000;
  }

  /** The limiter of one API client, by a key naming its credentials (host and client id), never the secret. */
  forClient(key: string): ClientLimiter {
    let limiter = this.clients.get(key);
    if (limiter) {
      // Map order is insertion order: re-inserting marks it as recently used.
      this.clients.delete(key);
    } else {
      limiter = new ClientLimiter(new RateLimiter(this.perClient), this.ip);
      if (this.clients.size >= this.maxClients) this.clients.delete(this.clients.keys().next().value as string);
    }
    this.clients.set(key, limiter);
    return limiter;
  }

  /** This process is one of `processes` spending the per-IP limit: it takes an equal share. */
  shareIpWith(processes: number): void {
    this.ip.setShare(1 / Math.max(1, processes));
  }
}

function positiveNumberFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

function optionsFromEnv(env: NodeJS.ProcessEnv, rate: string, burst: string): RateLimiterOptions {
  const ratePerSecond = positiveNumberFromEnv(env, rate);
  const b = positiveNumberFromEnv(env, burst);
  return { ...(ratePerSecond !== undefined && { ratePerSecond }), ...(b !== undefined && { burst: b }) };
}

/**
 * Limits from the environment: PERSONIO_RATE_PER_SECOND / PERSONIO_RATE_BURST for the per-IP
 * limit (all worker processes behind the IP together; each process takes its share, see
 * worker.ts), PERSONIO_CLIENT_RATE_PER_SECOND / PERSONIO_CLIENT_RATE_BURST per tenant.
 */
export function personioLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): PersonioLimits {
  return new PersonioLimits({
    perIp: optionsFromEnv(env, 'PERSONIO_RATE_PER_SECOND', 'PERSONIO_RATE_BURST'),
    perClient: optionsFromEnv(env, 'PERSONIO_CLIENT_RATE_PER_SECOND', 'PERSONIO_CLIENT_RATE_BURST'),
  });
}

let sharedPersonio: PersonioLimits | undefined;

/** The process-wide Personio limits (from the environment, read once on first use). */
export function getSharedPersonioLimits(): PersonioLimits {
  sharedPersonio ??= personioLimitsFromEnv();
  return sharedPersonio;
}
