/**
 * Keys of the AES-GCM payload codec. Several keys may exist (rotation): one is active for
 * encoding, every listed key is usable for decoding, so histories written under a retired
 * key stay readable as long as that key stays in the file.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../devstack/temporal-cli.js';
import { readPrivateFile, writePrivateFileAtomic } from '../secrets/private-file.js';

export const KEY_BYTES = 32;
export const ENV_KEY_ID = 'env';
export const CODEC_KEYS_FILENAME = 'codec-keys.json';
export const DEFAULT_CODEC_KEYS_DIR = path.join(PROJECT_ROOT, '.secrets', 'codec');

const KeyId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'key ids use 1-64 letters, digits, ".", "-" or "_"');
// Exactly 32 bytes in standard base64 (43 characters + one "=" pad). Node's decoder is lenient,
// so the shape is checked first; the message never echoes the value.
const Base64Key = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, `must be ${KEY_BYTES} random bytes in base64 (44 characters ending in "=")`);

export const CodecKeyFile = z
  .strictObject({
    activeKeyId: KeyId,
    keys: z.record(KeyId, Base64Key),
  })
  .refine((f) => Object.hasOwn(f.keys, f.activeKeyId), { message: 'activeKeyId must name one of the keys', path: ['activeKeyId'] });
export type CodecKeyFile = z.infer<typeof CodecKeyFile>;

/** Decoded form used by the codec. */
export interface CodecKeyring {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class CodecKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecKeyError';
  }
}

export function keyringFromFile(content: CodecKeyFile): CodecKeyring {
  return {
    activeKeyId: content.activeKeyId,
    keys: new Map(Object.entries(content.keys).map(([id, b64]) => [id, Buffer.from(b64, 'base64')])),
  };
}

/** Reads and validates a key file; refuses one that group or others can access. */
export async function loadCodecKeyFile(file: string): Promise<CodecKeyring> {
  return keyringFromFile(await readKeyFile(file));
}

async function readKeyFile(file: string): Promise<CodecKeyFile> {
  const text = await readPrivateFile(file);
  if (text === undefined) {
    throw new CodecKeyError(
      `Codec key file ${file} does not exist. Create one with \`timr-sync secrets codec-keys init\` (or set TIMR_SYNC_CODEC_KEY to a base64 32-byte key).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CodecKeyError(`Codec key file ${file} is not valid JSON; expected {"activeKeyId": "...", "keys": {"<id>": "<base64 32 bytes>"}}.`);
  }
  const parsed = CodecKeyFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new CodecKeyError(`Codec key file ${file} is invalid (${problems}).`);
  }
  return parsed.data;
}

/** A single key from `TIMR_SYNC_CODEC_KEY`, known under the id "env". */
export function keyringFromEnvKey(base64: string): CodecKeyring {
  const trimmed = base64.trim();
  if (!Base64Key.safeParse(trimmed).success) {
    throw new CodecKeyError(`TIMR_SYNC_CODEC_KEY must be ${KEY_BYTES} random bytes in base64 (generate one with: openssl rand -base64 32).`);
  }
  return { activeKeyId: ENV_KEY_ID, keys: new Map([[ENV_KEY_ID, Buffer.from(trimmed, 'base64')]]) };
}

export function codecKeysFileFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.TIMR_SYNC_CODEC_KEYS_FILE || path.join(DEFAULT_CODEC_KEYS_DIR, CODEC_KEYS_FILENAME));
}

/**
 * `TIMR_SYNC_CODEC_KEY` (one key, id "env") wins when set; otherwise the key file
 * `TIMR_SYNC_CODEC_KEYS_FILE` (default `<project>/.secrets/codec/codec-keys.json`).
 */
export async function loadCodecKeyring(env: NodeJS.ProcessEnv = process.env): Promise<CodecKeyring> {
  const envKey = env.TIMR_SYNC_CODEC_KEY;
  if (envKey !== undefined && envKey.trim() !== '') return keyringFromEnvKey(envKey);
  return loadCodecKeyFile(codecKeysFileFromEnv(env));
}

/** Sortable and unique enough: creation date plus random suffix. */
export function newKeyId(now: Date = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
}

function newKeyBase64(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** Creates `<dir>/codec-keys.json` with one fresh key unless it exists (for `npm start`). */
export async function ensureDevKeys(dir: string = DEFAULT_CODEC_KEYS_DIR): Promise<{ file: string; created: boolean }> {
  return ensureCodecKeyFile(path.join(dir, CODEC_KEYS_FILENAME));
}

/** Creates `file` with one fresh active key unless it exists; an existing file is validated. */
export async function ensureCodecKeyFile(file: string): Promise<{ file: string; created: boolean }> {
  const id = newKeyId();
  // Exclusive: a worker and the codec server starting together must not each create (and
  // overwrite) a different key, or payloads encrypted by the loser become unreadable.
  const created = await writeKeyFile(file, { activeKeyId: id, keys: { [id]: newKeyBase64() } }, { exclusive: true });
  // A broken existing file should fail at start-up, not at the first workflow task.
  if (!created) await loadCodecKeyFile(file);
  return { file, created };
}

/**
 * Adds a fresh key and makes it active; older keys stay for decoding. Workers and the codec
 * server load keys at start, so restart them afterwards.
 */
export async function rotateCodecKeyFile(file: string): Promise<{ activeKeyId: string; previousKeyId: string }> {
  const current = await readKeyFile(file);
  let id = newKeyId();
  while (Object.hasOwn(current.keys, id)) id = newKeyId();
  await writeKeyFile(file, { activeKeyId: id, keys: { ...current.keys, [id]: newKeyBase64() } });
  return { activeKeyId: id, previousKeyId: current.activeKeyId };
}

async function writeKeyFile(file: string, content: CodecKeyFile, opts: { exclusive?: boolean } = {}): Promise<boolean> {
  return writePrivateFileAtomic(file, `${JSON.stringify(CodecKeyFile.parse(content), null, 2)}\n`, opts);
}
