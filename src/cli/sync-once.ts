/**
 * `npm run sync:once -- [--json] [--tenants 3 --employees 8 --days 14 --seed 1] [--timeout 10m]`
 *
 * Starts the embedded stack (dev server, sandbox seeded with demo tenants, worker), starts
 * every demo tenant, waits until each finished one cycle, reads both sandboxes back and prints
 * what happened — then shuts everything down. Exit code 1 when an invariant is violated.
 */
import path from 'node:path';
import { durationSeconds, integerAtLeast, parseProcessArgs, processProgram } from './commands/command.js';
import { tenantStatus } from '../control/tenants.js';
import { allDemoTenantSettings } from '../devstack/demo-tenants.js';
import { startEmbeddedStack } from '../devstack/embedded-stack.js';
import { PROJECT_ROOT } from '../devstack/temporal-cli.js';
import { generateDemoData } from '../sandbox/demo-data/index.js';
import { SandboxControl } from '../sandbox/index.js';
import { auditClean, auditSync, auditTenantFromStatus } from '../sandbox/sync-audit.js';
import type { TenantStatusView } from '../workflows/types.js';

const values = parseProcessArgs(
  processProgram('npm run sync:once --')
    .description('Starts the embedded stack, syncs every demo tenant once, audits both sandboxes and stops; exit 1 when an invariant is violated.')
    .option('--json', 'print the audit as one JSON line')
    .option('--tenants <n>', 'demo tenants', integerAtLeast(1, '--tenants'), 3)
    .option('--employees <n>', 'employees per tenant', integerAtLeast(1, '--employees'), 8)
    .option('--days <n>', 'days of working times', integerAtLeast(1, '--days'), 14)
    .option('--seed <n>', 'seed of the demo data', integerAtLeast(0, '--seed'), 1)
    .option('--timeout <duration>', 'give up after: 600, 10m', durationSeconds('--timeout'), 600),
);

// Progress goes to stderr so `--json` output stays machine-readable.
const log = (msg: string) => console.error(`[sync:once] ${msg}`);
const started = Date.now();
const seed = generateDemoData({ seed: values.seed, tenants: values.tenants, employees: values.employees, days: values.days });
const stack = await startEmbeddedStack({ seed, dataDir: path.join(PROJECT_ROOT, '.data', 'sync-once'), ui: false, log });
let exitCode = 0;
try {
  const settings = allDemoTenantSettings(seed, { intervalSeconds: 3600 });
  await stack.startTenants(settings);
  log(`started ${settings.length} tenant workflow(s); waiting for one cycle each`);

  const deadline = Date.now() + values.timeout * 1000;
  const views = new Map<string, TenantStatusView>();
  let lastReport = 0;
  while (views.size < settings.length) {
    if (Date.now() > deadline) throw new Error(`timed out; finished: ${[...views.keys()].join(', ') || 'none'}`);
    for (const s of settings) {
      if (views.has(s.tenantId)) continue;
      const v = await tenantStatus(stack.client, s.tenantId).catch(() => undefined);
      if (v && v.cycles >= 1 && v.runInFlight === null) {
        views.set(s.tenantId, v);
        const r = v.recentRuns[0];
        log(`${s.tenantId}: ${r ? `${r.outcome}, ${r.counts?.transferred ?? 0} transferred, ${r.counts?.quarantined ?? 0} quarantined` : 'nothing to do'} (${views.size}/${settings.length})`);
      }
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      log(`${views.size}/${settings.length} tenants done after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const control = new SandboxControl(stack.sandbox);
  const [timr, personio] = await Promise.all([control.state('timr'), control.state('personio')]);
  const audit = auditSync(timr, personio, [...views.values()].map((v) => auditTenantFromStatus(v)));
  const result = { ...audit, seconds: Math.round((Date.now() - started) / 100) / 10 };

  // History size of every run, so the "≤ 10 events per entry" target is visible.
  let longest = { workflowId: '', events: 0, entries: 0 };
  for (const v of views.values()) {
    for (const run of v.recentRuns) {
      const history = await stack.client.workflow.getHandle(run.workflowId).fetchHistory();
      const events = history.events?.length ?? 0;
      if (events > longest.events) longest = { workflowId: run.workflowId, events, entries: run.counts?.transferred ?? 0 };
    }
  }
  if (longest.workflowId) {
    log(`longest run ${longest.workflowId}: ${longest.events} history events for ${longest.entries} transferred entries (${(longest.events / Math.max(1, longest.entries)).toFixed(1)} per entry)`);
  }
  // Clean (nothing lost, duplicated, orphaned, stale, double-claimed) and nothing left waiting.
  const ok = auditClean(audit) && audit.waiting === 0;
  if (!ok) exitCode = 1;
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(JSON.stringify(result, null, 2));
    console.log(ok ? 'all invariants hold' : 'INVARIANT VIOLATED: see the figures above');
  }
} catch (err) {
  console.error(`[sync:once] failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(exitCode);
