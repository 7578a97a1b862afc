/**
 * `timr-sync doctor` against the test stack: a good setup passes every check; a broken one
 * (Temporal unreachable, no codec key, a secret file readable by others, rejected credentials)
 * fails exactly those checks, each with a fix, exit 1, also as --json.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DoctorCheck } from '../../src/cli/commands/doctor.js';
import { runCli } from '../../src/cli/timr-sync.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

async function cli(argv: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (c: string) => (stdout += c) }, stderr: { write: (c: string) => (stderr += c) }, env });
  return { code, stdout, stderr };
}

describe('timr-sync doctor', () => {
  let fx: SyncFixture;
  let env: NodeJS.ProcessEnv;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'timr-sync-doctor-'));
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 11, tenants: 2, employees: 4, days: 7 }));
    env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TIMR_SYNC_CODEC_KEY: Buffer.alloc(32, 3).toString('base64'),
      TIMR_SYNC_SECRETS_DIR: fx.secretsDir,
      TIMR_BASE_URL: fx.sandbox.timrBaseUrl,
      TIMR_TOKEN_URL: fx.sandbox.timrTokenUrl,
      PERSONIO_BASE_URL: fx.sandbox.personioBaseUrl,
    };
  });
  afterAll(async () => {
    await fx?.teardown();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('passes every check on a good setup', async () => {
    const r = await cli(['doctor'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [a, b] = fx.seed.tenants.map((t) => t.id);
    for (const name of ['temporal', 'search-attributes', 'codec-keys', `secrets:${a}`, `credentials:${a}:timr`, `credentials:${a}:personio`, `credentials:${b}:personio`]) {
      expect(r.stdout).toMatch(new RegExp(`^ok {4}${name}: `, 'm'));
    }
    expect(r.stdout).toMatch(/all checks passed$/m);
    const json = JSON.parse((await cli(['doctor', '--json'], env)).stdout) as { ok: boolean; checks: DoctorCheck[] };
    expect(json.ok).toBe(true);
    expect(json.checks.length).toBe(3 + 3 * fx.seed.tenants.length);
  });

  it('names each broken part with its fix and exits 1', async () => {
    const [a, b] = fx.seed.tenants;
    const badSecret = 'wrong-secret-value-1234';
    await fx.secrets.put(b!.id, { timr: { clientId: b!.timr.clientId, clientSecret: badSecret }, personio: { clientId: b!.personio.clientId, clientSecret: b!.personio.clientSecret } });
    chmodSync(path.join(fx.secretsDir, `${a!.id}.json`), 0o644);
    const broken = { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1', TIMR_SYNC_CODEC_KEY: undefined, TIMR_SYNC_CODEC_KEYS_FILE: path.join(scratch, 'missing.json') };
    const r = await cli(['doctor'], broken);
    expect(r.code).toBe(1);
    const failed = (name: string) => new RegExp(`^FAIL {2}${name}: .*\\n {6}fix: \\S`, 'm');
    expect(r.stdout).toMatch(failed('temporal'));
    expect(r.stdout).toMatch(failed('search-attributes'));
    expect(r.stdout).toMatch(failed('codec-keys'));
    expect(r.stdout).toMatch(failed(`secrets:${a!.id}`));
    expect(r.stdout).toMatch(failed(`credentials:${b!.id}:timr`));
    expect(r.stdout).toMatch(new RegExp(`^ok {4}credentials:${b!.id}:personio: `, 'm'));
    expect(r.stdout).toMatch(/^5 of 7 checks failed$/m);
    expect(r.stdout).not.toContain(badSecret);

    const json = JSON.parse((await cli(['doctor', '--json'], broken)).stdout) as { ok: boolean; checks: DoctorCheck[] };
    expect(json.ok).toBe(false);
    expect(json.checks.filter((c) => !c.ok).map((c) => c.name).sort()).toEqual(['codec-keys', `credentials:${b!.id}:timr`, 'search-attributes', `secrets:${a!.id}`, 'temporal'].sort());
    expect(json.checks.filter((c) => !c.ok).every((c) => (c.fix ?? '').length > 0)).toBe(true);
  });
});
