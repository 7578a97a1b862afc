/**
 * Typed failures of the vendor clients: the one error taxonomy. Each class declares, in one
 * place (`KINDS` below), its Temporal failure type, whether retrying can help, and what it
 * concerns — the call (try again), one entry (the batch goes on without it) or the tenant
 * (nothing can continue until someone acts). The retry layer, the activity failure mapping and
 * the per-entry refusals all read that declaration. Fields and messages carry only what support
 * needs to act — vendor, tenant, endpoint template, status, vendor messages — and never tokens,
 * secrets, query strings or request bodies.
 */
import { FailureType } from './failure-types.js';

export type Vendor = 'timr' | 'personio';

const VENDOR_NAME: Record<Vendor, string> = { timr: 'timr', personio: 'Personio' };

export function vendorName(vendor: Vendor): string {
  return VENDOR_NAME[vendor];
}

/** Where a failure happened. `endpoint` is "METHOD /path/{template}", never a concrete URL. */
export interface RequestContext {
  vendor: Vendor;
  tenantId: string;
  endpoint: string;
  /** The entry/period/person the request addressed, when it addressed one. */
  resourceId?: string;
}

export interface FailureInfo extends RequestContext {
  status?: number;
  /** Vendor trace id (timr `trace_id`, Personio `personio_trace_id`) for support tickets. */
  traceId?: string;
}

function where(ctx: RequestContext): string {
  const resource = ctx.resourceId !== undefined ? ` (id ${ctx.resourceId})` : '';
  return `${vendorName(ctx.vendor)} ${ctx.endpoint}${resource} for tenant "${ctx.tenantId}"`;
}

export interface ErrorKind {
  failureType: FailureType;
  retryable: boolean;
  scope: 'call' | 'entry' | 'tenant';
}

export const KINDS = {
  /** 5xx, network errors, timeouts. */
  TransientError: { failureType: FailureType.Transient, retryable: true, scope: 'call' },
  /** 429: after Retry-After when given. */
  RateLimitedError: { failureType: FailureType.RateLimited, retryable: true, scope: 'call' },
  /** Credentials refused: the tenant needs new ones. */
  AuthRejectedError: { failureType: FailureType.AuthRejected, retryable: false, scope: 'tenant' },
  /** The vendor refused this entry's data; sending it again changes nothing. */
  ValidationRejectedError: { failureType: FailureType.ValidationRejected, retryable: false, scope: 'entry' },
  ConflictError: { failureType: FailureType.Conflict, retryable: false, scope: 'entry' },
  NotFoundError: { failureType: FailureType.NotFound, retryable: false, scope: 'entry' },
  RedirectedToRequestError: { failureType: FailureType.RedirectedToRequest, retryable: false, scope: 'entry' },
  /**
   * An unreadable answer: garbled on the way, or the API changed. Retryable — a garbled answer
   * to a write says nothing about whether it took effect, and the retry reads the state again.
   */
  ResponseShapeError: { failureType: FailureType.ResponseShape, retryable: true, scope: 'call' },
} as const satisfies Record<string, ErrorKind>;

export abstract class VendorError extends Error {
  /** Failure type, retryability and scope of this class (see KINDS). */
  abstract readonly kind: ErrorKind;
  readonly vendor: Vendor;
  readonly tenantId: string;
  readonly endpoint: string;
  readonly resourceId: string | undefined;
  readonly status: number | undefined;
  readonly traceId: string | undefined;

  protected constructor(info: FailureInfo, message: string) {
    super(message);
    this.name = new.target.name;
    this.vendor = info.vendor;
    this.tenantId = info.tenantId;
    this.endpoint = info.endpoint;
    this.resourceId = info.resourceId;
    this.status = info.status;
    this.traceId = info.traceId;
  }

  /** Plain, secret-free summary for ApplicationFailure details and logs. */
  toDetails(): Record<string, unknown> {
    return {
      vendor: this.vendor,
      tenantId: this.tenantId,
      endpoint: this.endpoint,
      ...(this.resourceId !== undefined && { resourceId: this.resourceId }),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.traceId !== undefined && { traceId: this.traceId }),
    };
  }
}

/** 5xx, 408, network errors (ECONNRESET, socket hang up, refused) and timeouts. */
export class TransientError extends VendorError {
  readonly kind = KINDS.TransientError;
  /** Node/got error code for network failures, e.g. ECONNRESET or ETIMEDOUT. */
  readonly code: string | undefined;

  constructor(info: FailureInfo & { code?: string }) {
    const cause = info.status !== undefined ? `HTTP ${info.status}` : `network error ${info.code ?? 'unknown'}`;
    super(info, `${where(info)} failed transiently (${cause}); the call can be retried.`);
    this.code = info.code;
  }
}

export class RateLimitedError extends VendorError {
  readonly kind = KINDS.RateLimitedError;
  /** How long the vendor asked us to wait, when it said (Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(info: FailureInfo & { retryAfterMs?: number }) {
    const wait = info.retryAfterMs !== undefined ? `retry after ${Math.ceil(info.retryAfterMs / 1000)} s` : 'no Retry-After given';
    super({ ...info, status: info.status ?? 429 }, `${where(info)} was rate limited (HTTP 429, ${wait}).`);
    this.retryAfterMs = info.retryAfterMs;
  }
}

export class AuthRejectedError extends VendorError {
  readonly kind = KINDS.AuthRejectedError;
  /** `token-endpoint`: the client credentials were refused; `api`: 401/403 persisted after a fresh token. */
  readonly rejectedAt: 'token-endpoint' | 'api';

  constructor(info: FailureInfo & { rejectedAt: 'token-endpoint' | 'api' }) {
    const what =
      info.rejectedAt === 'token-endpoint'
        ? `${vendorName(info.vendor)} rejected the client credentials of tenant "${info.tenantId}"`
        : `${vendorName(info.vendor)} kept refusing access for tenant "${info.tenantId}" after a fresh token`;
    const status = info.status !== undefined ? `HTTP ${info.status} at ` : '';
    // A lasting 403 from the API usually means the credentials lack a permission, not that they are stale.
    const permission =
      info.rejectedAt === 'api' && info.status === 403
        ? ` If the credentials are current, grant them access to ${info.endpoint} in ${vendorName(info.vendor)}.`
        : '';
    super(
      info,
      `${what} (${status}${info.endpoint}). Store new ${vendorName(info.vendor)} credentials for tenant "${info.tenantId}", then resume.${permission}`,
    );
    this.rejectedAt = info.rejectedAt;
  }
}

/**
 * The vendor refused the request's content (400/422, or any other 4xx we have no better class
 * for). Also raised before sending when our own request body fails its schema.
 */
export class ValidationRejectedError extends VendorError {
  readonly kind = KINDS.ValidationRejectedError;
  /** The vendor's own messages (Personio `title: detail`, timr `detail` and `field: detail`). */
  readonly messages: string[];

  constructor(info: FailureInfo & { messages: string[] }) {
    const status = info.status !== undefined ? `HTTP ${info.status}` : 'before sending';
    const text = info.messages.length > 0 ? info.messages.join('; ') : 'no message given';
    super(info, `${where(info)} was rejected (${status}): ${text}`);
    this.messages = info.messages;
  }

  override toDetails(): Record<string, unknown> {
    return { ...super.toDetails(), messages: this.messages };
  }
}

/** timr 409 (conflict/resource-outdated): the entry was edited between our read and our write. */
export class ConflictError extends VendorError {
  readonly kind = KINDS.ConflictError;
  readonly problemType: string | undefined;
  readonly messages: string[];

  constructor(info: FailureInfo & { problemType?: string; messages?: string[] }) {
    const text = info.messages && info.messages.length > 0 ? `: ${info.messages.join('; ')}` : '';
    super(
      { ...info, status: info.status ?? 409 },
      `${where(info)} conflicts with a newer version (HTTP 409${info.problemType ? `, ${info.problemType}` : ''})${text}. Read it again before writing.`,
    );
    this.problemType = info.problemType;
    this.messages = info.messages ?? [];
  }

  override toDetails(): Record<string, unknown> {
    return { ...super.toDetails(), problemType: this.problemType, messages: this.messages };
  }
}

export class NotFoundError extends VendorError {
  readonly kind = KINDS.NotFoundError;
  constructor(info: FailureInfo) {
    super({ ...info, status: info.status ?? 404 }, `${where(info)} found nothing (HTTP ${info.status ?? 404}).`);
  }
}

/** timr 302 on PATCH: the type is recorded "by request", so a Working Time Request was created instead. */
export class RedirectedToRequestError extends VendorError {
  readonly kind = KINDS.RedirectedToRequestError;
  /** The created Working Time Request (timr's Location header). */
  readonly location: string | undefined;

  constructor(info: FailureInfo & { location?: string }) {
    super(
      { ...info, status: info.status ?? 302 },
      `${where(info)} was not applied: the working time type requires a request, and timr created a Working Time Request instead${
        info.location ? ` (${info.location})` : ''
      }. Use a working time type that is not "by request", or approve the request in timr.`,
    );
    this.location = info.location;
  }

  override toDetails(): Record<string, unknown> {
    return { ...super.toDetails(), location: this.location };
  }
}

/** A response we cannot read: not JSON, or not the documented shape. The vendor changed something. */
export class ResponseShapeError extends VendorError {
  readonly kind = KINDS.ResponseShapeError;
  /** Offending fields with what was wrong, e.g. "data.3.start: RFC 3339 date-time with offset". */
  readonly issues: string[];

  constructor(info: FailureInfo & { issues: string[] }) {
    super(info, `${where(info)} answered in an unexpected shape (HTTP ${info.status ?? '?'}): ${info.issues.join('; ')}`);
    this.issues = info.issues;
  }

  override toDetails(): Record<string, unknown> {
    return { ...super.toDetails(), issues: this.issues };
  }
}
