import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileSecretStore,
  InsecureSecretFileError,
  InvalidSecretRefError,
  InvalidSecretsError,
  SecretNotFoundError,
  type TenantSecrets,
} from '../../src/secrets/index.js';

const secrets = (suffix: string): TenantSecrets => ({
  timr: { clientId: `timr-client-${suffix}`, clientSecret: `timr-SECRET-${suffix}-9f8e7d` },
  personio: { clientId: `papi-client-${suffix}`, clientSecret: `personio-SECRET-${suffix}-1a2b3c` },
});

describe('FileSecretStore', () => {
  let root: string;
  let dir: string;
  let store: FileSecretStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'secret-store-'));
    dir = path.join(root, 'nested', '.secrets');
    store = new FileSecretStore(dir);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('round-trips through a real file created 0600 in a 0700 directory', async () => {
    await store.put('demo-acme', secrets('a'));
    expect(await store.get('demo-acme')).toEqual(secrets('a'));

    const fileStat = await stat(path.join(dir, 'demo-acme.json'));
    expect(fileStat.mode & 0o777).toBe(0o600);
    const dirStat = await stat(dir);
    expect(dirStat.mode & 0o777).toBe(0o700);
    // The atomic write leaves no temporary files behind.
    expect(await readdir(dir)).toEqual(['demo-acme.json']);
  });

  it('keeps 0600 when an existing file is replaced', async () => {
    await store.put('demo-acme', secrets('a'));
    await store.put('demo-acme', secrets('b'));
    expect((await stat(path.join(dir, 'demo-acme.json'))).mode & 0o777).toBe(0o600);
  });

  it('picks up a rotation on the very next get (same store instance)', async () => {
    await store.put('demo-acme', secrets('old'));
    expect((await store.get('demo-acme')).personio.clientSecret).toBe(secrets('old').personio.clientSecret);
    // Another process (the CLI) writes the new pair.
    await new FileSecretStore(dir).put('demo-acme', secrets('new'));
    expect(await store.get('demo-acme')).toEqual(secrets('new'));
  });

  it.each([0o644, 0o640, 0o604, 0o620])('refuses a file with mode %o and names the chmod fix', async (mode) => {
    await store.put('demo-acme', secrets('a'));
    const file = path.join(dir, 'demo-acme.json');
    await chmod(file, mode);
    const err = await store.get('demo-acme').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsecureSecretFileError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain(`chmod 600 ${file}`);
    expect((err as Error).message).not.toContain(secrets('a').timr.clientSecret);
  });

  it.each(['../etc/passwd', '..', 'a/b', '/abs', 'demo.acme', '', '-flag', 'x'.repeat(65), 'a\u0000b', 'demo acme'])(
    'refuses the unsafe reference %j for get and put',
    async (ref) => {
      await expect(store.get(ref)).rejects.toBeInstanceOf(InvalidSecretRefError);
      await expect(store.put(ref, secrets('a'))).rejects.toBeInstanceOf(InvalidSecretRefError);
    },
  );

  it('reports a missing reference with a typed error that says how to store it', async () => {
    const err = await store.get('tenant-7').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretNotFoundError);
    expect((err as SecretNotFoundError).ref).toBe('tenant-7');
    expect((err as SecretNotFoundError).name).toBe('SecretNotFoundError');
    expect((err as Error).message).toContain('"tenant-7"');
    expect((err as Error).message).toContain('timr-sync secrets set tenant-7');
  });

  it('reports malformed JSON without echoing the content', async () => {
    await store.put('demo-acme', secrets('a'));
    const file = path.join(dir, 'demo-acme.json');
    await writeFile(file, '{"timr": {"clientId": "x", "clientSecret": "leaky-SECRET-value"', { mode: 0o600 });
    const err = await store.get('demo-acme').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSecretsError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('not valid JSON');
    expect((err as Error).message).not.toContain('leaky-SECRET-value');
  });

  it('reports a schema mismatch by field path without echoing any value', async () => {
    await store.put('demo-acme', secrets('a'));
    const file = path.join(dir, 'demo-acme.json');
    const bad = { timr: { clientId: 'x', client_secret: 'typo-SECRET-value' }, personio: { clientId: 5, clientSecret: 'other-SECRET-value' } };
    await writeFile(file, JSON.stringify(bad), { mode: 0o600 });
    const err = await store.get('demo-acme').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSecretsError);
    const msg = (err as Error).message;
    expect(msg).toContain('timr.clientSecret');
    expect(msg).toContain('personio.clientId');
    expect(msg).toContain('client_secret');
    expect(msg).not.toContain('typo-SECRET-value');
    expect(msg).not.toContain('other-SECRET-value');
  });

  it('refuses to put invalid secrets without echoing them', async () => {
    const bad = { timr: { clientId: '', clientSecret: 'put-SECRET-value' }, personio: secrets('a').personio } as TenantSecrets;
    const err = await store.put('demo-acme', bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSecretsError);
    expect((err as Error).message).toContain('timr.clientId');
    expect((err as Error).message).not.toContain('put-SECRET-value');
    await expect(store.get('demo-acme')).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('lists stored references and ignores other files', async () => {
    expect(await store.list()).toEqual([]);
    await store.put('zeta', secrets('z'));
    await store.put('alpha', secrets('a'));
    await writeFile(path.join(dir, 'notes.txt'), 'x');
    await writeFile(path.join(dir, '.hidden.json'), '{}');
    expect(await store.list()).toEqual(['alpha', 'zeta']);
  });
});
