/**
 * HTTP codec server for the Temporal UI ("Codec Server" endpoint setting) and
 * `temporal --codec-endpoint`: POST /encode and /decode with `{payloads: [...]}` in proto3
 * JSON. The browser calls it cross-origin, so CORS is answered for the configured UI
 * origins only; a token (when configured) limits decryption to authorised users.
 *
 * The token comes as `Authorization: Bearer <token>` (the Temporal CLI's --codec-auth) or as the
 * password of HTTP Basic credentials: the UI cannot add a header of its own to codec requests,
 * but with TEMPORAL_CODEC_INCLUDE_CREDENTIALS the browser sends the Basic credentials a user
 * entered once at this server's sign-in page (GET /).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { payloadFromJson, payloadToJson, PayloadsRequest } from './payload-json.js';

export const DEFAULT_UI_ORIGIN = 'http://localhost:8233';
// Temporal payloads are capped at 2 MB each by default and the UI batches a page of events.
const BODY_LIMIT_BYTES = 32 * 1024 * 1024;
const REALM = 'timr-sync codec server';

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

  // An empty body is an empty Payloads message (proto3), not a malformed request.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(Object.assign(err as Error, { statusCode: 400 }), undefined);
    }
  });

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
    if (tokenDigest && !tokenMatches(req, tokenDigest)) {
      // Only the sign-in page challenges with Basic, which makes a browser ask for the token (user
      // name: anything, password: the token). Offered on the UI's decode calls, the challenge
      // would hold each of them open behind a browser dialog instead of failing fast.
      const signIn = req.method === 'GET' && req.url === '/';
      return reply
        .code(401)
        .header('WWW-Authenticate', signIn ? `Basic realm="${REALM}", charset="UTF-8"` : `Bearer realm="${REALM}"`)
        .send({
          error: 'Missing or wrong token. Send Authorization: Bearer <TIMR_SYNC_CODEC_AUTH_TOKEN>, or sign in at / with the token as password.',
        });
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

  // The sign-in page: reaching it means the browser now holds credentials the UI's requests carry.
  app.get('/', async (_req, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .send(
        tokenDigest
          ? `Signed in to the timr-sync codec server. The Temporal UI (${[...origins].join(', ')}) can now decode payloads in this browser, if it runs with TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true.\n`
          : 'This codec server runs without an auth token (TIMR_SYNC_CODEC_AUTH_TOKEN): anyone who reaches it can decode payloads.\n',
      ),
  );

  const handle = (op: 'encode' | 'decode') => async (req: FastifyRequest, reply: FastifyReply) => {
    const namespace = headerValue(req, 'x-namespace');
    if (namespaces && (!namespace || !namespaces.has(namespace))) {
      return reply.code(403).send({ error: `Namespace ${namespace ?? '(missing X-Namespace header)'} is not served by this codec server.` });
    }
    const parsed = PayloadsRequest.safeParse(req.body ?? {});
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

/** The token from `Bearer <token>` or from the password of `Basic base64(<user>:<token>)`. */
function presentedToken(req: FastifyRequest): string | undefined {
  const header = headerValue(req, 'authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!basic?.[1]) return undefined;
  const credentials = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon >= 0 ? credentials.slice(colon + 1) : undefined;
}

function tokenMatches(req: FastifyRequest, expectedDigest: Buffer): boolean {
  const token = presentedToken(req);
  // Comparing digests keeps the comparison constant-time regardless of the token's length.
  return token !== undefined && token !== '' && timingSafeEqual(sha256(token), expectedDigest);
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
