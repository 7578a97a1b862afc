import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY, PayloadDecryptionError } from '../../src/codec/aes-gcm-codec.js';
import type { CodecKeyring } from '../../src/codec/keys.js';

const keyring = (active: string, ...ids: string[]): CodecKeyring => ({
  activeKeyId: active,
  keys: new Map([active, ...ids].map((id) => [id, randomBytes(32)])),
});
const text = (b: Uint8Array | null | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
const payloadOf = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);

describe('AesGcmPayloadCodec', () => {
  it('round-trips payloads, restoring data and the original metadata', async () => {
    const codec = new AesGcmPayloadCodec(keyring('k1'));
    const originals = [payloadOf({ employee: 'Anna Müller', comment: 'Arzttermin' }), payloadOf(null), payloadOf(new Uint8Array([0, 1, 255]))];
    const encoded = await codec.encode(originals);
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      { employee: 'Anna Müller', comment: 'Arzttermin' },
      null,
      new Uint8Array([0, 1, 255]),
    ]);
    for (const [i, p] of decoded.entries()) expect(text(p.metadata?.encoding)).toBe(text(originals[i]?.metadata?.encoding));
  });

  it('round-trips arbitrary JSON values (property)', async () => {
    const codec = new AesGcmPayloadCodec(keyring('k1'));
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const [decoded] = await codec.decode(await codec.encode([payloadOf(value)]));
        expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 50 },
    );
  });

  it('marks encrypted payloads and hides the plaintext', async () => {
    const codec = new AesGcmPayloadCodec(keyring('k1'));
    const [enc] = await codec.encode([payloadOf('Personalnummer 4711 Anna Müller')]);
    expect(text(enc!.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(enc!.metadata?.[KEY_ID_METADATA_KEY])).toBe('k1');
    expect(Buffer.from(enc!.data!).includes(Buffer.from('Anna'))).toBe(false);
    // Only encoding and key id: the original encoding (json/plain) must not leak into metadata either.
    expect(Object.keys(enc!.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA_KEY].sort());
  });

  it('uses a fresh IV for every payload, so equal plaintexts encrypt differently', async () => {
    const codec = new AesGcmPayloadCodec(keyring('k1'));
    const same = Array.from({ length: 200 }, () => payloadOf('same value'));
    const encoded = await codec.encode(same);
    const ivs = new Set(encoded.map((p) => Buffer.from(p.data!).subarray(0, 12).toString('hex')));
    expect(ivs.size).toBe(200);
    expect(new Set(encoded.map((p) => Buffer.from(p.data!).toString('hex'))).size).toBe(200);
  });

  it('rejects any single flipped bit in IV, ciphertext or tag', async () => {
    const codec = new AesGcmPayloadCodec(keyring('k1'));
    const [enc] = await codec.encode([payloadOf({ hours: 8 })]);
    const data = Buffer.from(enc!.data!);
    for (const index of [0, 11, 12, data.length - 17, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[index]! ^= 0x01;
      const err = await codec.decode([{ ...enc!, data: tampered }]).catch((e: unknown) => e);
      expect(err, `byte ${index}`).toBeInstanceOf(PayloadDecryptionError);
      expect((err as Error).message).toMatch(/failed authentication/);
    }
  });

  it('rejects a payload whose key id metadata was swapped to another known key', async () => {
    const codec = new AesGcmPayloadCodec(keyring('k1', 'k2'));
    const [enc] = await codec.encode([payloadOf('x')]);
    const swapped = { ...enc!, metadata: { ...enc!.metadata, [KEY_ID_METADATA_KEY]: new TextEncoder().encode('k2') } };
    await expect(codec.decode([swapped])).rejects.toThrow(/key "k2".*failed authentication/);
  });

  it('rejects an unknown key id, naming it and the known ones', async () => {
    const [enc] = await new AesGcmPayloadCodec(keyring('retired')).encode([payloadOf('x')]);
    const err = await new AesGcmPayloadCodec(keyring('current')).decode([enc!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect((err as Error).message).toContain('"retired"');
    expect((err as Error).message).toContain('known: current');
  });

  it('rejects truncated data and a missing key id', async () => {
    const codec = new AesGcmPayloadCodec(keyring('k1'));
    const [enc] = await codec.encode([payloadOf('x')]);
    await expect(codec.decode([{ ...enc!, data: enc!.data!.subarray(0, 20) }])).rejects.toThrow(/truncated/);
    await expect(codec.decode([{ metadata: { encoding: enc!.metadata!.encoding! }, data: enc!.data! }])).rejects.toThrow(/no "encryption-key-id"/);
  });

  it('supports rotation: the new active key encrypts, old payloads still decode', async () => {
    const old = keyring('k-old');
    const oldCodec = new AesGcmPayloadCodec(old);
    const [oldPayload] = await oldCodec.encode([payloadOf('written last year')]);

    const rotated = new AesGcmPayloadCodec({ activeKeyId: 'k-new', keys: new Map([...old.keys, ['k-new', randomBytes(32)]]) });
    const [newPayload] = await rotated.encode([payloadOf('written today')]);
    expect(text(newPayload!.metadata?.[KEY_ID_METADATA_KEY])).toBe('k-new');

    const decoded = await rotated.decode([oldPayload!, newPayload!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['written last year', 'written today']);
    // The old codec cannot read what the new key wrote.
    await expect(oldCodec.decode([newPayload!])).rejects.toThrow(/"k-new"/);
  });

  it('passes unencrypted payloads through on decode (histories from before the codec)', async () => {
    const codec = new AesGcmPayloadCodec(keyring('k1'));
    const plain = payloadOf({ a: 1 });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('refuses a keyring with a wrong key length or a missing active key', () => {
    expect(() => new AesGcmPayloadCodec({ activeKeyId: 'k', keys: new Map([['k', randomBytes(16)]]) })).toThrow(/16 bytes; AES-256 needs 32/);
    expect(() => new AesGcmPayloadCodec({ activeKeyId: 'x', keys: new Map([['k', randomBytes(32)]]) })).toThrow(/"x" is not among the keys \(k\)/);
  });
});
