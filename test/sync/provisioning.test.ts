/**
 * `timr-sync provision` against the real stack: the dev server, a worker with the real workflows
 * and activities, the sandbox timr and Personio over HTTP, credentials in a 0600 file store and
 * the payload codec on both sides. Every step goes through runCli, as an operator would.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { runCli } from '../../src/cli/timr-sync.js';
import { ValidationRejectedError } from '../../src/clients/errors.js';
import { TimrClient } from '../../src/clients/timr/client.js';
import type { User } from '../../src/clients/timr/schemas.js';
import { dataConverterFromEnv } from '../../src/codec/index.js';
import { onboardingTenantSeed, writeOnboardingFiles } from '../../src/devstack/onboarding-tenant.js';
import { SandboxControl, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { FileSecretStore } from '../../src/secrets/index.js';
import type { ProvisionProgress } from '../../src/workflows/provision.js';
import { connectTestEnv, createTestWorker, uniqueTaskQueue } from '../helpers/temporal.js';

describe('provisioning timr users', () => {
  const tenantId = `prov-${randomBytes(3).toString('hex')}`;
  const tenant = onboardingTenantSeed(tenantId);
  const codecKey = randomBytes(32).toString('base64');
  const taskQueue = uniqueTaskQueue('provision');
  let dir: string;
  let exportFile: string;
  let sandbox: RunningSandbox;
  let control: SandboxControl;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let cliEnv: NodeJS.ProcessEnv;
  const onboardId = `${tenantId}-ob`;

  async function cli(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: { write: (c: string) => (stdout += c) }, stderr: { write: (c: string) => (stderr += c) }, env: cliEnv });
    return { code, stdout, stderr };
  }
  async function provision(...argv: string[]): Promise<ProvisionProgress> {
    const r = await cli('provision', tenantId, '--json', '--task-queue', taskQueue, ...argv);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as ProvisionProgress;
  }
  async function users(): Promise<User[]> {
    const state = await control.state<Record<string, { users: User[] }>>('timr', tenantId);
    return state[tenantId]?.users ?? [];
  }
  const userPosts = async () => (await control.requests('timr', tenantId)).filter((r) => r.method === 'POST' && r.route === '/v1/users');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'timr-sync-provision-'));
    sandbox = await startSandbox({ seed: { tenants: [tenant] } });
    control = new SandboxControl(sandbox);
    const secrets = new FileSecretStore(path.join(dir, 'secrets'));
    await secrets.put(tenantId, { timr: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret }, personio: { clientId: tenant.personio.clientId, clientSecret: tenant.personio.clientSecret } });
    ({ exportFile } = await writeOnboardingFiles(path.join(dir, 'files'), tenant));
    env = await connectTestEnv();
    worker = await createTestWorker(env, {
      taskQueue,
      activities: createActivities({
        endpoints: { timrBaseUrl: sandbox.timrBaseUrl, timrTokenUrl: sandbox.timrTokenUrl, personioBaseUrl: sandbox.personioBaseUrl },
        secrets,
        httpTimeoutMs: 3_000,
      }),
      dataConverter: await dataConverterFromEnv({ TIMR_SYNC_CODEC_KEY: codecKey }),
    });
    running = worker.run();
    cliEnv = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TIMR_SYNC_CODEC_KEY: codecKey,
      // The same store as the worker's, and the sandbox as the vendors (what npm start's cli.env says).
      TIMR_SYNC_SECRETS_DIR: path.join(dir, 'secrets'),
      TIMR_BASE_URL: sandbox.timrBaseUrl,
      TIMR_TOKEN_URL: sandbox.timrTokenUrl,
      PERSONIO_BASE_URL: sandbox.personioBaseUrl,
    };
  });

  afterAll(async () => {
    await env?.client.workflow.getHandle(`tenant/${onboardId}`).terminate('test cleanup').catch(() => undefined);
    worker?.shutdown();
    await running?.catch(() => undefined);
    await sandbox?.stop();
    await env?.teardown();
    await rm(dir, { recursive: true, force: true });
  });

  it('the timr sandbox validates POST /users like the vendor spec: the login pattern, a taken login', async () => {
    const timr = new TimrClient({ tenantId, baseUrl: sandbox.timrBaseUrl, tokenUrl: sandbox.timrTokenUrl, credentials: tenant.timr });
    const taken = (await users())[0]!.login as string;
    await expect(timr.createUser({ login: 'jürgen@acme.example', firstname: 'J', lastname: 'G' })).rejects.toThrow(ValidationRejectedError);
    await expect(timr.createUser({ login: taken, firstname: 'J', lastname: 'G' })).rejects.toThrow(/already exists/);
    expect(await userPosts()).toHaveLength(2);
  });

  it('--dry-run prints the diff and changes nothing', async () => {
    const before = await users();
    const postsBefore = (await userPosts()).length;
    const r = await cli('provision', tenantId, '--file', exportFile, '--dry-run', '--task-queue', taskQueue);
    expect(r.code, r.stderr).toBe(0);
    // The diff: who would be created (with the login), what conflicts and why, counts.
    expect(r.stdout).toMatch(/dry run of provisioning/);
    expect(r.stdout).toMatch(/7 rows: 5 to create, 1 already in timr, 1 conflicts, 0 invalid/);
    expect(r.stdout).toMatch(/conflicts[^\n]*:\n {2}! line 3 .*\n.*its employee number is [^,]+-OLD, the row has/);
    const wouldCreate = r.stdout.split('\n').filter((l) => l.startsWith('  + '));
    expect(wouldCreate).toHaveLength(5);
    expect(wouldCreate[0]).toMatch(/line 4 .*→ login \S+@\S+/);
    expect(r.stdout).toMatch(/Dry run: nothing was created or changed/);
    expect(r.stderr).toMatch(/1 inactive rows left out/);
    expect(await users()).toEqual(before);
    expect(await userPosts()).toHaveLength(postsBefore);
  });

  it('under commit-then-drop on POST /v1/users every employee is created exactly once; a second run creates nothing', async () => {
    const before = await users();
    // The first three creates commit, then the connection is reset: the client never sees an answer.
    await control.addFault('timr', { tenantId, route: 'POST /v1/users', times: 3, fault: { kind: 'commit-then-drop', mode: 'reset' } });
    const first = await provision('--from-personio');
    expect(first.done).toBe(true);
    expect(first.report.counts).toMatchObject({ rows: 7, created: 5, existing: 1, conflicts: 1, invalid: 0 });
    const dropped = (await userPosts()).filter((p) => p.faults?.some((f) => f.startsWith('commit-then-drop')));
    expect(dropped).toHaveLength(3);

    const after = await users();
    expect(after).toHaveLength(before.length + 5);
    const logins = after.map((u) => u.login);
    expect(new Set(logins).size).toBe(logins.length);
    const created = after.filter((u) => !before.some((b) => b.id === u.id));
    // Every person once, with the fields from Personio; nobody that existed was touched.
    const persons = tenant.personio.persons.filter((p) => p.status !== 'inactive');
    for (const u of created) {
      const person = persons.find((p) => p.id === u.external_id);
      expect(person, `created user ${u.login}`).toBeDefined();
      expect(u).toMatchObject({ login: person!.email!.trim().toLowerCase(), firstname: person!.first_name, lastname: person!.last_name, employee_number: person!.employee_number, entry_date: person!.hire_date });
    }
    expect(after.filter((u) => before.some((b) => b.id === u.id))).toEqual(before);

    const postsBefore = (await userPosts()).length;
    const second = await provision('--from-personio');
    expect(second.report.counts).toMatchObject({ rows: 7, created: 0, existing: 6, conflicts: 1 });
    expect(await userPosts()).toHaveLength(postsBefore);
    expect(await users()).toEqual(after);

    // The export file names the same people: nothing to do either.
    const fromFile = await provision('--file', exportFile);
    expect(fromFile.report.counts).toMatchObject({ rows: 7, created: 0, existing: 6, conflicts: 1 });
  });

  it('a garbled answer to a create is reconciled as well, and an inactive person comes only when asked', async () => {
    const before = await users();
    await control.addFault('timr', { tenantId, route: 'POST /v1/users', times: 1, fault: { kind: 'malformed', mode: 'html' } });
    const r = await provision('--from-personio', '--include-inactive');
    expect(r.report.counts).toMatchObject({ rows: 8, created: 1, existing: 6, conflicts: 1 });
    const after = await users();
    expect(after).toHaveLength(before.length + 1);
    const inactive = tenant.personio.persons.find((p) => p.status === 'inactive')!;
    expect(after.filter((u) => u.external_id === inactive.id)).toHaveLength(1);
  });

  it('bad rows and usage mistakes are reported with their line and fix', async () => {
    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, 'Vorname;Nachname;E-Mail\r\nAnna;;anna@x.example\r\nBob;Bau;nope\r\n');
    const r = await provision('--file', bad);
    expect(r.report.counts).toMatchObject({ rows: 2, invalid: 2, created: 0 });
    expect(r.report.samples.invalid.map((o) => o.where)).toEqual(['line 2', 'line 3']);
    expect((await cli('provision', tenantId)).stderr).toMatch(/say where the employees come from/);
    expect((await cli('provision', tenantId, '--from-personio', '--file', bad)).code).toBe(2);
    const noMail = path.join(dir, 'nomail.csv');
    await writeFile(noMail, 'Vorname;Nachname\nA;B\n');
    const refused = await cli('provision', tenantId, '--file', noMail, '--task-queue', taskQueue);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has no column for email[\s\S]*--columns email=<header>/);
  });

  describe('onboard, in-process', () => {
    // The same sandbox account under a second tenant id (its credentials are the account's).
    const creds = () => ({ timr: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret }, personio: { clientId: tenant.personio.clientId, clientSecret: tenant.personio.clientSecret } });
    async function credentialsFile(content: unknown): Promise<string> {
      const p = path.join(dir, `creds-${randomBytes(3).toString('hex')}.json`);
      await writeFile(p, JSON.stringify(content), { mode: 0o600 });
      return p;
    }
    async function onboard(argv: string[], ask?: (q: { type: { id: string }; suggested: 'zeitausgleich' | 'ignore' }) => Promise<'zeitausgleich' | 'ignore'>) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['onboard', onboardId, '--task-queue', taskQueue, ...argv], {
        stdout: { write: (c: string) => (stdout += c) },
        stderr: { write: (c: string) => (stderr += c) },
        env: cliEnv,
        ...(ask && { ask }),
      });
      return { code, stdout, stderr };
    }

    it('refuses credentials a vendor rejects, naming the tenant, the vendor and the fix; nothing is stored', async () => {
      const wrong = await credentialsFile({ ...creds(), personio: { clientId: tenant.personio.clientId, clientSecret: 'not-the-secret-0000' } });
      const r = await onboard(['--credentials-file', wrong]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`tenant ${onboardId}: Personio rejected the client id/secret\\. Fix: check --personio-client-id/--personio-client-secret.*Nothing was stored or started`));
      expect(r.stderr).not.toContain('not-the-secret-0000');
      await expect(new FileSecretStore(path.join(dir, 'secrets')).get(onboardId)).rejects.toThrow(/No credentials stored/);
    });

    it('asks for every open type on a terminal, stores, starts; again, it updates the running tenant', async () => {
      const file = await credentialsFile(creds());
      const asked: string[] = [];
      const first = await onboard(['--credentials-file', file, '--interval', '10m'], async (q) => {
        asked.push(q.type.id);
        return q.suggested;
      });
      expect(first.code, first.stderr).toBe(0);
      const open = tenant.timr.workingTimeTypes.filter((t) => t.category !== 'attendance_time' && !t.archived).map((t) => t.id);
      expect(asked.sort()).toEqual([...open].sort());
      expect(first.stdout).toMatch(new RegExp(`started tenant ${onboardId}`));
      expect(await new FileSecretStore(path.join(dir, 'secrets')).get(onboardId)).toEqual(creds());
      const status = await cli('status', onboardId, '--json');
      expect(status.code, status.stderr).toBe(0);
      const view = JSON.parse(status.stdout) as { settings: { intervalSeconds: number; sync: { zeitausgleich: { typeIds: string[] }; ignoreTypeIds: string[] } } };
      expect(view.settings.intervalSeconds).toBe(600);
      expect([...view.settings.sync.zeitausgleich.typeIds, ...view.settings.sync.ignoreTypeIds].sort()).toEqual([...open].sort());
      expect(view.settings.sync.zeitausgleich.typeIds.length).toBeGreaterThan(0);

      // Nothing open any more (the running tenant's decisions count): no question, an update.
      const again = await onboard(['--interval', '20m'], async () => {
        throw new Error('nothing should be asked');
      });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/updated running tenant .*it was not started twice/);
    });
  });
});
