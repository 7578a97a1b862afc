/**
 * timr's OAuth2 client-credentials token endpoint and the bearer check in front of /v1.
 * The token decides the tenant; a request never names its tenant itself, so tenants cannot
 * see each other's data. Error bodies never echo a secret or a token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CredentialStore, TokenCheck } from '../credentials.js';
import { errorType, type ProblemSender } from './problems.js';

export const TOKEN_PATH = '/id/oauth2/token';
export const API_PREFIX = '/v1/';
export const PROTECTED_RESOURCE_PATH = '/v1/.well-known/oauth-protected-resource';
export const OPENID_CONFIGURATION_PATH = '/id/.well-known/openid-configuration';
const SUPPORTED_SCOPES = new Set(['openid', 'timrclient']);
const GRANTED_SCOPE = 'openid timrclient';

const tenantOfRequest = new WeakMap<FastifyRequest, string>();

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

interface ClientAuth {
  clientId?: string;
  clientSecret?: string;
  viaBasic: boolean;
}

function formField(body: unknown, name: string): string | string[] | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' || Array.isArray(value) ? (value as string | string[]) : undefined;
}

/** client_secret_basic (RFC 6749 §2.3.1) or client_secret_post, whichever the client used. */
function clientAuth(request: FastifyRequest): ClientAuth | 'ambiguous' {
  const header = request.headers.authorization;
  const basic = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
  const postedId = formField(request.body, 'client_id');
  if (basic) {
    if (postedId !== undefined && formField(request.body, 'client_secret') !== undefined) return 'ambiguous';
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { viaBasic: true };
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
      viaBasic: true,
    };
  }
  const secret = formField(request.body, 'client_secret');
  if (Array.isArray(postedId) || Array.isArray(secret)) return 'ambiguous';
  return { clientId: postedId, clientSecret: secret, viaBasic: false };
}

/** Tenant owning the request: from the bearer token, or on the token endpoint from the client id. */
export function requestTenant(credentials: CredentialStore, request: FastifyRequest): string | undefined {
  const known = tenantOfRequest.get(request);
  if (known !== undefined) return known;
  if ((request.url.split('?')[0] ?? '') === TOKEN_PATH) {
    const auth = clientAuth(request);
    if (auth !== 'ambiguous' && auth.clientId) return credentials.tenantOfClient(auth.clientId);
  }
  return undefined;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

export function registerTokenRoutes(app: FastifyInstance, credentials: CredentialStore): void {
  app.post(TOKEN_PATH, async (request, reply) => {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return oauthError(reply, 400, 'invalid_request', 'Token requests must be sent as application/x-www-form-urlencoded');
    }
    const grantType = formField(request.body, 'grant_type');
    if (grantType === undefined) return oauthError(reply, 400, 'invalid_request', 'grant_type is required; use grant_type=client_credentials');
    if (grantType !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', 'This client may only use grant_type=client_credentials');
    }
    const scope = formField(request.body, 'scope');
    if (scope !== undefined) {
      const unknown = String(scope).split(/\s+/).filter((s) => s && !SUPPORTED_SCOPES.has(s));
      if (Array.isArray(scope) || unknown.length > 0) {
        return oauthError(reply, 400, 'invalid_scope', `Unsupported scope ${unknown.join(' ')}; request "openid timrclient"`);
      }
    }
    const auth = clientAuth(request);
    if (auth === 'ambiguous') {
      return oauthError(reply, 400, 'invalid_request', 'Send the client credentials once: either HTTP Basic or client_id/client_secret form fields');
    }
    if (!auth.clientId || !auth.clientSecret) {
      return oauthError(reply, 401, 'invalid_client', 'client_id and client_secret are required');
    }
    const grant = credentials.grant(auth.clientId, auth.clientSecret);
    if (!grant) {
      if (auth.viaBasic) reply.header('www-authenticate', 'Basic realm="timr"');
      return oauthError(reply, 401, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret (credentials may have been regenerated)');
    }
    return reply
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send({ access_token: grant.accessToken, scope: GRANTED_SCOPE, token_type: 'Bearer', expires_in: grant.expiresIn });
  });

  app.get(OPENID_CONFIGURATION_PATH, async (request) => ({
    issuer: `${origin(request)}/id`,
    token_endpoint: `${origin(request)}${TOKEN_PATH}`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    scopes_supported: [...SUPPORTED_SCOPES],
  }));

  app.get(PROTECTED_RESOURCE_PATH, async (request) => ({
    resource: `${origin(request)}/v1`,
    authorization_servers: [`${origin(request)}/id`],
    bearer_methods_supported: ['header'],
  }));
}

const REJECTIONS: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  missing: 'No access token: send "Authorization: Bearer <access_token>" with a token from POST /id/oauth2/token',
  invalid: 'The access token is not valid; request a new one from POST /id/oauth2/token',
  expired: 'The access token has expired; request a new one from POST /id/oauth2/token',
  revoked: 'The access token was revoked because the client credentials were regenerated; request a new one with the current credentials',
};

/** Rejects every /v1 request without a live token and remembers the tenant of the others. */
export function installBearerAuth(app: FastifyInstance, credentials: CredentialStore, sendProblem: ProblemSender): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith(API_PREFIX) || path === PROTECTED_RESOURCE_PATH) return;
    const check = credentials.check(request.headers.authorization);
    if (check.ok) {
      tenantOfRequest.set(request, check.tenantId);
      return;
    }
    const detail = REJECTIONS[check.reason];
    reply.header(
      'www-authenticate',
      `Bearer error="invalid_token", error_description="${detail.replace(/"/g, "'")}", resource_metadata="${origin(request)}${PROTECTED_RESOURCE_PATH}"`,
    );
    return sendProblem(reply, { status: 401, type: errorType('unauthorized', 'invalid-token'), detail });
  });
}
