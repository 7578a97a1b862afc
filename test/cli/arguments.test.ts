/**
 * Argument parsing and validation through runCli, without a Temporal server: TEMPORAL_ADDRESS
 * points at a closed port, so a command that connected where it should not would fail slowly
 * with "cannot connect" and break these assertions.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, commandPaths } from '../../src/cli/commands/registry.js';
import { runCli } from '../../src/cli/timr-sync.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], env: NodeJS.ProcessEnv = { TEMPORAL_ADDRESS: '127.0.0.1:1' }): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: (c: string) => (stderr += c) },
    env,
  });
  return { code, stdout, stderr };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'timr-sync-cli-args-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('help and usage', () => {
  it('prints the overview with --help and exits 0; without a command it is a usage error', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(c.name);
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: timr-sync <command> [options]');
  });

  it.each(COMMANDS.map((c) => c.name))('%s --help prints its own usage and exits 0', async (name) => {
    const r = await cli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: timr-sync ${name}`);
    expect(r.stderr).toBe('');
    expect((await cli(['help', name])).stdout).toBe(r.stdout);
  });

  it('every command, down to the secrets subcommands, takes --json', async () => {
    const paths = commandPaths({ io: { stdout: { write: () => true }, stderr: { write: () => true }, env: {} }, client: () => Promise.reject(new Error('no server')), now: () => new Date(), sleep: async () => undefined, run: (fn) => async (...a) => void (await fn(...a)) });
    expect(paths.length).toBeGreaterThanOrEqual(COMMANDS.length + 4);
    for (const p of paths) {
      const r = await cli([...p, '--help']);
      expect(r.code, p.join(' ')).toBe(0);
      expect(r.stdout, p.join(' ')).toContain(`Usage: timr-sync ${p.join(' ')}`);
      expect(r.stdout, p.join(' ')).toMatch(/^\s+--json\s/m);
    }
  });

  it('shows help even next to an unknown option', async () => {
    const r = await cli(['status', '--nonsense', '-h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: timr-sync status');
  });

  it('rejects an unknown command with the overview', async () => {
    const r = await cli(['statsu', 'acme']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'statsu'");
    expect(r.stderr).toContain('Did you mean status?');
    expect(r.stderr).toContain('Commands:');
  });
});

describe('usage errors (exit 2, with the command usage)', () => {
  it.each([
    [['status'], "missing required argument 'tenantId'"],
    [['pause', 'acme', 'globex'], "too many arguments for 'pause'"],
    [['resume', 'Acme_GmbH'], '"Acme_GmbH" is not a tenant id'],
    [['status', 'acme', '--jsn'], "unknown option '--jsn'"],
    [['start', 'acme', '--credentials-ref', 'acme', '--interval', 'soon'], '--interval "soon" is not a duration'],
    [['start', 'acme', '--credentials-ref'], "option '--credentials-ref <ref>' argument missing"],
    [['config', 'acme'], 'nothing to change'],
    [['config', 'acme', '--set', 'intervalSeconds'], 'needs the form path=value'],
    [['config', 'acme', '--unset', 'sync..x'], 'is not a setting path'],
    [['retry', 'acme', '--entry'], "option '--entry <id>' argument missing"],
    [['config', 'acme', '--set', 'intervalSeconds=soon'], '--set intervalSeconds=soon "soon" is not a duration'],
    [['status', 'acme', '--watch', '--every', '0'], 'must be longer than zero'],
    [['status', 'acme', '--watch', '--count', 'many'], '--count many: a whole number of at least 1'],
    [['report', 'acme', '--run', 'last'], '--run takes a run number'],
    [['replay', '--query', 'x', '--limit', '0'], '--limit 0: a whole number of at least 1'],
    [['stop', '--all', '--query', "TenantId = 'acme'"], 'a <tenantId>, --all, or --query'],
  ])('%j → %s', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(`Usage: timr-sync ${argv[0]}`);
    expect(r.stdout).toBe('');
  });
});

describe('start validates the settings before connecting (exit 1, tenant and fields named)', () => {
  it('requires a credentials reference to check matching overrides', async () => {
    const overridesFile = path.join(dir, 'overrides.json');
    await writeFile(overridesFile, JSON.stringify({ sync: { matching: { overrides: { 'u-1': '4711' } } } }));
    const r = await cli(['start', 'acme', '--config', overridesFile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tenant "acme": --credentials-ref is required with matching overrides');
  });

  it('lists every invalid field', async () => {
    const r = await cli(['start', 'acme', '--credentials-ref', 'Acme Secrets', '--interval', '3s', '--timezone', 'Europe/Wien']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('settings of tenant "acme" are invalid');
    expect(r.stderr).toMatch(/- credentialsRef: /);
    expect(r.stderr).toMatch(/- intervalSeconds: .*5/);
    expect(r.stderr).toMatch(/- sync.timezone: unknown IANA time zone/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads --config, lets options win, and reports the file fields that are wrong', async () => {
    const file = path.join(dir, 'settings.json');
    await writeFile(file, JSON.stringify({ credentialsRef: 'acme', lookbackDays: 0, sync: { matching: { strategy: 'by_name' } } }));
    const r = await cli(['start', 'acme', '--config', file, '--interval', '1h']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/- lookbackDays: /);
    expect(r.stderr).toMatch(/- sync.matching.strategy: /);
    expect(r.stderr).not.toContain('intervalSeconds');
  });

  it('refuses a settings file of another tenant, a misspelt setting, a missing file and broken JSON', async () => {
    const other = path.join(dir, 'other.json');
    await writeFile(other, JSON.stringify({ tenantId: 'globex', credentialsRef: 'globex' }));
    expect((await cli(['start', 'acme', '--config', other])).stderr).toContain('is for tenant "globex", not "acme"');

    const typo = path.join(dir, 'typo.json');
    await writeFile(typo, JSON.stringify({ credentialsRef: 'acme', lookBackDays: 5 }));
    const t = await cli(['start', 'acme', '--config', typo]);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('unknown setting "lookBackDays"');

    const missing = await cli(['start', 'acme', '--config', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--config .*nope.json: cannot read the file \(ENOENT\)/);

    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"credentialsRef": ');
    expect((await cli(['start', 'acme', '--config', broken])).stderr).toContain('is not valid JSON');
  });
});

describe('expected failures before any server call', () => {
  it('explains a missing codec key in one line, without a stack trace', async () => {
    const r = await cli(['status', 'acme'], { TEMPORAL_ADDRESS: '127.0.0.1:1', TIMR_SYNC_CODEC_KEYS_FILE: path.join(dir, 'no-keys.json') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('codec-keys init');
  });

  it('never echoes a codec key, even a malformed one', async () => {
    const key = 'not-a-real-key-but-still-secret';
    const r = await cli(['status', 'acme'], { TEMPORAL_ADDRESS: '127.0.0.1:1', TIMR_SYNC_CODEC_KEY: key });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('TIMR_SYNC_CODEC_KEY must be');
    expect(r.stderr).not.toContain(key);
  });
});
