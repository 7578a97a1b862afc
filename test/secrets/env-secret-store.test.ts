import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SECRETS_DIR,
  EnvSecretStore,
  envVarNamesFor,
  FileSecretStore,
  InvalidSecretRefError,
  ReadOnlySecretStoreError,
  SecretNotFoundError,
  secretStoreFromEnv,
} from '../../src/secrets/index.js';

const fullEnv = (): NodeJS.ProcessEnv => ({
  TIMR_SYNC_DEMO_ACME_TIMR_CLIENT_ID: 'timr-id',
  TIMR_SYNC_DEMO_ACME_TIMR_CLIENT_SECRET: 'timr-ENV-SECRET-1',
  TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_ID: 'papi-id',
  TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_SECRET: 'personio-ENV-SECRET-2',
});

describe('EnvSecretStore', () => {
  it('maps a dashed reference to upper-cased, underscored variable names', () => {
    expect(envVarNamesFor('demo-acme')).toEqual({
      timrClientId: 'TIMR_SYNC_DEMO_ACME_TIMR_CLIENT_ID',
      timrClientSecret: 'TIMR_SYNC_DEMO_ACME_TIMR_CLIENT_SECRET',
      personioClientId: 'TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_ID',
      personioClientSecret: 'TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_SECRET',
    });
  });

  it('reads the four variables of a reference', async () => {
    const store = new EnvSecretStore(fullEnv());
    expect(await store.get('demo-acme')).toEqual({
      timr: { clientId: 'timr-id', clientSecret: 'timr-ENV-SECRET-1' },
      personio: { clientId: 'papi-id', clientSecret: 'personio-ENV-SECRET-2' },
    });
  });

  it('reads the environment live, so a changed value is used by the next get', async () => {
    const env = fullEnv();
    const store = new EnvSecretStore(env);
    env.TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_SECRET = 'personio-ENV-SECRET-rotated';
    expect((await store.get('demo-acme')).personio.clientSecret).toBe('personio-ENV-SECRET-rotated');
  });

  it('names exactly the missing variables, never the values that are set', async () => {
    const env = fullEnv();
    delete env.TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_SECRET;
    const err = await new EnvSecretStore(env).get('demo-acme').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretNotFoundError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_SECRET are not set/);
    expect(msg).not.toMatch(/TIMR_SYNC_DEMO_ACME_TIMR_CLIENT_SECRET are not set/);
    expect(msg).not.toContain('timr-ENV-SECRET-1');
  });

  it('treats a blank value as invalid without echoing the others', async () => {
    const env = { ...fullEnv(), TIMR_SYNC_DEMO_ACME_TIMR_CLIENT_ID: '   ' };
    const err = await new EnvSecretStore(env).get('demo-acme').catch((e: unknown) => e);
    expect((err as Error).message).toContain('timr.clientId');
    expect((err as Error).message).not.toContain('ENV-SECRET');
  });

  it('is read-only with an error that says what to do instead', async () => {
    const store = new EnvSecretStore(fullEnv());
    const err = await store.put('demo-acme', await store.get('demo-acme')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadOnlySecretStoreError);
    expect((err as Error).message).toContain('read-only');
    expect((err as Error).message).toContain('TIMR_SYNC_DEMO_ACME_PERSONIO_CLIENT_SECRET');
    expect((err as Error).message).not.toContain('ENV-SECRET');
  });

  it('refuses unsafe references', async () => {
    await expect(new EnvSecretStore(fullEnv()).get('../x')).rejects.toBeInstanceOf(InvalidSecretRefError);
  });

  it('lists references that have a Personio secret variable', async () => {
    const env = { ...fullEnv(), TIMR_SYNC_OTHER_PERSONIO_CLIENT_SECRET: 's', TIMR_SYNC_SECRET_STORE: 'env' };
    expect(await new EnvSecretStore(env).list()).toEqual(['demo-acme', 'other']);
  });
});

describe('secretStoreFromEnv', () => {
  it('defaults to the file store in <project>/.secrets', () => {
    const store = secretStoreFromEnv({});
    expect(store).toBeInstanceOf(FileSecretStore);
    expect((store as FileSecretStore).dir).toBe(DEFAULT_SECRETS_DIR);
    expect(path.basename(DEFAULT_SECRETS_DIR)).toBe('.secrets');
  });

  it('honours TIMR_SYNC_SECRETS_DIR and TIMR_SYNC_SECRET_STORE=env', () => {
    const file = secretStoreFromEnv({ TIMR_SYNC_SECRETS_DIR: '/tmp/somewhere' });
    expect((file as FileSecretStore).dir).toBe('/tmp/somewhere');
    expect(secretStoreFromEnv({ TIMR_SYNC_SECRET_STORE: 'env' })).toBeInstanceOf(EnvSecretStore);
  });

  it('rejects an unknown store kind with the allowed values', () => {
    expect(() => secretStoreFromEnv({ TIMR_SYNC_SECRET_STORE: 'vault' })).toThrow(/"vault".*"file".*"env"/);
  });
});
