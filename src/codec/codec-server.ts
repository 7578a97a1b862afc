/**
 * HTTP codec server for the Temporal UI ("Codec Server" endpoint setting) and
 * `temporal --codec-endpoint`: POST /encode and /decode with `{payloads: [...]}` in proto3
 * JSON. The browser calls it cross-origin, so CORS is answered for the configured UI
 * origins only; a bearer token (when configured) limits decryption to authorised users.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { payloadFromJson, payloadToJson, PayloadsRequest } from './payload-json.js';

export const DEFAULT_UI_ORIGIN = 'http://localhost:8233';
// Temporal payloads are capped at 2 MB each by default and the UI batches a page of events.
const BODY_LIMIT_BYTES = 32 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Browser origins allowed to call the server (exact match). Default: the dev server's UI. */
  corsOrigins?: readonly string[];
  /** When set, requests need `Authorization: Bearer <token>`. */
  authToken?: string;
  /** When set, only these namespaces (X-Namespace header) are served. */
  namespaces?: readonly string[];
  logger?: FastifyServerOptions['logger'];
}

export function buildCodecServer(opts: CodecServerOptions): FastifyInstance {
  const origins = new Set(opts.corsOrigins ?? [DEFAULT_UI_ORIGIN]);
  const namespaces = opts.namespaces ? new Set(opts.namespaces) : undefined;
  const tokenDigest = opts.authToken ? sha256(opts.authToken) : undefined;
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: BODY_LIMIT_BYTES });

  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      reply.header('Access-Control-Allow-Origin', origin);
      // The UI can be configured to send cookies/credentials along with codec requests.
      reply.header('Access-Control-Allow-Credentials', 'true');
    }
    reply.header('Vary', 'Origin');
    if (req.method === 'OPTIONS') return;
    if (req.url === '/health') return;
    // Runs before the body is parsed, so unauthorised callers cannot make us decrypt or buffer anything.
    if (tokenDigest && !bearerMatches(req, tokenDigest)) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="timr-sync codec server"')
        .send({ error: 'Missing or wrong bearer token. Send Authorization: Bearer <TIMR_SYNC_CODEC_AUTH_TOKEN>.' });
    }
  });

  // Preflight: the UI sends Content-Type: application/json plus X-Namespace (and Authorization).
  app.options('/*', async (req, reply) => {
    const origin = req.headers.origin;
    if (!origin || !origins.has(origin)) {
      return reply.code(403).send({ error: `Origin ${origin ?? '(none)'} is not allowed; add it with --cors-origin or TIMR_SYNC_CODEC_CORS_ORIGINS.` });
    }
    return reply
      .code(204)
      .header('Access-Control-Allow-Methods', 'POST, OPTIONS')
      .header('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization')
      .header('Access-Control-Max-Age', '600')
      .send();
  });

  app.get('/health', async () => ({ ok: true }));

  const handle = (op: 'encode' | 'decode') => async (req: FastifyRequest, reply: FastifyReply) => {
    const namespace = headerValue(req, 'x-namespace');
    if (namespaces && (!namespace || !namespaces.has(namespace))) {
      return reply.code(403).send({ error: `Namespace ${namespace ?? '(missing X-Namespace header)'} is not served by this codec server.` });
    }
    const parsed = PayloadsRequest.safeParse(req.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      return reply.code(400).send({ error: `Expected {"payloads": [{"metadata": {...base64}, "data": "<base64>"}]} as JSON (${problems}).` });
    }
    const input = parsed.data.payloads.map(payloadFromJson);
    try {
      const output = op === 'encode' ? await opts.codec.encode(input) : await opts.codec.decode(input);
      return { payloads: output.map(payloadToJson) };
    } catch (err) {
      req.log.warn({ namespace, op }, 'codec failed');
      return reply.code(422).send({ error: err instanceof Error ? err.message : String(err) });
    }
  };
  app.post('/encode', handle('encode'));
  app.post('/decode', handle('decode'));

  return app;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function bearerMatches(req: FastifyRequest, expectedDigest: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(req, 'authorization') ?? '');
  // Comparing digests keeps the comparison constant-time regardless of the token's length.
  return m?.[1] !== undefined && timingSafeEqual(sha256(m[1]), expectedDigest);
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
