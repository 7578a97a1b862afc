import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPLOYMENT_NAME, defaultBuildId, workerVersionFromEnv } from '../../src/deploy/worker-version.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('worker version from the environment', () => {
  it('defaults: versioned, the project deployment, package version + bundle hash', () => {
    const v = workerVersionFromEnv({}, 'bundle A');
    expect(v?.deploymentName).toBe(DEFAULT_DEPLOYMENT_NAME);
    expect(v?.buildId).toMatch(new RegExp(`^${pkg.version.replaceAll('.', '\\.')}-[0-9a-f]{12}$`));
  });

  it('the default build id changes with the workflow code and only with it', () => {
    expect(defaultBuildId('bundle A')).toBe(defaultBuildId('bundle A'));
    expect(defaultBuildId('bundle A')).not.toBe(defaultBuildId('bundle B'));
  });

  it('explicit name and build id win; off means unversioned', () => {
    expect(workerVersionFromEnv({ TIMR_SYNC_DEPLOYMENT_NAME: 'sync-eu', TIMR_SYNC_BUILD_ID: '2026.12.1-abc' }, 'x')).toEqual({ deploymentName: 'sync-eu', buildId: '2026.12.1-abc' });
    expect(workerVersionFromEnv({ TIMR_SYNC_WORKER_VERSIONING: 'off' }, 'x')).toBeUndefined();
    expect(workerVersionFromEnv({ TIMR_SYNC_WORKER_VERSIONING: ' ON ' }, 'x')).toBeDefined();
  });

  it('refuses malformed settings, naming the variable', () => {
    expect(() => workerVersionFromEnv({ TIMR_SYNC_WORKER_VERSIONING: 'yes' }, 'x')).toThrow(/TIMR_SYNC_WORKER_VERSIONING must be "on" or "off"/);
    // "." separates deployment and build id in `<deployment>.<build id>`.
    expect(() => workerVersionFromEnv({ TIMR_SYNC_DEPLOYMENT_NAME: 'sync.eu' }, 'x')).toThrow(/TIMR_SYNC_DEPLOYMENT_NAME "sync.eu"/);
    expect(() => workerVersionFromEnv({ TIMR_SYNC_BUILD_ID: 'a b' }, 'x')).toThrow(/TIMR_SYNC_BUILD_ID "a b"/);
  });
});
