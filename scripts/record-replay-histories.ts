/**
 * Records real histories of both sync workflows for a release into
 * test/fixtures/histories/v<package version>/, for the replay test that guards workflow
 * determinism: every kept release must replay on the current code. A release's folder is never
 * overwritten — record once per release (after `npm version …`); `--version <name>` records under
 * another name (e.g. v0.2.1-hotfix.1). See README "Deploying a workflow change".
 *
 *   npx tsx scripts/record-replay-histories.ts [--version v0.2.0]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { pauseTenant, resumeTenant, startTenant, syncTenantNow, tenantStatus } from '../src/control/tenants.js';
import { demoTenantSettings } from '../src/devstack/demo-tenants.js';
import { startDevServer } from '../src/devstack/dev-server.js';
import { PROJECT_ROOT, resolveTool, TEMPORAL_CLI } from '../src/devstack/temporal-cli.js';
import { generateDemoData } from '../src/sandbox/demo-data/index.js';
import { SandboxControl, startSandbox } from '../src/sandbox/index.js';
import { FileSecretStore } from '../src/secrets/index.js';
import { createSyncWorker } from '../src/worker.js';
import { HISTORIES_DIR, VERSION_FOLDER } from '../test/helpers/history-fixtures.js';

const { values } = parseArgs({ options: { version: { type: 'string' } } });
const version = values.version ?? `v${(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version}`;
if (!VERSION_FOLDER.test(version)) throw new Error(`--version ${version}: use v<major>.<minor>.<patch>[-suffix], e.g. v0.2.0 or v0.2.1-hotfix.1`);
const OUT = path.join(HISTORIES_DIR, version);
if (existsSync(OUT)) {
  console.error(
    `${path.relative(PROJECT_ROOT, OUT)} exists: the histories of a release are never overwritten (workflows of that release may still be running).\n` +
      'For a new release bump the version first (npm version minor --no-git-tag-version), or record under another name with --version.',
  );
  process.exit(1);
}
// Written next to the folder and renamed at the end, so a failed recording leaves nothing half-done.
const STAGING = `${OUT}.recording-${process.pid}`;
Runtime.install({ logger: new DefaultLogger('WARN') });

const dev = await startDevServer({ ui: false });
const seed = generateDemoData({ seed: 3, tenants: 1, employees: 4, days: 7 });
const tenant = seed.tenants[0]!;
const sandbox = await startSandbox({ seed });
const control = new SandboxControl(sandbox);
const secretsDir = mkdtempSync(path.join(os.tmpdir(), 'record-secrets-'));
const secrets = new FileSecretStore(secretsDir);
await secrets.put(tenant.id, { timr: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret }, personio: { clientId: tenant.personio.clientId, clientSecret: tenant.personio.clientSecret } });

const nativeConnection = await NativeConnection.connect({ address: dev.address });
const worker = await createSyncWorker({
  connection: nativeConnection,
  namespace: dev.namespace,
  deps: { endpoints: { timrBaseUrl: sandbox.timrBaseUrl, timrTokenUrl: sandbox.timrTokenUrl, personioBaseUrl: sandbox.personioBaseUrl }, secrets },
});
const running = worker.run();
const connection = await Connection.connect({ address: dev.address });
const client = new Client({ connection, namespace: dev.namespace });

try {
  // Run 1 takes the compensation paths: a conflict on one lock, an employee edit during another.
  await control.addFault('timr', { tenantId: tenant.id, route: 'PATCH /v1/working-times/:id', after: 2, times: 1, fault: { kind: 'conflict' } });
  await control.addFault('timr', { tenantId: tenant.id, route: 'PATCH /v1/working-times/:id', after: 6, times: 1, fault: { kind: 'concurrent-edit', patch: { notes: 'edited during lock' } } });
  await control.addFault('personio', { tenantId: tenant.id, route: 'POST /v2/attendance-periods', after: 3, times: 1, fault: { kind: 'commit-then-drop', mode: 'reset' } });
  await startTenant(client, demoTenantSettings(tenant, { intervalSeconds: 3600, activityTimeoutSeconds: 10 }));
  for (let i = 0; i < 600; i++) {
    const s = await tenantStatus(client, tenant.id).catch(() => undefined);
    if (s && s.cycles >= 1 && !s.runInFlight) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // Run 2: the deferred entry; then the control updates.
  await syncTenantNow(client, tenant.id);
  await pauseTenant(client, tenant.id);
  await resumeTenant(client, tenant.id);
  for (let i = 0; i < 600; i++) {
    const s = await tenantStatus(client, tenant.id);
    if (s.cycles >= 3 && !s.runInFlight) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const status = await tenantStatus(client, tenant.id);
  mkdirSync(STAGING, { recursive: true });
  const ids = [`tenant/${tenant.id}`, ...status.recentRuns.map((r) => r.workflowId)];
  for (const id of ids) {
    // The CLI writes the standard JSON history format that historyFromJSON and the UI read.
    const cli = resolveTool(TEMPORAL_CLI);
    if (cli.kind !== 'path') throw new Error(cli.reason);
    const json = execFileSync(cli.path, ['workflow', 'show', '--workflow-id', id, '--address', dev.address, '--namespace', dev.namespace, '--output', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const name = `${id.replace(/^tenant\/[^/]+/, 'tenant').replaceAll('/', '-')}.json`;
    writeFileSync(path.join(STAGING, name), json);
    console.log(`${path.relative(PROJECT_ROOT, path.join(OUT, name))}: ${(JSON.parse(json) as { events: unknown[] }).events.length} events`);
  }
  renameSync(STAGING, OUT);
} finally {
  worker.shutdown();
  await running;
  await connection.close();
  await nativeConnection.close();
  await sandbox.stop();
  await dev.stop();
  rmSync(secretsDir, { recursive: true, force: true });
  rmSync(STAGING, { recursive: true, force: true });
}
