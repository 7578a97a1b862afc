/**
 * OAuth2 client-credentials emulation shared by both sandbox servers: each tenant owns one
 * client pair; tokens expire; rotating the pair rejects the old secret and revokes every
 * token issued under it (what Personio does when a customer regenerates credentials).
 */
import { randomBytes } from 'node:crypto';
import type { Credentials } from './seed.js';

export interface TokenGrant {
  accessToken: string;
  expiresIn: number;
}

export type TokenCheck =
  | { ok: true; tenantId: string; clientId: string }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'revoked' };

interface IssuedToken {
  tenantId: string;
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

export class CredentialStore {
  private byClientId = new Map<string, { tenantId: string; secret: string }>();
  private clientOfTenant = new Map<string, string>();
  private tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly tokenTtlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Registers (or replaces) a tenant's client pair; tokens of a replaced pair are revoked. */
  register(tenantId: string, creds: Credentials): void {
    const previous = this.clientOfTenant.get(tenantId);
    if (previous) {
      this.byClientId.delete(previous);
      this.revokeTenant(tenantId);
    }
    const owner = this.byClientId.get(creds.clientId);
    if (owner && owner.tenantId !== tenantId) {
      throw new Error(`client_id ${creds.clientId} already belongs to tenant ${owner.tenantId}`);
    }
    this.byClientId.set(creds.clientId, { tenantId, secret: creds.clientSecret });
    this.clientOfTenant.set(tenantId, creds.clientId);
  }

  remove(tenantId: string): void {
    const clientId = this.clientOfTenant.get(tenantId);
    if (clientId) this.byClientId.delete(clientId);
    this.clientOfTenant.delete(tenantId);
    this.revokeTenant(tenantId);
  }

  clear(): void {
    this.byClientId.clear();
    this.clientOfTenant.clear();
    this.tokens.clear();
  }

  clientIdOf(tenantId: string): string | undefined {
    return this.clientOfTenant.get(tenantId);
  }

  /** Tenant owning a client id, whether or not the secret is right (for rate limits and faults). */
  tenantOfClient(clientId: string): string | undefined {
    return this.byClientId.get(clientId)?.tenantId;
  }

  /** Returns a grant, or undefined when the pair is unknown or the secret is wrong. */
  grant(clientId: string, clientSecret: string): TokenGrant | undefined {
    const client = this.byClientId.get(clientId);
    if (!client || client.secret !== clientSecret) return undefined;
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.set(accessToken, {
      tenantId: client.tenantId,
      clientId,
      expiresAt: this.now().getTime() + this.tokenTtlSeconds * 1000,
      revoked: false,
    });
    return { accessToken, expiresIn: this.tokenTtlSeconds };
  }

  check(authorization: string | undefined): TokenCheck {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, reason: 'missing' };
    const token = this.tokens.get(m[1]!);
    if (!token) return { ok: false, reason: 'invalid' };
    if (token.revoked) return { ok: false, reason: 'revoked' };
    if (token.expiresAt <= this.now().getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, tenantId: token.tenantId, clientId: token.clientId };
  }

  revokeToken(accessToken: string): boolean {
    const token = this.tokens.get(accessToken);
    if (!token) return false;
    token.revoked = true;
    return true;
  }

  /** New pair for the tenant; the old secret stops working and old tokens are revoked. */
  rotate(tenantId: string): Credentials {
    if (!this.clientOfTenant.has(tenantId)) throw new Error(`unknown tenant ${tenantId}`);
    const creds = {
      clientId: `${tenantId}-${randomBytes(6).toString('hex')}`,
      clientSecret: randomBytes(24).toString('base64url'),
    };
    this.register(tenantId, creds);
    return creds;
  }

  /** Makes every current token of the tenant expired, as if an hour had passed. */
  expireTenant(tenantId: string): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (t.tenantId === tenantId && !t.revoked) {
        t.expiresAt = 0;
        n++;
      }
    }
    return n;
  }

  private revokeTenant(tenantId: string): void {
    for (const t of this.tokens.values()) if (t.tenantId === tenantId) t.revoked = true;
  }
}
