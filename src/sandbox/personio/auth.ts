/**
 * Personio v2 OAuth: the token and revoke endpoints, and the bearer check every other /v2
 * route needs. The token decides the tenant; handlers read it with `authOf`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CredentialStore } from '../credentials.js';
import { PersonioApiError, badRequest, genericError, tooManyRequests, unauthorized } from './errors.js';
import type { FixedWindowLimiter } from './rate-limit.js';
import type { PersonioSettings } from './settings.js';

export interface AuthContext {
  tenantId: string;
  clientId: string;
}

const contexts = new WeakMap<FastifyRequest, AuthContext>();

export const TOKEN_PATH = '/v2/auth/token';
export const REVOKE_PATH = '/v2/auth/revoke';

function pathOf(request: FastifyRequest): string {
  return request.url.split('?', 1)[0] ?? '';
}

export function isApiRequest(request: FastifyRequest): boolean {
  return pathOf(request).startsWith('/v2/');
}

function isAuthEndpoint(request: FastifyRequest): boolean {
  return pathOf(request).startsWith('/v2/auth/');
}

export function authOf(request: FastifyRequest): AuthContext | undefined {
  return contexts.get(request);
}

/** For handlers behind the bearer hook: the hook guarantees the context exists. */
export function requireAuth(request: FastifyRequest): AuthContext {
  const ctx = contexts.get(request);
  if (!ctx) throw unauthorized('an access token is required: send Authorization: Bearer <token>');
  return ctx;
}

const FormBody = z.record(z.string(), z.unknown());

function formField(request: FastifyRequest, name: string): string | undefined {
  const parsed = FormBody.safeParse(request.body);
  const value = parsed.success ? parsed.data[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Tenant owning the client_id a token request names, so faults and logs can scope it. */
export function tenantOfTokenRequest(request: FastifyRequest, credentials: CredentialStore): string | undefined {
  if (pathOf(request) !== TOKEN_PATH) return undefined;
  const clientId = formField(request, 'client_id');
  return clientId ? credentials.tenantOfClient(clientId) : undefined;
}

function requireForm(request: FastifyRequest): void {
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new PersonioApiError(415, [genericError(415, `send the body form-encoded (application/x-www-form-urlencoded), not "${type || 'no content type'}"`)]);
  }
}

export interface AuthDeps {
  credentials: CredentialStore;
  limiter: FixedWindowLimiter;
  settings: PersonioSettings;
}

export function registerAuthRoutes(app: FastifyInstance, deps: AuthDeps): void {
  app.post(TOKEN_PATH, async (request) => {
    requireForm(request);
    const clientId = formField(request, 'client_id');
    if (clientId) {
      const decision = deps.limiter.hit(`auth:${clientId}`, deps.settings.authRateLimitPerClient, deps.settings.rateLimitWindowSeconds);
      if (!decision.allowed) {
        throw tooManyRequests(
          `too many token requests for this client_id (limit ${deps.settings.authRateLimitPerClient} per ${deps.settings.rateLimitWindowSeconds} s); reuse tokens until they expire`,
          deps.settings.retryAfter ? decision.retryAfterSeconds : undefined,
        );
      }
    }
    const grantType = formField(request, 'grant_type');
    if (grantType !== 'client_credentials') {
      throw badRequest(`grant_type must be "client_credentials", got ${grantType === undefined ? 'nothing' : `"${grantType}"`}`, 'grant_type');
    }
    const clientSecret = formField(request, 'client_secret');
    if (!clientId) throw badRequest('client_id is required', 'client_id');
    if (!clientSecret) throw badRequest('client_secret is required', 'client_secret');
    const grant = deps.credentials.grant(clientId, clientSecret);
    if (!grant) {
      throw unauthorized('client_id and client_secret do not match valid credentials; they may have been regenerated in Personio');
    }
    return { access_token: grant.accessToken, token_type: 'Bearer', expires_in: grant.expiresIn };
  });

  app.post(REVOKE_PATH, async (request, reply) => {
    requireForm(request);
    const token = formField(request, 'token');
    if (!token) throw badRequest('token is required', 'token');
    // Like RFC 7009: revoking an unknown or already revoked token still answers 200.
    deps.credentials.revokeToken(token);
    return reply.code(200).send();
  });
}

const REJECTIONS = {
  missing: 'an access token is required: send Authorization: Bearer <token>',
  invalid: 'the access token is not valid; request a new one at POST /v2/auth/token',
  expired: 'the access token has expired; request a new one at POST /v2/auth/token',
  revoked: 'the access token was revoked (token revoked or credentials regenerated); request a new one with current credentials',
} as const;

/** onRequest hook: every /v2 route but the auth endpoints needs a live bearer token. */
export function bearerAuthHook(credentials: CredentialStore) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!isApiRequest(request) || isAuthEndpoint(request)) return;
    const check = credentials.check(request.headers.authorization);
    if (!check.ok) throw unauthorized(REJECTIONS[check.reason]);
    contexts.set(request, { tenantId: check.tenantId, clientId: check.clientId });
  };
}
