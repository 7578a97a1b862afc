import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CODEC_KEYS_FILENAME,
  CodecKeyError,
  ENV_KEY_ID,
  ensureDevKeys,
  loadCodecKeyFile,
  loadCodecKeyring,
  rotateCodecKeyFile,
} from '../../src/codec/keys.js';
import { dataConverterFromEnv } from '../../src/codec/index.js';
import { InsecureSecretFileError } from '../../src/secrets/errors.js';

describe('codec keys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'codec-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ensureDevKeys creates a 0600 file once and keeps it afterwards', async () => {
    const keysDir = path.join(dir, 'codec');
    const first = await ensureDevKeys(keysDir);
    expect(first).toEqual({ file: path.join(keysDir, CODEC_KEYS_FILENAME), created: true });
    expect((await stat(first.file)).mode & 0o777).toBe(0o600);
    expect((await stat(keysDir)).mode & 0o777).toBe(0o700);
    const content = await readFile(first.file, 'utf8');
    const again = await ensureDevKeys(keysDir);
    expect(again.created).toBe(false);
    expect(await readFile(first.file, 'utf8')).toBe(content);
    const ring = await loadCodecKeyFile(first.file);
    expect(ring.keys.get(ring.activeKeyId)?.length).toBe(32);
  });

  it('concurrent ensureDevKeys calls agree on one key', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => ensureDevKeys(dir)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await loadCodecKeyFile(path.join(dir, CODEC_KEYS_FILENAME))).keys.size).toBe(1);
  });

  it('refuses a key file readable by others, naming the chmod fix', async () => {
    const { file } = await ensureDevKeys(dir);
    await chmod(file, 0o644);
    const err = await loadCodecKeyFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsecureSecretFileError);
    expect((err as Error).message).toContain(`chmod 600 ${file}`);
  });

  it('validates the file shape without printing key material', async () => {
    const file = path.join(dir, 'bad.json');
    const shortKey = randomBytes(16).toString('base64');
    await writeFile(file, JSON.stringify({ activeKeyId: 'b', keys: { a: shortKey } }), { mode: 0o600 });
    const err = await loadCodecKeyFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodecKeyError);
    expect((err as Error).message).toContain('keys.a');
    expect((err as Error).message).toContain('activeKeyId');
    expect((err as Error).message).not.toContain(shortKey);
  });

  it('reports a missing file with how to create one', async () => {
    await expect(loadCodecKeyFile(path.join(dir, 'nope.json'))).rejects.toThrow(/does not exist.*codec-keys init/);
  });

  it('rotation adds an active key and keeps the old ones', async () => {
    const { file } = await ensureDevKeys(dir);
    const before = await loadCodecKeyFile(file);
    const { activeKeyId, previousKeyId } = await rotateCodecKeyFile(file);
    const after = await loadCodecKeyFile(file);
    expect(previousKeyId).toBe(before.activeKeyId);
    expect(after.activeKeyId).toBe(activeKeyId);
    expect(after.keys.get(previousKeyId)).toEqual(before.keys.get(previousKeyId));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('TIMR_SYNC_CODEC_KEY wins over the file and is known as "env"', async () => {
    const key = randomBytes(32);
    const ring = await loadCodecKeyring({ TIMR_SYNC_CODEC_KEY: key.toString('base64'), TIMR_SYNC_CODEC_KEYS_FILE: path.join(dir, 'missing.json') });
    expect(ring.activeKeyId).toBe(ENV_KEY_ID);
    expect(ring.keys.get(ENV_KEY_ID)).toEqual(key);
  });

  it('rejects a malformed TIMR_SYNC_CODEC_KEY without echoing it', async () => {
    const bad = randomBytes(20).toString('base64');
    const err = await loadCodecKeyring({ TIMR_SYNC_CODEC_KEY: bad }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('TIMR_SYNC_CODEC_KEY must be 32 random bytes');
    expect((err as Error).message).not.toContain(bad);
  });

  it('loads the file named by TIMR_SYNC_CODEC_KEYS_FILE', async () => {
    const { file } = await ensureDevKeys(dir);
    const ring = await loadCodecKeyring({ TIMR_SYNC_CODEC_KEYS_FILE: file });
    expect(ring).toEqual(await loadCodecKeyFile(file));
  });

  it('dataConverterFromEnv builds a working codec from the key file', async () => {
    const { file } = await ensureDevKeys(dir);
    const { payloadCodecs } = await dataConverterFromEnv({ TIMR_SYNC_CODEC_KEYS_FILE: file });
    const codec = payloadCodecs[0]!;
    expect(codec.activeKeyId).toBe((await loadCodecKeyFile(file)).activeKeyId);
    const payload = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('"x"') };
    const [back] = await codec.decode(await codec.encode([payload]));
    expect(new TextDecoder().decode(back?.data ?? undefined)).toBe('"x"');
  });
});
