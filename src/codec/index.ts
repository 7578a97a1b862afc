import { AesGcmPayloadCodec } from './aes-gcm-codec.js';
import { loadCodecKeyring } from './keys.js';

export { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY, PayloadDecryptionError } from './aes-gcm-codec.js';
export * from './keys.js';

/** The codec for workers and clients, keys from `TIMR_SYNC_CODEC_KEY` or the key file. */
export async function payloadCodecFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<AesGcmPayloadCodec> {
  return new AesGcmPayloadCodec(await loadCodecKeyring(env));
}

/** Ready to pass as `dataConverter` to `Worker.create` and `new Client`. */
export async function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<{ payloadCodecs: AesGcmPayloadCodec[] }> {
  return { payloadCodecs: [await payloadCodecFromEnv(env)] };
}
