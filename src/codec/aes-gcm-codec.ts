/**
 * Temporal payload codec: AES-256-GCM over the protobuf encoding of the original payload
 * (metadata included, so the decoded payload is byte-identical and the data converter
 * still sees its original `encoding`). Wire layout of `data`: IV (12) | ciphertext | tag (16).
 * The key id travels in metadata and is also bound as additional authenticated data.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { KEY_BYTES, type CodecKeyring } from './keys.js';

const { Payload: PayloadProto } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly activeKeyId: string;

  constructor(keyring: CodecKeyring) {
    for (const [id, key] of keyring.keys) {
      if (key.length !== KEY_BYTES) throw new Error(`Codec key "${id}" is ${key.length} bytes; AES-256 needs ${KEY_BYTES}.`);
    }
    if (!keyring.keys.has(keyring.activeKeyId)) {
      throw new Error(`Active codec key id "${keyring.activeKeyId}" is not among the keys (${[...keyring.keys.keys()].join(', ') || 'none'}).`);
    }
    this.keys = new Map(keyring.keys);
    this.activeKeyId = keyring.activeKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.activeKeyId)!;
    const aad = utf8.encode(this.activeKeyId);
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const plaintext = PayloadProto.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: utf8.encode(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA_KEY]: aad,
        },
        data: new Uint8Array(data),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decodeOne(payload));
  }

  private decodeOne(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    // Payloads written before the codec was enabled (or by a client without it) pass through.
    if (!encoding || fromUtf8.decode(encoding) !== ENCRYPTED_ENCODING) return payload;

    const rawKeyId = payload.metadata?.[KEY_ID_METADATA_KEY];
    if (!rawKeyId) throw new PayloadDecryptionError(`Encrypted payload has no "${KEY_ID_METADATA_KEY}" metadata; it was not written by this codec.`);
    const keyId = fromUtf8.decode(rawKeyId);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `Payload was encrypted with codec key "${keyId}", which this process does not have (known: ${[...this.keys.keys()].join(', ')}). ` +
          `Keep retired keys in the codec key file (keys.${keyId}) while histories that use them exist.`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`Encrypted payload (key "${keyId}") is ${data.length} bytes, shorter than IV + tag: it is truncated.`);
    }
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const iv = buf.subarray(0, IV_BYTES);
    const tag = buf.subarray(buf.length - TAG_BYTES);
    const ciphertext = buf.subarray(IV_BYTES, buf.length - TAG_BYTES);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(rawKeyId);
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `Encrypted payload (key "${keyId}") failed authentication: its data or key id was modified, or the key "${keyId}" in this process differs from the one that encrypted it.`,
      );
    }
    const decoded = PayloadProto.decode(plaintext);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}
