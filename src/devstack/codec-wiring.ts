/** The codec pieces the embedded stack needs, in one place. */
import type { FastifyInstance } from 'fastify';
import { buildCodecServer } from '../codec/codec-server.js';
import type { AesGcmPayloadCodec } from '../codec/index.js';

export { AesGcmPayloadCodec, ensureCodecKeyFile, loadCodecKeyFile } from '../codec/index.js';

export function buildCodecServerFor(codec: AesGcmPayloadCodec, uiOrigins: string[]): FastifyInstance {
  return buildCodecServer({ codec, corsOrigins: uiOrigins });
}
