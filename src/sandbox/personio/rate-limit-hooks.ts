/**
 * The sandbox's own rate limits as onRequest hooks: per source IP on every /v2 request
 * (shared by all tenants behind one IP, like Personio's gateway) and per OAuth client on
 * authenticated requests. The per-client hook must run after the bearer hook.
 */
import type { FastifyRequest } from 'fastify';
import { authOf, isApiRequest } from './auth.js';
import { tooManyRequests } from './errors.js';
import type { FixedWindowLimiter } from './rate-limit.js';
import type { PersonioSettings } from './settings.js';

export interface RateLimitDeps {
  limiter: FixedWindowLimiter;
  settings: PersonioSettings;
}

export function perIpLimitHook(deps: RateLimitDeps) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!isApiRequest(request)) return;
    const { settings } = deps;
    const d = deps.limiter.hit(`ip:${request.ip}`, settings.rateLimitPerIp, settings.rateLimitWindowSeconds);
    if (!d.allowed) {
      throw tooManyRequests(
        `rate limit of ${settings.rateLimitPerIp} requests per ${settings.rateLimitWindowSeconds} s for this IP exceeded`,
        settings.retryAfter ? d.retryAfterSeconds : undefined,
      );
    }
  };
}

export function perClientLimitHook(deps: RateLimitDeps) {
  return async (request: FastifyRequest): Promise<void> => {
    const auth = authOf(request);
    if (!auth) return;
    const { settings } = deps;
    const d = deps.limiter.hit(`client:${auth.clientId}`, settings.rateLimitPerClient, settings.rateLimitWindowSeconds);
    if (!d.allowed) {
      throw tooManyRequests(
        `rate limit of ${settings.rateLimitPerClient} requests per ${settings.rateLimitWindowSeconds} s for this API client exceeded`,
        settings.retryAfter ? d.retryAfterSeconds : undefined,
      );
    }
  };
}
