import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets, REDACTED, type TenantSecrets } from '../../src/secrets/index.js';

const tenant: TenantSecrets = {
  timr: { clientId: 'timr-id-1', clientSecret: 's3cr3t/with+chars&=' },
  personio: { clientId: 'papi-id-2', clientSecret: 'personio"quoted\\secret' },
};

describe('redactSecrets', () => {
  it('removes both client secrets but keeps client ids for support', () => {
    const text = `token request for timr-id-1 failed: client_id=timr-id-1 secret ${tenant.timr.clientSecret}; personio ${tenant.personio.clientSecret}`;
    const out = redactSecrets(text, tenant);
    expect(out).not.toContain(tenant.timr.clientSecret);
    expect(out).not.toContain(tenant.personio.clientSecret);
    expect(out).toContain('timr-id-1');
  });

  it('covers URL-encoded, form-encoded and JSON-escaped spellings', () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', secret_echo: tenant.timr.clientSecret }).toString();
    const json = JSON.stringify({ echo: tenant.personio.clientSecret });
    const url = `https://x/?s=${encodeURIComponent(tenant.timr.clientSecret)}`;
    const out = redactSecrets(`${form} ${json} ${url}`, tenant);
    expect(out).not.toContain(new URLSearchParams({ v: tenant.timr.clientSecret }).toString().slice(2));
    expect(out).not.toContain(JSON.stringify(tenant.personio.clientSecret).slice(1, -1));
    expect(out).not.toContain(encodeURIComponent(tenant.timr.clientSecret));
    expect(out.split(REDACTED).length - 1).toBe(3);
  });

  it('redacts bearer tokens and OAuth token fields even when unknown', () => {
    const text = 'GET /v1/users Authorization: Bearer eyJhbGciOi.J9.abc-_x= then {"access_token":"tok123","expires_in":3599} and client_secret=zzz&x=1';
    const out = redactSecrets(text, []);
    expect(out).toBe(
      `GET /v1/users Authorization: Bearer ${REDACTED} then {"access_token":"${REDACTED}","expires_in":3599} and client_secret=${REDACTED}&x=1`,
    );
  });

  it('accepts a plain list and prefers the longest match when secrets overlap', () => {
    expect(redactSecrets('key abcdef and abc', ['abc', 'abcdef'])).toBe(`key ${REDACTED} and ${REDACTED}`);
  });

  it('treats regex metacharacters in secrets literally', () => {
    expect(redactSecrets('a.b a+b (x)', ['a.b', '(x)'])).toBe(`${REDACTED} a+b ${REDACTED}`);
  });

  it('never leaves a secret in any text that embeds it (property)', () => {
    // Alphanumeric with a digit: such a secret cannot be formed by "[redacted]" and its neighbours.
    const secretArb = fc.stringMatching(/^[A-Za-z0-9]{5,30}[0-9]$/);
    fc.assert(
      fc.property(secretArb, fc.string(), fc.string(), fc.string(), (secret, a, b, c) => {
        const out = redactSecrets(`${a}${secret}${b}${encodeURIComponent(secret)}${c}${secret}`, [secret]);
        expect(out).not.toContain(secret);
        expect(out.split(REDACTED).length - 1).toBeGreaterThanOrEqual(3);
      }),
    );
  });
});
