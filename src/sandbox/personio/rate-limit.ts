/**
 * Request limits of the Personio sandbox. Two algorithms, chosen by a setting:
 *
 *  - token bucket (the default, what a third-party probe saw at Personio: per-endpoint buckets
 *    with `x-ratelimit-*` headers): a bucket holds up to `burst` tokens and refills at `rate`
 *    per second; a request takes one, a refused one takes none. Retry-After is the time to the
 *    next whole token.
 *  - fixed window (v1's documented "2,000 requests per minute"): windows aligned to the epoch,
 *    so Retry-After is the time to the next boundary, the way gateway counters behave.
 *
 * `RateStats` counts what arrived per key (refusals too) and the most requests seen in any one
 * second: the tests' oracle for "never above the limit", independent of the product's limiter.
 */
export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** What a token bucket tells the caller, for the `x-ratelimit-*` headers. */
export interface BucketDecision {
  allowed: boolean;
  /** Capacity of the bucket. */
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again (0 when full). */
  resetSeconds: number;
  /** Seconds until the next whole token, at least 1 (for Retry-After on a refusal). */
  retryAfterSeconds: number;
  /** Tokens added per second. */
  rate: number;
}

interface Window {
  start: number;
  count: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class FixedWindowLimiter {
  private windows = new Map<string, Window>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Counts one request for `key` and says whether it is within `limit` for the current window. */
  hit(key: string, limit: number, windowSeconds: number): LimitDecision {
    const t = this.now().getTime();
    const size = windowSeconds * 1000;
    const start = Math.floor(t / size) * size;
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      if (this.windows.size > 10_000) this.prune(start);
      w = { start, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((start + size - t) / 1000)) };
  }

  reset(): void {
    this.windows.clear();
  }

  private prune(currentStart: number): void {
    for (const [key, w] of this.windows) if (w.start !== currentStart) this.windows.delete(key);
  }
}

export class TokenBucketLimiter {
  private buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Takes one token from `key`'s bucket when there is one. */
  take(key: string, rate: number, burst: number): BucketDecision {
    const t = this.now().getTime();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 10_000) this.buckets.clear();
      b = { tokens: burst, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + (Math.max(0, t - b.at) * rate) / 1000);
    b.at = t;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    return {
      allowed,
      limit: burst,
      remaining: Math.floor(b.tokens),
      resetSeconds: Math.ceil((burst - b.tokens) / rate),
      retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / rate)),
      rate,
    };
  }

  reset(): void {
    this.buckets.clear();
  }
}

export interface KeyStats {
  /** API requests that arrived (refused ones included). */
  requests: number;
  /** Of those, refused with 429 by the sandbox's limits (injected faults not counted). */
  limited: number;
  /** The most requests that arrived within any 1,000 ms. */
  maxPerSecond: number;
}

export interface RateStatsView {
  ip: Record<string, KeyStats>;
  client: Record<string, KeyStats>;
}

interface Tracked extends KeyStats {
  /** Arrival times of the last second, oldest first. */
  recent: number[];
}

export class RateStats {
  private readonly byKind = { ip: new Map<string, Tracked>(), client: new Map<string, Tracked>() };

  constructor(private readonly now: () => Date = () => new Date()) {}

  arrived(kind: 'ip' | 'client', key: string): void {
    const t = this.now().getTime();
    const s = this.tracked(kind, key);
    s.requests++;
    s.recent.push(t);
    let drop = 0;
    while (drop < s.recent.length && (s.recent[drop] as number) <= t - 1000) drop++;
    if (drop > 0) s.recent.splice(0, drop);
    s.maxPerSecond = Math.max(s.maxPerSecond, s.recent.length);
  }

  limited(kind: 'ip' | 'client', key: string): void {
    this.tracked(kind, key).limited++;
  }

  view(): RateStatsView {
    const plain = (m: Map<string, Tracked>) =>
      Object.fromEntries([...m].map(([k, s]) => [k, { requests: s.requests, limited: s.limited, maxPerSecond: s.maxPerSecond }]));
    return { ip: plain(this.byKind.ip), client: plain(this.byKind.client) };
  }

  reset(): void {
    this.byKind.ip.clear();
    this.byKind.client.clear();
  }

  private tracked(kind: 'ip' | 'client', key: string): Tracked {
    let s = this.byKind[kind].get(key);
    if (!s) {
      s = { requests: 0, limited: 0, maxPerSecond: 0, recent: [] };
      this.byKind[kind].set(key, s);
    }
    return s;
  }
}
