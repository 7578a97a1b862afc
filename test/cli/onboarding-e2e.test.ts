/**
 * Onboarding a new tenant exactly as the README tells a newcomer: `npm start` in one terminal,
 * then in another `source <data-dir>/cli.env` and `npx timr-sync onboard …` with the credentials
 * file npm start wrote for the new customer. Real processes, the real bin, the stack npm start
 * runs (its own dev server, sandbox, worker). Only the locations are moved into a temp dir
 * (TIMR_SYNC_SECRETS_DIR, TIMR_SYNC_CODEC_KEYS_FILE, --data-dir) so the test never touches a
 * developer's .secrets/ or a running npm start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/devstack/temporal-cli.js';
import type { User } from '../../src/clients/timr/schemas.js';
import type { TenantStatusView } from '../../src/workflows/types.js';

const TENANT = 'demo-newco';

describe('onboarding a new tenant against npm start, as the README says', () => {
  let dir: string;
  let start: ChildProcess | undefined;
  let startLog = '';
  let env: NodeJS.ProcessEnv;
  let dataDir: string;

  /** One line of the newcomer's second terminal. */
  function sh(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', `source ${JSON.stringify(path.join(dataDir, 'cli.env'))} && ${command}`], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'timr-sync-onboarding-'));
    dataDir = path.join(dir, 'start');
    // No TEMPORAL_* or vendor variables from the test run: cli.env must be all the CLI needs.
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|TIMR_|PERSONIO_)/.test(k)));
    env.TIMR_SYNC_SECRETS_DIR = path.join(dir, 'secrets');
    env.TIMR_SYNC_CODEC_KEYS_FILE = path.join(dir, 'codec', 'codec-keys.json');
    start = spawn('npm', ['start', '--', '--tenants', '1', '--employees', '4', '--days', '7', '--data-dir', dataDir], { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    start.stdout!.on('data', (c: Buffer) => (startLog += c.toString()));
    start.stderr!.on('data', (c: Buffer) => (startLog += c.toString()));
    const deadline = Date.now() + 90_000;
    while (!startLog.includes('Ctrl-C stops everything')) {
      if (Date.now() > deadline || start.exitCode !== null) throw new Error(`npm start did not come up:\n${startLog}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 120_000);

  afterAll(async () => {
    // Ctrl-C, as the newcomer would: npm start stops its worker, sandbox and dev server.
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(start?.pid as number), signal);
      } catch {
        // The group is gone already.
      }
    };
    if (start?.pid !== undefined && start.exitCode === null) {
      const exited = new Promise((r) => start!.once('exit', r));
      kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (start.exitCode === null) kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('npm start names one secret store and the way to the CLI; onboard verifies, decides, provisions, starts, and again only updates', async () => {
    // What npm start told the newcomer.
    expect(startLog).toContain(`secrets            directory ${env.TIMR_SYNC_SECRETS_DIR}  (the CLI and npm run worker read the same store)`);
    expect(startLog).toMatch(new RegExp(`source \\S*cli\\.env`));
    expect(startLog).toContain(`npx timr-sync onboard ${TENANT} --credentials-file`);
    // The demo tenants' credentials, which npm start's worker uses, are in the store the CLI reads
    // (on f9293cd–d02070c npm start kept them in .data/start/secrets and the CLI listed nothing).
    const listed = await sh('npx timr-sync secrets list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')).toContain('demo-acme');
    const credentialsFile = path.join(dataDir, 'onboarding', `${TENANT}-credentials.json`);
    const base = `npx timr-sync onboard ${TENANT} --credentials-file ${credentialsFile} --interval 15m --timezone Europe/Vienna --provision-from-personio`;

    // No terminal: the working-time types must be decided by flags; onboard lists them and the flags.
    const undecided = await sh(base);
    expect(undecided.code, undecided.stderr).toBe(1);
    expect(undecided.stderr).toMatch(/accept the credentials/);
    expect(undecided.stderr).toMatch(/decide for every non-attendance working-time type[\s\S]*"Urlaub", category vacation[\s\S]*Nothing was stored or started/);
    const flags = /Pass (.*?) \(or the other flag per type\)/.exec(undecided.stderr)?.[1];
    expect(flags).toMatch(/--zeitausgleich-type \S+ .*--ignore-type \S+/);

    // The plan first.
    const dry = await sh(`${base} ${flags} --dry-run`);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/7 rows: 5 to create, 1 already in timr, 1 conflicts, 0 invalid/);
    expect(dry.stdout).toMatch(/Nothing was stored, created or started/);
    await expect(readFile(path.join(env.TIMR_SYNC_SECRETS_DIR!, `${TENANT}.json`))).rejects.toThrow(/ENOENT/);

    // Then for real.
    const onboard = await sh(`${base} ${flags}`);
    expect(onboard.code, `${onboard.stdout}\n${onboard.stderr}`).toBe(0);
    expect(onboard.stdout).toMatch(/provisioned timr users from Personio \(active persons\) — tenant\/demo-newco\/provision\/1\n {2}7 rows: 5 created, 1 already in timr, 1 conflicts, 0 invalid/);
    expect(onboard.stdout).toMatch(/started tenant demo-newco: workflow tenant\/demo-newco/);
    expect(onboard.stderr).toContain(`stored the credentials as "${TENANT}" in directory ${env.TIMR_SYNC_SECRETS_DIR}`);

    // npm start's worker reads the store the CLI wrote: the first sync is not auth-failed.
    let view: TenantStatusView | undefined;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = await sh(`npx timr-sync status ${TENANT} --json`);
      expect(status.code, status.stderr).toBe(0);
      view = JSON.parse(status.stdout) as TenantStatusView;
      if (view.cycles >= 1 && !view.runInFlight) break;
      if (Date.now() > deadline) throw new Error(`no finished cycle: ${status.stdout}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(view.status).toBe('active');
    expect(view.recentRuns.map((r) => r.outcome)).not.toContain('auth-failed');
    expect(view.settings.intervalSeconds).toBe(900);
    expect(view.settings.sync.zeitausgleich.typeIds.length).toBeGreaterThan(0);
    expect(view.settings.sync.ignoreTypeIds.length).toBeGreaterThan(0);

    const cliEnv = await readFile(path.join(dataDir, 'cli.env'), 'utf8');
    const timrBase = /TIMR_BASE_URL="([^"]+)"/.exec(cliEnv)?.[1] as string;
    const timrState = (await (await fetch(`${timrBase.replace(/\/v1$/, '')}/_sandbox/state?tenant=${TENANT}`)).json()) as Record<string, { users: User[] }>;
    expect(timrState[TENANT]?.users).toHaveLength(7);

    // Onboarding again: everything is there already; the running tenant is updated, not twinned.
    const again = await sh(`${base} ${flags} --interval 30m`);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/7 rows: 0 created, 6 already in timr, 1 conflicts/);
    expect(again.stdout).toMatch(/updated running tenant demo-newco/);
    const tenants = await sh('npx timr-sync tenants --json');
    expect(tenants.code, tenants.stderr).toBe(0);
    expect(tenants.stdout.match(/"tenant\/demo-newco"/g)).toHaveLength(1);
    const after = JSON.parse((await sh(`npx timr-sync status ${TENANT} --json`)).stdout) as TenantStatusView;
    expect(after.settings.intervalSeconds).toBe(1800);
  }, 240_000);
});
