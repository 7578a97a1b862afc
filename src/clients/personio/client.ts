/**
 * Personio API v2 client (persons, attendance periods) for one tenant. Its calls are paced by its
 * API client's own limiter and this process's share of the per-IP limit (rate-limiter.ts).
 */
import { z } from 'zod';
import { ResponseShapeError } from '../errors.js';
import { VendorHttp, type CallSpec } from '../http.js';
import { getSharedPersonioLimits, type PersonioLimits, type RequestLimiter } from '../rate-limiter.js';
import type { RetryProfile } from '../retry.js';
import type { ClientCredentials, TokenCache } from '../token-cache.js';
import { AbsencePeriodFilters, AttendancePeriodFilters, PersonFilters, absencePeriodParams, attendancePeriodParams, personParams } from './query.js';
import {
  AbsencePeriodCreate,
  AbsencePeriodsList,
  AttendancePeriod,
  AttendancePeriodCreate,
  AttendancePeriodPatch,
  AttendancePeriodsList,
  CreatedResponse,
  PersonsList,
  TokenResponse,
  type AbsencePeriod,
  type Person,
} from './schemas.js';

export interface PersonioClientOptions {
  tenantId: string;
  /** Host without path, e.g. https://api.personio.de */
  baseUrl: string;
  credentials: ClientCredentials;
  /** This client's limiter; defaults to its API client's in `limits`. */
  limiter?: RequestLimiter;
  /** Per-client and per-IP limits; defaults to the process-wide ones. */
  limits?: PersonioLimits;
  timeoutMs?: number;
  partnerId?: string;
  appId?: string;
  /** Defaults to the process-wide cache. */
  tokenCache?: TokenCache;
  retries?: number;
  retryBackoffMs?: number;
  /** Until when a 429 is waited out in-process without counting as a try (see RetryProfile). */
  rateLimitUntil?: () => number | undefined;
}

/** A single period, whether served bare or wrapped in `_data`. */
const SinglePeriod = z.union([AttendancePeriod, z.object({ _data: AttendancePeriod }).transform((r) => r._data)]);

export type DeleteOutcome = 'deleted' | 'already-gone';

export class PersonioClient {
  private readonly http: VendorHttp;

  /** The in-process retry profile of this client's calls (a create's own retries use it too). */
  get retryProfile(): RetryProfile {
    return this.http.retryProfile;
  }

  constructor(opts: PersonioClientOptions) {
    const baseUrl = opts.baseUrl.replace(/\/+$/, '');
    const headers: Record<string, string> = {
      ...(opts.partnerId !== undefined && { 'Personio-Partner-ID': opts.partnerId }),
      ...(opts.appId !== undefined && { 'Personio-App-ID': opts.appId }),
    };
    this.http = new VendorHttp({
      vendor: 'personio',
      tenantId: opts.tenantId,
      baseUrl,
      tokenUrl: `${baseUrl}/v2/auth/token`,
      credentials: opts.credentials,
      tokenSchema: TokenResponse,
      // Keyed by host and client id: tenants sharing credentials share Personio's per-client limit.
      limiter: opts.limiter ?? (opts.limits ?? getSharedPersonioLimits()).forClient(`${baseUrl} ${opts.credentials.clientId}`),
      headers,
      ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }),
      ...(opts.tokenCache !== undefined && { tokenCache: opts.tokenCache }),
      ...(opts.retries !== undefined && { retries: opts.retries }),
      ...(opts.retryBackoffMs !== undefined && { retryBackoffMs: opts.retryBackoffMs }),
      ...(opts.rateLimitUntil !== undefined && { rateLimitUntil: opts.rateLimitUntil }),
    });
  }

  get tenantId(): string {
    return this.http.tenantId;
  }

  /** Requests per second this worker sends this tenant's Personio client now (the lower of its limits). */
  get requestRate(): number | undefined {
    return this.http.requestRate;
  }

  /** Every person matching the filters, across all pages. */
  listPersons(filters: PersonFilters = {}): AsyncGenerator<Person> {
    const spec = { method: 'GET', template: '/v2/persons' } as const;
    const valid = this.http.validateBody(spec, PersonFilters, filters);
    return this.paginate(spec, personParams(valid), PersonsList);
  }

  /**
   * One page of persons (Personio's limit: 50), for work that is paged across activities: pass
   * the previous page's `next` (the link Personio gave) to read the following page.
   */
  async listPersonsPage(filters: PersonFilters = {}, next?: string): Promise<{ persons: Person[]; next?: string }> {
    const spec = { method: 'GET', template: '/v2/persons' } as const;
    const valid = this.http.validateBody(spec, PersonFilters, filters);
    const call: CallSpec = next === undefined ? { ...spec, searchParams: personParams(valid), expect: [200] } : { ...spec, url: next, expect: [200] };
    const page = await this.http.requestJson(call, PersonsList);
    const link = page._meta?.links?.next?.href;
    return { persons: page._data, ...(link !== undefined && { next: link }) };
  }

  /** All persons with this e-mail (normally one; more means the match is ambiguous). */
  async findPersonsByEmail(email: string): Promise<Person[]> {
    const persons: Person[] = [];
    for await (const p of this.listPersons({ email })) persons.push(p);
    return persons;
  }

  /**
   * Creates one period and returns its id. Not idempotent: Personio has no idempotency key, so
   * callers reconcile (list the window) before retrying a create whose outcome is unknown.
   */
  async createAttendancePeriod(body: AttendancePeriodCreate, opts: { skipApproval: boolean } = { skipApproval: true }): Promise<string> {
    const spec = { method: 'POST', template: '/v2/attendance-periods' } as const;
    const json = this.http.validateBody(spec, AttendancePeriodCreate, body);
    const created = await this.http.requestJson(
      { ...spec, json, searchParams: new URLSearchParams({ skip_approval: String(opts.skipApproval) }), expect: [200, 201] },
      CreatedResponse,
    );
    return created.id;
  }

  /** Every period matching the filters, across all pages. */
  listAttendancePeriods(filters: AttendancePeriodFilters = {}): AsyncGenerator<AttendancePeriod> {
    const spec = { method: 'GET', template: '/v2/attendance-periods' } as const;
    const valid = this.http.validateBody(spec, AttendancePeriodFilters, filters);
    return this.paginate(spec, attendancePeriodParams(valid), AttendancePeriodsList);
  }

  getAttendancePeriod(id: string): Promise<AttendancePeriod> {
    return this.http.requestJson(
      { method: 'GET', template: '/v2/attendance-periods/{id}', path: `/v2/attendance-periods/${encodeURIComponent(id)}`, resourceId: id, expect: [200] },
      SinglePeriod,
    );
  }

  async patchAttendancePeriod(id: string, patch: AttendancePeriodPatch): Promise<void> {
    const spec = { method: 'PATCH', template: '/v2/attendance-periods/{id}', resourceId: id } as const;
    const json = this.http.validateBody(spec, AttendancePeriodPatch, patch);
    await this.http.request({ ...spec, path: `/v2/attendance-periods/${encodeURIComponent(id)}`, json, expect: [200, 204] });
  }

  /** 404 means someone (or an earlier attempt of ours) already deleted it: the goal is reached. */
  async deleteAttendancePeriod(id: string): Promise<DeleteOutcome> {
    const res = await this.http.request({
      method: 'DELETE',
      template: '/v2/attendance-periods/{id}',
      path: `/v2/attendance-periods/${encodeURIComponent(id)}`,
      resourceId: id,
      expect: [200, 204, 404],
    });
    return res.status === 404 ? 'already-gone' : 'deleted';
  }

  /** Creates one absence period and returns its id. Not idempotent, like attendance creates: reconcile before retrying. */
  async createAbsencePeriod(body: AbsencePeriodCreate, opts: { skipApproval: boolean } = { skipApproval: true }): Promise<string> {
    const spec = { method: 'POST', template: '/v2/absence-periods' } as const;
    const json = this.http.validateBody(spec, AbsencePeriodCreate, body);
    const created = await this.http.requestJson(
      { ...spec, json, searchParams: new URLSearchParams({ skip_approval: String(opts.skipApproval) }), expect: [200, 201] },
      CreatedResponse,
    );
    return created.id;
  }

  listAbsencePeriods(filters: AbsencePeriodFilters = {}): AsyncGenerator<AbsencePeriod> {
    const spec = { method: 'GET', template: '/v2/absence-periods' } as const;
    const valid = this.http.validateBody(spec, AbsencePeriodFilters, filters);
    return this.paginate(spec, absencePeriodParams(valid), AbsencePeriodsList);
  }

  /** 404 means it is gone already: the goal is reached. */
  async deleteAbsencePeriod(id: string): Promise<DeleteOutcome> {
    const res = await this.http.request({
      method: 'DELETE',
      template: '/v2/absence-periods/{id}',
      path: `/v2/absence-periods/${encodeURIComponent(id)}`,
      resourceId: id,
      expect: [200, 204, 404],
    });
    return res.status === 404 ? 'already-gone' : 'deleted';
  }

  /** Follows `_meta.links.next.href` as given (same origin only) until there is none. */
  private async *paginate<Item>(
    spec: Pick<CallSpec, 'method' | 'template'>,
    firstQuery: URLSearchParams,
    schema: z.ZodType<{ _data: Item[]; _meta?: { links?: { next?: { href: string } | undefined } | undefined } | undefined }>,
  ): AsyncGenerator<Item> {
    const seen = new Set<string>();
    let next: string | undefined;
    let first = true;
    while (first || next !== undefined) {
      const call: CallSpec = first
        ? { ...spec, searchParams: firstQuery, expect: [200] }
        : { ...spec, url: next, expect: [200] };
      first = false;
      const page = await this.http.requestJson(call, schema);
      yield* page._data;
      next = page._meta?.links?.next?.href;
      if (next !== undefined) {
        // A server handing out the same link twice would page forever.
        if (seen.has(next)) {
          throw new ResponseShapeError({ ...this.http.context(spec), status: 200, issues: ['_meta.links.next.href repeats an earlier page link'] });
        }
        seen.add(next);
      }
    }
  }
}
