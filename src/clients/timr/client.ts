/**
 * timr REST API v1 client for one tenant. Every response is parsed with the wire schemas;
 * failures are the typed errors of ../errors.ts.
 */
import type { z } from 'zod';
import { ResponseShapeError } from '../errors.js';
import { VendorHttp, type CallSpec } from '../http.js';
import type { RequestLimiter } from '../rate-limiter.js';
import type { ClientCredentials, TokenCache } from '../token-cache.js';
import { TIMR_PAGE_LIMIT, UserFilters, WorkingTimeFilters, toSearchParams } from './query.js';
import {
  DeletedEntriesPage,
  TokenResponse,
  User,
  UserCreate,
  UsersPage,
  WorkingTime,
  WorkingTimesPage,
  WorkingTimeTypesPage,
  WorkingTimeUpdate,
  type DeletedEntry,
  type WorkingTimeType,
} from './schemas.js';

export interface TimrClientOptions {
  tenantId: string;
  /** API base including the version, e.g. https://api.timr.com/v1 */
  baseUrl: string;
  /** e.g. https://system.timr.com/id/oauth2/token */
  tokenUrl: string;
  credentials: ClientCredentials;
  timeoutMs?: number;
  /** Defaults to the process-wide cache. */
  tokenCache?: TokenCache;
  /** timr documents no rate limit; pass one to be gentle anyway. */
  limiter?: RequestLimiter;
  retries?: number;
  retryBackoffMs?: number;
  /** Until when a 429 is waited out in-process without counting as a try (see RetryProfile). */
  rateLimitUntil?: () => number | undefined;
}

export type WorkingTimesPage = z.infer<typeof WorkingTimesPage>;

const TOKEN_SCOPE = 'openid timrclient';

export class TimrClient {
  private readonly http: VendorHttp;

  constructor(opts: TimrClientOptions) {
    this.http = new VendorHttp({
      vendor: 'timr',
      tenantId: opts.tenantId,
      baseUrl: opts.baseUrl,
      tokenUrl: opts.tokenUrl,
      credentials: opts.credentials,
      tokenForm: { scope: TOKEN_SCOPE },
      tokenSchema: TokenResponse,
      ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }),
      ...(opts.tokenCache !== undefined && { tokenCache: opts.tokenCache }),
      ...(opts.limiter !== undefined && { limiter: opts.limiter }),
      ...(opts.retries !== undefined && { retries: opts.retries }),
      ...(opts.retryBackoffMs !== undefined && { retryBackoffMs: opts.retryBackoffMs }),
      ...(opts.rateLimitUntil !== undefined && { rateLimitUntil: opts.rateLimitUntil }),
    });
  }

  get tenantId(): string {
    return this.http.tenantId;
  }

  /** One page of working times; pass the previous page's `next_page_token` with the SAME filters. */
  listWorkingTimesPage(filters: WorkingTimeFilters, pageToken?: string | null): Promise<WorkingTimesPage> {
    const spec = { method: 'GET', template: '/working-times' } as const;
    const valid = this.http.validateBody(spec, WorkingTimeFilters, filters);
    return this.http.requestJson({ ...spec, searchParams: pageParams(valid, pageToken), expect: [200] }, WorkingTimesPage);
  }

  /** Every working time matching the filters, across all pages. */
  listWorkingTimes(filters: WorkingTimeFilters = {}): AsyncGenerator<WorkingTime> {
    const spec = { method: 'GET', template: '/working-times' } as const;
    const valid = this.http.validateBody(spec, WorkingTimeFilters, filters);
    return this.paginate(spec, valid, WorkingTimesPage);
  }

  getWorkingTime(id: string): Promise<WorkingTime> {
    return this.http.requestJson(
      { method: 'GET', template: '/working-times/{id}', path: `/working-times/${encodeURIComponent(id)}`, resourceId: id, expect: [200] },
      WorkingTime,
    );
  }

  /**
   * Updates the fields present in `body`; resolves with the entry as timr now holds it.
   * 302 (type recorded "by request") → RedirectedToRequestError; 409 → ConflictError.
   * `once`: no in-process retry — the caller reads the entry back after any failure.
   */
  patchWorkingTime(id: string, body: WorkingTimeUpdate, opts: { once?: boolean } = {}): Promise<WorkingTime> {
    const spec = { method: 'PATCH', template: '/working-times/{id}', resourceId: id } as const;
    const json = this.http.validateBody(spec, WorkingTimeUpdate, body);
    // Setting fields to given values is harmless to repeat (a lock retried after it took effect).
    return this.http.requestJson({ ...spec, path: `/working-times/${encodeURIComponent(id)}`, json, expect: [200], idempotent: !opts.once }, WorkingTime);
  }

  /**
   * Locks the entry and records what was transferred, in ONE PATCH so timr never holds a locked
   * entry without its metadata. `metadata` replaces the entry's metadata: merge before calling.
   */
  lockWorkingTime(id: string, metadata: Record<string, unknown>, opts: { once?: boolean } = {}): Promise<WorkingTime> {
    return this.patchWorkingTime(id, { status: 'locked', metadata }, opts);
  }

  /** Working times deleted after the instant (RFC 3339), across all pages. */
  listDeletedWorkingTimes(lastModifiedAfter?: string): AsyncGenerator<DeletedEntry> {
    const spec = { method: 'GET', template: '/working-times:deleted' } as const;
    const filters = lastModifiedAfter !== undefined ? { last_modified_after: lastModifiedAfter } : {};
    const valid = this.http.validateBody(spec, WorkingTimeFilters.pick({ last_modified_after: true }), filters);
    return this.paginate(spec, valid, DeletedEntriesPage);
  }

  async listWorkingTimeTypes(): Promise<WorkingTimeType[]> {
    const types: WorkingTimeType[] = [];
    for await (const t of this.paginate({ method: 'GET', template: '/working-time-types' }, {}, WorkingTimeTypesPage)) types.push(t);
    return types;
  }

  listUsers(filters: UserFilters = {}): AsyncGenerator<User> {
    const spec = { method: 'GET', template: '/users' } as const;
    const valid = this.http.validateBody(spec, UserFilters, filters);
    return this.paginate(spec, valid, UsersPage);
  }

  createUser(body: UserCreate): Promise<User> {
    const spec = { method: 'POST', template: '/users' } as const;
    const json = this.http.validateBody(spec, UserCreate, body);
    return this.http.requestJson({ ...spec, json, expect: [200, 201] }, User);
  }

  private async *paginate<Item>(
    spec: Pick<CallSpec, 'method' | 'template'>,
    filters: Parameters<typeof toSearchParams>[0],
    schema: z.ZodType<{ data: Item[]; next_page_token: string | null }>,
  ): AsyncGenerator<Item> {
    const seen = new Set<string>();
    let token: string | null = null;
    do {
      const page: { data: Item[]; next_page_token: string | null } = await this.http.requestJson(
        { ...spec, searchParams: pageParams(filters, token), expect: [200] },
        schema,
      );
      yield* page.data;
      token = page.next_page_token;
      if (token !== null) {
        // A server handing out a token twice would page forever.
        if (seen.has(token)) {
          throw new ResponseShapeError({ ...this.http.context(spec), status: 200, issues: ['next_page_token repeats an earlier page token'] });
        }
        seen.add(token);
      }
    } while (token !== null);
  }
}

function pageParams(filters: Parameters<typeof toSearchParams>[0], pageToken: string | null | undefined): URLSearchParams {
  const params = toSearchParams(filters);
  params.set('limit', String(TIMR_PAGE_LIMIT));
  if (pageToken) params.set('page_token', pageToken);
  return params;
}
