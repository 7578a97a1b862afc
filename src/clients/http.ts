/**
 * The request pipeline both vendor clients share: rate limiting, bearer token with one refresh
 * on 401/403, status → typed error, zod parsing of bodies, and the in-process retry layer
 * (retry.ts) for calls whose repetition is harmless.
 *
 * got never retries on its own (`retry.limit: 0`): a create that got retried behind our back
 * could duplicate an attendance. Idempotent calls (reads, deletes, token requests, and writes a
 * client marks `idempotent`) are retried here for errors their class calls retryable.
 */
import http from 'node:http';
import https from 'node:https';
import got, { RequestError, type Got, type Method } from 'got';
import type { z } from 'zod';
import {
  AuthRejectedError,
  ResponseShapeError,
  TransientError,
  ValidationRejectedError,
  type RequestContext,
  type Vendor,
} from './errors.js';
import type { RequestLimiter } from './rate-limiter.js';
import { limiterWait, vendorRateLimited, vendorRequests } from '../observability/metrics.js';
import { describeIssues, errorFromResponse, type RawResponse } from './response-errors.js';
import { RETRY_PROFILES, withRetries, type RetryProfile } from './retry.js';
import { getSharedTokenCache, type ClientCredentials, type TokenCache, type TokenKey } from './token-cache.js';

/**
 * One connection pool per process for every client of every tenant, with keep-alive: got on
 * Node's default agent cost about 0.2 ms more CPU per request in a side-by-side measurement
 * (a backfill sends ~4 requests per entry).
 */
// Idle sockets close after 4 s, below the common 5 s server keep-alive, so a request rarely meets a socket the server is closing.
const AGENT_OPTIONS = { keepAlive: true, timeout: 4_000, scheduling: 'lifo' } as const;
const AGENTS = { http: new http.Agent(AGENT_OPTIONS), https: new https.Agent(AGENT_OPTIONS) };

export interface VendorHttpOptions {
  vendor: Vendor;
  tenantId: string;
  /** API base, e.g. http://127.0.0.1:4010/v1 (timr) or http://127.0.0.1:4020 (Personio). */
  baseUrl: string;
  tokenUrl: string;
  credentials: ClientCredentials;
  /** Form fields the token endpoint needs besides the client credentials (timr: scope). */
  tokenForm?: Record<string, string>;
  /** Schema of a successful token response. */
  tokenSchema: z.ZodType<{ access_token: string; expires_in: number }>;
  timeoutMs?: number;
  /** Paces this client's requests and hears every answer (429s and `x-ratelimit-*` headers slow this client only). */
  limiter?: RequestLimiter;
  tokenCache?: TokenCache;
  /** Extra headers on every API call (Personio partner/app ids). */
  headers?: Record<string, string>;
  /** Retries of an idempotent call after a retryable failure (default: the `call` profile's). */
  retries?: number;
  /** Backoff before retry n is n × this (default: the `call` profile's). */
  retryBackoffMs?: number;
  /** Until when a 429 is waited out in-process without counting as a try (see RetryProfile). */
  rateLimitUntil?: () => number | undefined;
}

export interface CallSpec {
  method: Extract<Method, 'GET' | 'POST' | 'PATCH' | 'DELETE'>;
  /** Path template as the vendor documents it, e.g. "/working-times/{id}"; goes into errors. */
  template: string;
  /** Concrete path below baseUrl. Ignored when `url` is set. */
  path?: string;
  /** Absolute URL given by the vendor (next-page links); must be on baseUrl's origin. */
  url?: string;
  resourceId?: string;
  searchParams?: URLSearchParams;
  json?: unknown;
  /** Statuses that count as success for this call. */
  expect: readonly number[];
  /** Repeating the call is harmless (default: GET and DELETE). Never set for a create. */
  idempotent?: boolean;
}

export class VendorHttp {
  readonly vendor: Vendor;
  readonly tenantId: string;
  private readonly baseUrl: string;
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly tokenCache: TokenCache;
  private readonly tokenKey: TokenKey;
  private readonly retry: RetryProfile;
  /**
   * One got instance per client with every fixed option merged once: got merges a request's
   * options into its defaults on every call, and merging the full set per request was a quarter
   * of the worker's CPU per transferred entry (issue 10).
   */
  private readonly got: Got;

  /** Requests per second this client's limiter lets through now (undefined: not paced here). */
  get requestRate(): number | undefined {
    return this.opts.limiter?.ratePerSecond;
  }

  constructor(private readonly opts: VendorHttpOptions) {
    this.vendor = opts.vendor;
    this.tenantId = opts.tenantId;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.tokenCache = opts.tokenCache ?? getSharedTokenCache();
    this.tokenKey = { vendor: opts.vendor, tokenUrl: opts.tokenUrl, credentials: { ...opts.credentials } };
    this.retry = {
      ...RETRY_PROFILES.call,
      ...(opts.retries !== undefined && { attempts: opts.retries + 1 }),
      ...(opts.retryBackoffMs !== undefined && { backoffMs: opts.retryBackoffMs }),
      ...(opts.rateLimitUntil !== undefined && { rateLimitUntil: opts.rateLimitUntil }),
    };
    this.got = got.extend({
      agent: AGENTS,
      headers: { accept: 'application/json', ...opts.headers },
      timeout: { request: this.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
  }

  get retryProfile(): RetryProfile {
    return this.retry;
  }

  context(spec: Pick<CallSpec, 'method' | 'template' | 'resourceId'>): RequestContext {
    return {
      vendor: this.vendor,
      tenantId: this.tenantId,
      endpoint: `${spec.method} ${spec.template}`,
      ...(spec.resourceId !== undefined && { resourceId: spec.resourceId }),
    };
  }

  /** Performs the call; resolves with the response when its status is in `expect`, else throws a typed error. */
  request(spec: CallSpec): Promise<RawResponse> {
    return this.retried(spec, (ctx, url) => this.once(spec, ctx, url));
  }

  /** `request` plus JSON parsing against the schema; an unreadable answer is retried like any retryable failure. */
  requestJson<S extends z.ZodType>(spec: CallSpec, schema: S): Promise<z.output<S>> {
    return this.retried(spec, async (ctx, url) => this.parse(ctx, await this.once(spec, ctx, url), schema));
  }

  private retried<T>(spec: CallSpec, fn: (ctx: RequestContext, url: string) => Promise<T>): Promise<T> {
    const ctx = this.context(spec);
    const url = this.resolveUrl(spec, ctx);
    const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'DELETE');
    return idempotent ? withRetries(this.retry, () => fn(ctx, url)) : fn(ctx, url);
  }

  /** One try, with one fresh token if the current one is refused. */
  private async once(spec: CallSpec, ctx: RequestContext, url: string): Promise<RawResponse> {
    let token = await this.accessToken();
    for (let refreshed = false; ; refreshed = true) {
      let res: RawResponse;
      try {
        res = await this.send(spec.method, url, token, spec);
      } catch (err) {
        throw this.networkFailure(err, ctx);
      }
      if (spec.expect.includes(res.status)) return res;
      if ((res.status === 401 || res.status === 403) && !refreshed) {
        // Expired or revoked token: one fresh token, one more try. A second refusal is the credentials.
        this.tokenCache.invalidate(this.tokenKey, token);
        token = await this.accessToken();
        continue;
      }
      throw errorFromResponse(ctx, res);
    }
  }

  parse<S extends z.ZodType>(ctx: RequestContext, res: RawResponse, schema: S): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      throw new ResponseShapeError({ ...ctx, status: res.status, issues: [`body is not JSON (${res.body.length} bytes)`] });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ResponseShapeError({ ...ctx, status: res.status, issues: describeIssues(parsed.error) });
    return parsed.data;
  }

  /** Checks a request body against its schema before sending: our own bad data is not the vendor's fault. */
  validateBody<S extends z.ZodType>(spec: Pick<CallSpec, 'method' | 'template' | 'resourceId'>, schema: S, body: unknown): z.output<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ValidationRejectedError({ ...this.context(spec), messages: describeIssues(parsed.error).map((i) => `request ${i}`) });
    }
    return parsed.data;
  }

  private resolveUrl(spec: CallSpec, ctx: RequestContext): string {
    if (spec.url === undefined) return `${this.baseUrl}${spec.path ?? spec.template}`;
    let url: URL;
    try {
      url = new URL(spec.url, `${this.origin}/`);
    } catch {
      throw new ResponseShapeError({ ...ctx, issues: ['next-page link is not a URL'] });
    }
    // The bearer token goes wherever this URL points: only ever to the configured host.
    if (url.origin !== this.origin) {
      throw new ResponseShapeError({ ...ctx, issues: [`next-page link points to ${url.origin}, not ${this.origin}; refusing to send credentials there`] });
    }
    return url.toString();
  }

  private async send(method: CallSpec['method'], url: string, token: string, spec: CallSpec): Promise<RawResponse> {
    await this.acquire();
    const res = await this.counted(this.got(url, {
      method,
      headers: { authorization: `Bearer ${token}` },
      ...(spec.searchParams !== undefined && { searchParams: spec.searchParams }),
      ...(spec.json !== undefined && { json: spec.json }),
    }));
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  private async acquire(): Promise<void> {
    if (!this.opts.limiter) return;
    const start = performance.now();
    await this.opts.limiter.acquire();
    limiterWait.observe({ vendor: this.vendor }, (performance.now() - start) / 1000);
  }

  /** Counts every request sent, by status, and the vendor's 429s; the limiter hears every answer. */
  private async counted<R extends { statusCode: number; headers: RawResponse['headers'] }>(sent: Promise<R>): Promise<R> {
    let res: R;
    try {
      res = await sent;
    } catch (err) {
      vendorRequests.inc({ vendor: this.vendor, status: 'network' });
      throw err;
    }
    vendorRequests.inc({ vendor: this.vendor, status: String(res.statusCode) });
    if (res.statusCode === 429) vendorRateLimited.inc({ vendor: this.vendor });
    this.opts.limiter?.onResponse(res.statusCode, res.headers);
    return res;
  }

  /** A got failure without a response: connection reset, refused, timed out. Nothing of got's error is kept. */
  private networkFailure(err: unknown, ctx: RequestContext): TransientError {
    if (err instanceof RequestError) return new TransientError({ ...ctx, code: err.code });
    throw err;
  }

  private accessToken(): Promise<string> {
    return this.tokenCache.get(this.tokenKey, async () => {
      const t = await this.fetchToken();
      return { accessToken: t.access_token, expiresInSeconds: t.expires_in };
    });
  }

  /** Asking for a token twice is harmless, so token requests retry like reads. */
  private fetchToken(): Promise<{ access_token: string; expires_in: number }> {
    const template = new URL(this.opts.tokenUrl).pathname;
    const ctx = this.context({ method: 'POST', template });
    return withRetries(this.retry, async () => {
      let res: RawResponse;
      try {
        await this.acquire();
        const r = await this.counted(this.got.post(this.opts.tokenUrl, {
          form: {
            grant_type: 'client_credentials',
            client_id: this.opts.credentials.clientId,
            client_secret: this.opts.credentials.clientSecret,
            ...this.opts.tokenForm,
          },
        }));
        res = { status: r.statusCode, headers: r.headers, body: r.body };
      } catch (err) {
        throw this.networkFailure(err, ctx);
      }
      if (res.status === 200) return this.parse(ctx, res, this.opts.tokenSchema);
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        throw new AuthRejectedError({ ...ctx, status: res.status, rejectedAt: 'token-endpoint' });
      }
      throw errorFromResponse(ctx, res);
    });
  }
}
