/**
 * The sandbox's own rate limits as onRequest hooks: per source IP on every /v2 request
 * (shared by all tenants behind one IP, like Personio's gateway) and per OAuth client on
 * authenticated requests (per endpoint with token buckets). The per-client hook must run after
 * the bearer hook. With token buckets, each API answer carries the `x-ratelimit-*` headers of
 * whichever bucket has fewer tokens left.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authOf, isApiRequest } from './auth.js';
import { tooManyRequests } from './errors.js';
import type { BucketDecision, FixedWindowLimiter, RateStats, TokenBucketLimiter } from './rate-limit.js';
import type { PersonioSettings } from './settings.js';

export interface RateLimitDeps {
  limiter: FixedWindowLimiter;
  buckets: TokenBucketLimiter;
  stats: RateStats;
  settings: PersonioSettings;
}

/** The bucket decision whose headers went out on this request so far. */
const sent = new WeakMap<FastifyRequest, BucketDecision>();

function bucketOf(settings: PersonioSettings, limit: number): { rate: number; burst: number } {
  const rate = limit / settings.rateLimitWindowSeconds;
  return { rate, burst: Math.max(1, Math.floor(rate * settings.rateLimitBurstSeconds)) };
}

function rateLimitHeaders(d: BucketDecision): Record<string, string> {
  return {
    'x-ratelimit-limit': String(d.limit),
    'x-ratelimit-remaining': String(d.remaining),
    'x-ratelimit-reset': String(d.resetSeconds),
    'x-ratelimit-replenish-rate': String(Math.round(d.rate * 1000) / 1000),
    'x-ratelimit-burst-capacity': String(d.limit),
  };
}

/** Decides one bucket; the headers of the tighter bucket win. */
function take(deps: RateLimitDeps, request: FastifyRequest, reply: FastifyReply, key: string, limit: number): BucketDecision {
  const { rate, burst } = bucketOf(deps.settings, limit);
  const d = deps.buckets.take(key, rate, burst);
  const before = sent.get(request);
  if (deps.settings.rateLimitHeaders && (before === undefined || d.remaining <= before.remaining || !d.allowed)) {
    sent.set(request, d);
    reply.headers(rateLimitHeaders(d));
  }
  return d;
}

function refusal(deps: RateLimitDeps, detail: string, retryAfterSeconds: number) {
  return tooManyRequests(detail, deps.settings.retryAfter ? retryAfterSeconds : undefined);
}

export function perIpLimitHook(deps: RateLimitDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!isApiRequest(request)) return;
    const { settings } = deps;
    deps.stats.arrived('ip', request.ip);
    const detail = `rate limit of ${settings.rateLimitPerIp} requests per ${settings.rateLimitWindowSeconds} s for this IP exceeded`;
    if (settings.rateLimitAlgorithm === 'token-bucket') {
      const d = take(deps, request, reply, `ip:${request.ip}`, settings.rateLimitPerIp);
      if (d.allowed) return;
      deps.stats.limited('ip', request.ip);
      throw refusal(deps, detail, d.retryAfterSeconds);
    }
    const d = deps.limiter.hit(`ip:${request.ip}`, settings.rateLimitPerIp, settings.rateLimitWindowSeconds);
    if (d.allowed) return;
    deps.stats.limited('ip', request.ip);
    throw refusal(deps, detail, d.retryAfterSeconds);
  };
}

export function perClientLimitHook(deps: RateLimitDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const auth = authOf(request);
    if (!auth) return;
    const { settings } = deps;
    deps.stats.arrived('client', auth.clientId);
    if (settings.rateLimitAlgorithm === 'token-bucket') {
      const endpoint = `${request.method} ${request.routeOptions.url ?? 'unrouted'}`;
      const d = take(deps, request, reply, `client:${auth.clientId}:${endpoint}`, settings.rateLimitPerClient);
      if (d.allowed) return;
      deps.stats.limited('client', auth.clientId);
      throw refusal(deps, `rate limit of ${settings.rateLimitPerClient} requests per ${settings.rateLimitWindowSeconds} s for this API client on ${endpoint} exceeded`, d.retryAfterSeconds);
    }
    const d = deps.limiter.hit(`client:${auth.clientId}`, settings.rateLimitPerClient, settings.rateLimitWindowSeconds);
    if (d.allowed) return;
    deps.stats.limited('client', auth.clientId);
    throw refusal(deps, `rate limit of ${settings.rateLimitPerClient} requests per ${settings.rateLimitWindowSeconds} s for this API client exceeded`, d.retryAfterSeconds);
  };
}
