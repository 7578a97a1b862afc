/**
 * A listening timr sandbox with small HTTP helpers, for tests and scripts that want to talk
 * to it over real HTTP on loopback without a full sync stack.
 */
import type { Credentials, Seed } from '../seed.js';
import { createTimrSandbox, type TimrSandbox, type TimrSandboxOptions } from './server.js';

export interface RunningTimrSandbox extends TimrSandbox {
  /** e.g. http://127.0.0.1:41234 — the API is under /v1, the token endpoint under /id. */
  origin: string;
  /** Loads a seed through the control API (replaces the listed tenants). */
  seed(seed: Seed): Promise<void>;
  /** Regenerates the tenant's client pair (old pair and its tokens stop working) and returns it. */
  rotate(tenantId: string): Promise<Credentials>;
  /** A fresh access token for the tenant's current credentials. */
  token(tenantId: string): Promise<string>;
  /** A request to the server; `auth` is a tenant id (a token is fetched) or a raw token. */
  call(method: string, path: string, opts?: { auth?: { tenant: string } | { token: string }; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTimrSandbox(opts: TimrSandboxOptions = {}): Promise<RunningTimrSandbox> {
  const sandbox = createTimrSandbox(opts);
  await sandbox.app.listen({ host: '127.0.0.1', port: 0 });
  const address = sandbox.app.server.address();
  if (!address || typeof address === 'string') throw new Error('timr sandbox has no TCP address');
  const origin = `http://127.0.0.1:${address.port}`;

  // Secrets the harness handed to the server, so it can ask for tokens like a client would.
  const known = new Map<string, Credentials>();

  const token = async (tenantId: string): Promise<string> => {
    const creds = known.get(tenantId);
    if (!creds) throw new Error(`timr harness has no credentials for tenant ${tenantId}; seed it through the harness first`);
    const res = await fetch(`${origin}/id/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: creds.clientId, client_secret: creds.clientSecret, grant_type: 'client_credentials', scope: 'openid timrclient' }),
    });
    if (!res.ok) throw new Error(`token request for tenant ${tenantId} failed with HTTP ${res.status}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  return {
    ...sandbox,
    origin,
    async seed(seed) {
      const res = await fetch(`${origin}/_sandbox/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
      if (!res.ok) throw new Error(`seeding the timr sandbox failed with HTTP ${res.status}: ${await res.text()}`);
      for (const t of seed.tenants) known.set(t.id, { clientId: t.timr.clientId, clientSecret: t.timr.clientSecret });
    },
    async rotate(tenantId) {
      const res = await fetch(`${origin}/_sandbox/tenants/${encodeURIComponent(tenantId)}/rotate-credentials`, { method: 'POST' });
      if (!res.ok) throw new Error(`rotating credentials of tenant ${tenantId} failed with HTTP ${res.status}`);
      const creds = (await res.json()) as Credentials;
      known.set(tenantId, creds);
      return creds;
    },
    token,
    async call(method, path, callOpts = {}) {
      const headers: Record<string, string> = { ...callOpts.headers };
      if (callOpts.auth) headers.authorization = `Bearer ${'token' in callOpts.auth ? callOpts.auth.token : await token(callOpts.auth.tenant)}`;
      if (callOpts.body !== undefined) headers['content-type'] ??= 'application/json';
      return fetch(`${origin}${path}`, {
        method,
        headers,
        body: callOpts.body === undefined ? undefined : typeof callOpts.body === 'string' ? callOpts.body : JSON.stringify(callOpts.body),
        redirect: 'manual',
      });
    },
    close: () => sandbox.app.close(),
  };
}
