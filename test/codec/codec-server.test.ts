import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../src/codec/aes-gcm-codec.js';
import { buildCodecServer, type CodecServerOptions } from '../../src/codec/codec-server.js';
import { payloadToJson } from '../../src/codec/payload-json.js';

const UI = 'http://localhost:8233';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

describe('codec server over HTTP', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(opts: Partial<CodecServerOptions> = {}) {
    const codec = new AesGcmPayloadCodec({ activeKeyId: 'k1', keys: new Map([['k1', randomBytes(32)]]) });
    app = buildCodecServer({ codec, ...opts });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return { base, codec };
  }

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI, ...headers }, body: JSON.stringify(body) });

  it('encodes and decodes proto3-JSON payloads as the Temporal UI sends them', async () => {
    const { base, codec } = await start();
    const plain = { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('{"employee":"Anna Müller"}') }] };

    const encRes = await post(`${base}/encode`, plain);
    expect(encRes.status).toBe(200);
    expect(encRes.headers.get('access-control-allow-origin')).toBe(UI);
    const encoded = (await encRes.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(unb64(encoded.payloads[0]?.metadata.encoding)).toBe('binary/encrypted');
    expect(unb64(encoded.payloads[0]?.metadata['encryption-key-id'])).toBe('k1');
    expect(unb64(encoded.payloads[0]?.data)).not.toContain('Anna');

    const decRes = await post(`${base}/decode`, encoded);
    expect(decRes.status).toBe(200);
    expect(await decRes.json()).toEqual(plain);

    // A payload the worker encrypted (not via HTTP) decodes the same way.
    const [fromWorker] = await codec.encode([defaultPayloadConverter.toPayload({ hours: 8 })]);
    const dec2 = (await (await post(`${base}/decode`, { payloads: [payloadToJson(fromWorker!)] })).json()) as { payloads: { data: string }[] };
    expect(JSON.parse(unb64(dec2.payloads[0]?.data))).toEqual({ hours: 8 });
  });

  it('answers the CORS preflight for the UI origin and refuses other origins', async () => {
    const { base } = await start();
    const preflight = (origin: string) =>
      fetch(`${base}/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
      });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');

    const evil = await preflight('https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('honours configured origins', async () => {
    const { base } = await start({ corsOrigins: ['https://temporal.example.com'] });
    const res = await post(`${base}/encode`, { payloads: [] }, { origin: 'https://temporal.example.com' });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://temporal.example.com');
    const other = await post(`${base}/encode`, { payloads: [] }, { origin: UI });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('requires the bearer token when configured, but not for the preflight', async () => {
    const { base } = await start({ authToken: 'codec-TOKEN-123' });
    const body = { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('1') }] };
    const none = await post(`${base}/decode`, body);
    expect(none.status).toBe(401);
    // The browser must be able to read the 401, so CORS headers are present on it too.
    expect(none.headers.get('access-control-allow-origin')).toBe(UI);
    const wrong = await post(`${base}/decode`, body, { authorization: 'Bearer codec-TOKEN-124' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('codec-TOKEN-123');
    const right = await post(`${base}/decode`, body, { authorization: 'Bearer codec-TOKEN-123' });
    expect(right.status).toBe(200);

    const preflight = await fetch(`${base}/decode`, { method: 'OPTIONS', headers: { origin: UI, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
  });

  it('takes the token as the password of HTTP Basic credentials, as a browser sends them for the Temporal UI', async () => {
    // The UI cannot add an Authorization header to its codec requests; with
    // TEMPORAL_CODEC_INCLUDE_CREDENTIALS it sends the Basic credentials the browser holds for the
    // codec server's origin. The user name is ignored.
    const { base } = await start({ authToken: 'codec-TOKEN-123' });
    const body = { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('1') }] };
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

    const right = await post(`${base}/decode`, body, { authorization: basic('support', 'codec-TOKEN-123') });
    expect(right.status).toBe(200);
    expect(right.headers.get('access-control-allow-credentials')).toBe('true');
    expect((await post(`${base}/decode`, body, { authorization: basic('', 'codec-TOKEN-123') })).status).toBe(200);

    const wrong = await post(`${base}/decode`, body, { authorization: basic('support', 'codec-TOKEN-124') });
    expect(wrong.status).toBe(401);
    // The token as the user name (no password) is not accepted either.
    expect((await post(`${base}/decode`, body, { authorization: basic('codec-TOKEN-123', '') })).status).toBe(401);
    expect((await post(`${base}/decode`, body, { authorization: 'Basic not-base64-at-all!' })).status).toBe(401);
    // API calls are not challenged with Basic: a browser would hold the UI's request open behind
    // a login dialog. Credentials come from the sign-in page (next test), sent preemptively.
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="timr-sync codec server"');
  });

  it('has a sign-in page at / that asks a browser for the token (Basic) and confirms it', async () => {
    const { base } = await start({ authToken: 'codec-TOKEN-123' });
    const anonymous = await fetch(`${base}/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/Basic realm=/);
    const signedIn = await fetch(`${base}/`, { headers: { authorization: `Basic ${Buffer.from('me:codec-TOKEN-123').toString('base64')}` } });
    expect(signedIn.status).toBe(200);
    const text = await signedIn.text();
    expect(text).toContain('Temporal UI');
    expect(text).not.toContain('codec-TOKEN-123');
    // Without a configured token the page says so instead of pretending to authorise anyone.
    await app?.close();
    const open = await start();
    const res = await fetch(`${open.base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/without an auth token/i);
  });

  it('restricts namespaces when configured', async () => {
    const { base } = await start({ namespaces: ['prod'] });
    expect((await post(`${base}/encode`, { payloads: [] }, { 'x-namespace': 'default' })).status).toBe(403);
    expect((await post(`${base}/encode`, { payloads: [] }, { 'x-namespace': 'prod' })).status).toBe(200);
  });

  it('answers an empty payload list, as the Temporal CLI sends it for a query without input (`{}`) or with no body at all', async () => {
    const { base } = await start();
    // `temporal workflow query --codec-endpoint …` POSTs proto3 JSON of an empty Payloads message: "{}".
    for (const op of ['encode', 'decode']) {
      const res = await fetch(`${base}/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default' }, body: '{}' });
      expect(res.status, op).toBe(200);
      expect(await res.json()).toEqual({ payloads: [] });
      const empty = await fetch(`${base}/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default' }, body: '' });
      expect(empty.status, `${op}, empty body`).toBe(200);
      expect(await empty.json()).toEqual({ payloads: [] });
      const untyped = await fetch(`${base}/${op}`, { method: 'POST', headers: { 'x-namespace': 'default' } });
      expect(untyped.status, `${op}, no body, no content type`).toBe(200);
    }
  });

  it('explains a malformed body (400) and an undecryptable payload (422)', async () => {
    const { base } = await start();
    const bad = await post(`${base}/decode`, { payload: [] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('payloads');

    const foreign = await new AesGcmPayloadCodec({ activeKeyId: 'other', keys: new Map([['other', randomBytes(32)]]) }).encode([
      defaultPayloadConverter.toPayload('x'),
    ]);
    const res = await post(`${base}/decode`, { payloads: [payloadToJson(foreign[0]!)] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toContain('"other"');
  });
});
