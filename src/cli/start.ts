/**
 * `npm start` — the product on one machine, on embedded defaults: Temporal dev server with its
 * UI (payloads decoded by a local codec server), the sandbox timr and Personio APIs seeded with
 * demo tenants, a worker, and every demo tenant's workflow syncing on its interval.
 *
 *   npm start -- [--tenants 3] [--employees 8] [--days 14] [--seed 1] [--interval 60] [--db .data/start/temporal.db]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { tenantStatus } from '../control/tenants.js';
import { allDemoTenantSettings } from '../devstack/demo-tenants.js';
import { startEmbeddedStack } from '../devstack/embedded-stack.js';
import { PROJECT_ROOT } from '../devstack/temporal-cli.js';
import { DEMO_TENANT_ID, generateDemoData } from '../sandbox/demo-data/index.js';

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '3' },
    employees: { type: 'string', default: '8' },
    days: { type: 'string', default: '14' },
    seed: { type: 'string', default: '1' },
    interval: { type: 'string', default: '60' },
    db: { type: 'string' },
  },
});

const log = (msg: string) => console.log(`[start] ${msg}`);
const dataDir = path.join(PROJECT_ROOT, '.data', 'start');
const seed = generateDemoData({ seed: Number(values.seed), tenants: Number(values.tenants), employees: Number(values.employees), days: Number(values.days) });
const stack = await startEmbeddedStack({ seed, dataDir, ui: true, ...(values.db && { dbFilename: path.resolve(values.db) }), log });

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: shutting down (worker, sandbox, dev server)…`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const settings = allDemoTenantSettings(seed, { intervalSeconds: Number(values.interval) });
await stack.startTenants(settings);

const line = '─'.repeat(78);
console.log(`
${line}
 timr → Personio sync is running
${line}
 Temporal UI        ${stack.devServer.uiUrl}/namespaces/default/workflows
                    (payloads are encrypted; the UI decodes them via ${stack.codecUrl})
 Temporal server    ${stack.devServer.address}    (${stack.devServer.cliVersion})
 sandbox timr       ${stack.sandbox.timrBaseUrl}   control: ${stack.sandbox.timrControlUrl}/state
 sandbox Personio   ${stack.sandbox.personioBaseUrl}   control: ${stack.sandbox.personioControlUrl}/state
 demo tenants       ${settings.map((s) => s.tenantId).join(', ')}  (every ${values.interval} s)
 secrets            ${path.relative(PROJECT_ROOT, path.join(dataDir, 'secrets'))}/<tenant>.json (mode 0600)

 Try (in another terminal):
   export TEMPORAL_ADDRESS=${stack.devServer.address} TIMR_SYNC_CODEC_KEYS_FILE=${path.relative(PROJECT_ROOT, path.join(dataDir, 'codec', 'codec-keys.json'))}
   npm run cli -- status ${DEMO_TENANT_ID}
   npm run cli -- report ${DEMO_TENANT_ID}
   npm run cli -- sync-now ${DEMO_TENANT_ID}
   npm run cli -- pause ${DEMO_TENANT_ID}

 Ctrl-C stops everything.
${line}
`);

// Progress: one line per finished cycle, so the terminal reads like a log of the sync.
const seen = new Map<string, { cycles: number; lastFinishedAt?: string }>();
for (;;) {
  await new Promise((r) => setTimeout(r, 2_000));
  if (stopping) break;
  for (const s of settings) {
    const view = await tenantStatus(stack.client, s.tenantId).catch(() => undefined);
    if (!view || view.runInFlight) continue;
    const before = seen.get(s.tenantId);
    if (before && before.cycles === view.cycles) continue;
    const last = view.recentRuns[0];
    seen.set(s.tenantId, { cycles: view.cycles, lastFinishedAt: last?.finishedAt });
    const next = view.nextSyncAt ? `, next sync ${view.nextSyncAt}` : '';
    // A cycle with nothing to do records no run: the newest run is still the one seen before.
    if (!last || last.finishedAt === before?.lastFinishedAt) {
      log(`${s.tenantId}: cycle ${view.cycles}: nothing new in timr; status ${view.status}${next}`);
      continue;
    }
    const c = last.counts;
    log(
      `${s.tenantId}: ${last.workflowId} ${last.outcome}` +
        (c ? ` — ${c.transferred} transferred, ${c.updated} updated, ${c.deleted} deleted, ${c.quarantined} quarantined, ${c.failed} failed` : '') +
        (last.error ? ` — ${last.error}` : '') +
        `; status ${view.status}${next}`,
    );
  }
}
