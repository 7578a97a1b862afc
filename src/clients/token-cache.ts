/**
 * In-memory cache of OAuth2 client-credentials access tokens, one per (vendor, token URL,
 * client id, secret fingerprint). Concurrent callers share one in-flight token request; a
 * token is refreshed when less than the refresh margin remains. Tokens never leave this module
 * except as the return value of `get`.
 */
import { createHash } from 'node:crypto';
import type { Vendor } from './errors.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenKey {
  vendor: Vendor;
  tokenUrl: string;
  credentials: ClientCredentials;
}

export interface FetchedToken {
  accessToken: string;
  expiresInSeconds: number;
}

export type TokenFetcher = () => Promise<FetchedToken>;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  refreshAt: number;
}

export interface TokenCacheOptions {
  /** Refresh this long before expiry (default 60 s; halved expiry for tokens shorter than twice that). */
  refreshMarginMs?: number;
  now?: () => number;
}

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(opts: TokenCacheOptions = {}) {
    this.refreshMarginMs = opts.refreshMarginMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** A valid access token for the key, fetching one (once, for all concurrent callers) when needed. */
  async get(key: TokenKey, fetch: TokenFetcher): Promise<string> {
    const id = cacheKey(key);
    const cached = this.tokens.get(id);
    if (cached && this.now() < cached.refreshAt) return cached.accessToken;
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.fetchAndStore(key, id, fetch);
      this.inFlight.set(id, pending);
    }
    return (await pending).accessToken;
  }

  /**
   * Drops the token after the API refused it. Only drops it if it is still the cached one, so
   * a burst of 401s on an old token does not throw away the fresh token another caller fetched.
   */
  invalidate(key: TokenKey, accessToken: string): void {
    const id = cacheKey(key);
    if (this.tokens.get(id)?.accessToken === accessToken) this.tokens.delete(id);
  }

  clear(): void {
    this.tokens.clear();
  }

  private async fetchAndStore(key: TokenKey, id: string, fetch: TokenFetcher): Promise<CachedToken> {
    try {
      const fetchedAt = this.now();
      const t = await fetch();
      const lifetimeMs = t.expiresInSeconds * 1000;
      const margin = Math.min(this.refreshMarginMs, lifetimeMs / 2);
      const token = { accessToken: t.accessToken, expiresAt: fetchedAt + lifetimeMs, refreshAt: fetchedAt + lifetimeMs - margin };
      this.forgetOtherSecrets(key);
      this.tokens.set(id, token);
      return token;
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** After a secret change, tokens of the old secret must not be used again (they are revoked). */
  private forgetOtherSecrets(key: TokenKey): void {
    const prefix = clientPrefix(key);
    for (const id of this.tokens.keys()) if (id.startsWith(`${prefix}#`)) this.tokens.delete(id);
  }
}

function clientPrefix(key: TokenKey): string {
  return JSON.stringify([key.vendor, key.tokenUrl, key.credentials.clientId]);
}

/** The secret enters the key only as a hash, so the map never holds it in the clear. */
/** A client asks with the same key object for every request: its id is hashed once (a sha256 per request showed in the worker's CPU profile). */
const keyIds = new WeakMap<TokenKey, string>();

function cacheKey(key: TokenKey): string {
  let id = keyIds.get(key);
  if (id === undefined) {
    const fingerprint = createHash('sha256').update(key.credentials.clientSecret).digest('base64url');
    id = `${clientPrefix(key)}#${fingerprint}`;
    keyIds.set(key, id);
  }
  return id;
}

let shared: TokenCache | undefined;

/** The worker process's token cache, shared by every client of every tenant. */
export function getSharedTokenCache(): TokenCache {
  shared ??= new TokenCache();
  return shared;
}
