/**
 * The request pipeline both vendor clients share: rate limiting, bearer token with one refresh
 * on 401/403, bounded retries for reads only, status → typed error, zod parsing of bodies.
 *
 * got never retries on its own (`retry.limit: 0`): a write that got retried behind our back
 * could create a duplicate attendance, and Temporal already retries activities. Reads are
 * retried here, at most `getRetries` times, for transient failures only.
 */
import got, { RequestError, type Method } from 'got';
import type { z } from 'zod';
import {
  AuthRejectedError,
  RateLimitedError,
  ResponseShapeError,
  TransientError,
  ValidationRejectedError,
  type RequestContext,
  type Vendor,
} from './errors.js';
import type { RateLimiter } from './rate-limiter.js';
import { describeIssues, errorFromResponse, type RawResponse } from './response-errors.js';
import { getSharedTokenCache, type ClientCredentials, type TokenCache, type TokenKey } from './token-cache.js';

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
  limiter?: RateLimiter;
  tokenCache?: TokenCache;
  /** Extra headers on every API call (Personio partner/app ids). */
  headers?: Record<string, string>;
  /** Retries of a read after a transient failure (default 2). */
  getRetries?: number;
  /** Backoff before read retry n is n × this (default 250 ms). */
  getRetryBackoffMs?: number;
  /** Global pause on a 429 that carries no Retry-After (default 1 s). */
  rateLimitPauseMs?: number;
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
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class VendorHttp {
  readonly vendor: Vendor;
  readonly tenantId: string;
  private readonly baseUrl: string;
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly tokenCache: TokenCache;
  private readonly tokenKey: TokenKey;
  private readonly getRetries: number;
  private readonly getRetryBackoffMs: number;
  private readonly rateLimitPauseMs: number;

  constructor(private readonly opts: VendorHttpOptions) {
    this.vendor = opts.vendor;
    this.tenantId = opts.tenantId;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.tokenCache = opts.tokenCache ?? getSharedTokenCache();
    this.tokenKey = { vendor: opts.vendor, tokenUrl: opts.tokenUrl, credentials: { ...opts.credentials } };
    this.getRetries = opts.getRetries ?? 2;
    this.getRetryBackoffMs = opts.getRetryBackoffMs ?? 250;
    this.rateLimitPauseMs = opts.rateLimitPauseMs ?? 1_000;
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
  async request(spec: CallSpec): Promise<RawResponse> {
    const ctx = this.context(spec);
    const url = this.resolveUrl(spec, ctx);
    const retries = spec.method === 'GET' ? this.getRetries : 0;
    let refreshedToken = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      let res: RawResponse;
      try {
        res = await this.send(spec.method, url, token, spec);
      } catch (err) {
        const failure = this.networkFailure(err, ctx);
        if (attempt < retries) {
          await sleep(this.getRetryBackoffMs * (attempt + 1));
          continue;
        }
        throw failure;
      }
      if (spec.expect.includes(res.status)) return res;
      if ((res.status === 401 || res.status === 403) && !refreshedToken) {
        // Expired or revoked token: one fresh token, one more try. A second refusal is the credentials.
        this.tokenCache.invalidate(this.tokenKey, token);
        refreshedToken = true;
        attempt--;
        continue;
      }
      const error = errorFromResponse(ctx, res);
      if (error instanceof RateLimitedError) this.opts.limiter?.pauseFor(error.retryAfterMs ?? this.rateLimitPauseMs);
      if (error instanceof TransientError && attempt < retries) {
        await sleep(this.getRetryBackoffMs * (attempt + 1));
        continue;
      }
      throw error;
    }
  }

  /** `request` plus JSON parsing against the schema. */
  async requestJson<S extends z.ZodType>(spec: CallSpec, schema: S): Promise<z.output<S>> {
    const res = await this.request(spec);
    return this.parse(this.context(spec), res, schema);
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
    await this.opts.limiter?.acquire();
    const res = await got(url, {
      method,
      headers: { accept: 'application/json', authorization: `Bearer ${token}`, ...this.opts.headers },
      ...(spec.searchParams !== undefined && { searchParams: spec.searchParams }),
      ...(spec.json !== undefined && { json: spec.json }),
      timeout: { request: this.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
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

  private async fetchToken(): Promise<{ access_token: string; expires_in: number }> {
    const template = new URL(this.opts.tokenUrl).pathname;
    const ctx = this.context({ method: 'POST', template });
    for (let attempt = 0; ; attempt++) {
      let res: RawResponse;
      try {
        await this.opts.limiter?.acquire();
        const r = await got.post(this.opts.tokenUrl, {
          form: {
            grant_type: 'client_credentials',
            client_id: this.opts.credentials.clientId,
            client_secret: this.opts.credentials.clientSecret,
            ...this.opts.tokenForm,
          },
          headers: { accept: 'application/json', ...this.opts.headers },
          timeout: { request: this.timeoutMs },
          retry: { limit: 0 },
          throwHttpErrors: false,
          followRedirect: false,
          responseType: 'text',
        });
        res = { status: r.statusCode, headers: r.headers, body: r.body };
      } catch (err) {
        const failure = this.networkFailure(err, ctx);
        if (attempt < this.getRetries) {
          await sleep(this.getRetryBackoffMs * (attempt + 1));
          continue;
        }
        throw failure;
      }
      if (res.status === 200) return this.parse(ctx, res, this.opts.tokenSchema);
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        throw new AuthRejectedError({ ...ctx, status: res.status, rejectedAt: 'token-endpoint' });
      }
      const error = errorFromResponse(ctx, res);
      if (error instanceof RateLimitedError) this.opts.limiter?.pauseFor(error.retryAfterMs ?? this.rateLimitPauseMs);
      // Asking for a token twice is harmless, so transient token failures retry like reads.
      if (error instanceof TransientError && attempt < this.getRetries) {
        await sleep(this.getRetryBackoffMs * (attempt + 1));
        continue;
      }
      throw error;
    }
  }
}
