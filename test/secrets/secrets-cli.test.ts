import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskSecret, runSecretsCli } from '../../src/cli/secrets.js';
import { loadCodecKeyFile } from '../../src/codec/keys.js';
import { FileSecretStore } from '../../src/secrets/index.js';

const TIMR_SECRET = 'timr-CLI-SECRET-0123456789';
const PERSONIO_SECRET = 'personio-CLI-SECRET-abcdefghij';

describe('secrets CLI', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  let env: NodeJS.ProcessEnv;
  const run = (...argv: string[]) => runSecretsCli(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'secrets-cli-'));
    out = [];
    err = [];
    env = { TIMR_SYNC_SECRETS_DIR: path.join(dir, 'store'), TIMR_SYNC_CODEC_KEYS_FILE: path.join(dir, 'codec', 'keys.json') };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const setAll = () =>
    run('set', 'demo-acme', '--timr-client-id', 't-id', '--timr-client-secret', TIMR_SECRET, '--personio-client-id', 'p-id', '--personio-client-secret', PERSONIO_SECRET);

  it('set writes a 0600 file that the store reads back; show masks the secrets', async () => {
    expect(await setAll()).toBe(0);
    const store = new FileSecretStore(path.join(dir, 'store'));
    expect(await store.get('demo-acme')).toEqual({
      timr: { clientId: 't-id', clientSecret: TIMR_SECRET },
      personio: { clientId: 'p-id', clientSecret: PERSONIO_SECRET },
    });
    expect((await stat(store.fileFor('demo-acme'))).mode & 0o777).toBe(0o600);

    out = [];
    expect(await run('show', 'demo-acme')).toBe(0);
    const shown = out.join('\n');
    expect(shown).toContain('t-id');
    expect(shown).toContain('p-id');
    expect(shown).toContain(maskSecret(PERSONIO_SECRET));
    expect(shown).not.toContain(TIMR_SECRET);
    expect(shown).not.toContain(PERSONIO_SECRET);
  });

  it('rotates only the Personio pair and keeps the stored timr pair', async () => {
    await setAll();
    expect(await run('set', 'demo-acme', '--personio-client-id', 'p-id-2', '--personio-client-secret', 'personio-ROTATED-secret-xyz')).toBe(0);
    const stored = await new FileSecretStore(path.join(dir, 'store')).get('demo-acme');
    expect(stored.timr).toEqual({ clientId: 't-id', clientSecret: TIMR_SECRET });
    expect(stored.personio).toEqual({ clientId: 'p-id-2', clientSecret: 'personio-ROTATED-secret-xyz' });
    expect(out.at(-1)).toContain('changed: personio client id, personio secret');
  });

  it('takes values from --from-file and from TIMR_SYNC_<REF>_* variables', async () => {
    const file = path.join(dir, 'import.json');
    await writeFile(file, JSON.stringify({ timr: { clientId: 'file-t', clientSecret: 'file-T-SECRET-1' } }), { mode: 0o600 });
    env.TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_ID = 'env-p';
    env.TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_SECRET = 'env-P-SECRET-2';
    expect(await run('set', 'demo-acme', '--from-file', file)).toBe(0);
    expect(await new FileSecretStore(path.join(dir, 'store')).get('demo-acme')).toEqual({
      timr: { clientId: 'file-t', clientSecret: 'file-T-SECRET-1' },
      personio: { clientId: 'env-p', clientSecret: 'env-P-SECRET-2' },
    });
  });

  it('names the missing options for a new reference and stores nothing', async () => {
    expect(await run('set', 'demo-acme', '--timr-client-id', 't', '--timr-client-secret', TIMR_SECRET)).toBe(2);
    const msg = err.join('\n');
    expect(msg).toContain('--personio-client-id');
    expect(msg).toContain('--personio-client-secret');
    expect(msg).not.toContain(TIMR_SECRET);
    expect(await new FileSecretStore(path.join(dir, 'store')).list()).toEqual([]);
  });

  it('fails show for an unknown reference with the set hint, and refuses unsafe references', async () => {
    expect(await run('show', 'nobody')).toBe(1);
    expect(err.join('\n')).toContain('timr-sync secrets set nobody');
    err = [];
    expect(await run('show', '../../etc/passwd')).toBe(1);
    expect(err.join('\n')).toContain('Invalid credentials reference');
  });

  it('lists references and prints usage for unknown commands', async () => {
    await setAll();
    out = [];
    expect(await run('list')).toBe(0);
    expect(out).toEqual(['demo-acme']);
    expect(await run('frobnicate')).toBe(2);
    expect(err.join('\n')).toContain('Usage:');
  });

  it('does not echo a secret passed to a misspelt option', async () => {
    expect(await run('set', 'demo-acme', '--personio-client-secrt=leak-ME-123')).toBe(2);
    expect(err.join('\n')).not.toContain('leak-ME-123');
  });

  it('creates and rotates the codec key file', async () => {
    expect(await run('codec-keys', 'init')).toBe(0);
    const file = path.join(dir, 'codec', 'keys.json');
    const first = await loadCodecKeyFile(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await run('codec-keys', 'rotate')).toBe(0);
    const second = await loadCodecKeyFile(file);
    expect(second.activeKeyId).not.toBe(first.activeKeyId);
    expect(second.keys.get(first.activeKeyId)).toEqual(first.keys.get(first.activeKeyId));
    expect(second.keys.size).toBe(2);
  });
});
