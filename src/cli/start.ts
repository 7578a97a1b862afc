/**
 * `npm start` — the product on one machine, on embedded defaults: Temporal dev server with its
 * UI (payloads decoded by a local codec server), the sandbox timr and Personio APIs seeded with
 * demo tenants, a worker, and every demo tenant's workflow syncing on its interval.
 *
 *   npm start -- [--tenants 3] [--employees 8] [--days 14] [--seed 1] [--interval 60s] [--db .data/start/temporal.db]
 *                [--data-dir .data/start] [--onboarding-tenant demo-newco|none]   (npm start -- --help)
 *
 * Secrets and codec keys live where the CLI and `npm run worker` look for them too
 * (secretStoreFromEnv, codecKeysFileFromEnv: `.secrets/` unless TIMR_SYNC_* say otherwise), so a
 * tenant onboarded with `timr-sync onboard` is synced by this worker. `<data-dir>/cli.env` holds
 * the connection for the CLI (Temporal address, sandbox endpoints, secret store).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AesGcmPayloadCodec, codecKeysFileFromEnv, ensureCodecKeyFile, loadCodecKeyring } from '../codec/index.js';
import { tenantStatus } from '../control/tenants.js';
import { allDemoTenantSettings } from '../devstack/demo-tenants.js';
import { startEmbeddedStack, type EmbeddedStack } from '../devstack/embedded-stack.js';
import { ONBOARDING_TENANT_ID, onboardingTenantSeed, writeOnboardingFiles } from '../devstack/onboarding-tenant.js';
import { durationSeconds, integerAtLeast, parseProcessArgs, processProgram } from './commands/command.js';
import { metricsPortFromEnv } from '../observability/runtime.js';
import { secretStoreFromEnv } from '../secrets/index.js';
import { PROJECT_ROOT } from '../devstack/temporal-cli.js';
import { DEMO_TENANT_ID, generateDemoData } from '../sandbox/demo-data/index.js';

const values = parseProcessArgs(
  processProgram('npm start --')
    .description(
      `The whole product on this machine: Temporal dev server and UI, the sandbox vendors seeded with
demo tenants, the codec server, a worker, and every demo tenant's workflow syncing on its
interval. Ctrl-C (or SIGTERM) stops everything.`,
    )
    .option('--tenants <n>', 'demo tenants', integerAtLeast(1, '--tenants'), 3)
    .option('--employees <n>', 'employees per demo tenant', integerAtLeast(1, '--employees'), 8)
    .option('--days <n>', 'days of working times per employee', integerAtLeast(1, '--days'), 14)
    .option('--seed <n>', 'seed of the demo data', integerAtLeast(0, '--seed'), 1)
    .option('--interval <duration>', 'sync interval of the demo tenants: 60, 60s, 5m', durationSeconds('--interval'), 60)
    .option('--db <file>', 'SQLite file of the dev server (default: <data-dir>/temporal.db)')
    .option('--data-dir <dir>', 'where the stack keeps its files (default .data/start)')
    .option('--onboarding-tenant <id>', 'a sandbox tenant left to onboard by hand, or "none"', ONBOARDING_TENANT_ID),
);

const log = (msg: string) => console.log(`[start] ${msg}`);
const STOP_DEADLINE_MS = 4_000;
const dataDir = path.resolve(values.dataDir ?? path.join(PROJECT_ROOT, '.data', 'start'));
const seed = generateDemoData({ seed: values.seed, tenants: values.tenants, employees: values.employees, days: values.days });
// The installation's secret store and codec keys: the same ones the CLI and `npm run worker` use.
const secrets = secretStoreFromEnv(process.env);
const codecKeysFile = codecKeysFileFromEnv(process.env);
if (!process.env.TIMR_SYNC_CODEC_KEY) await ensureCodecKeyFile(codecKeysFile);
const codec = new AesGcmPayloadCodec(await loadCodecKeyring(process.env));
const onboarding = values.onboardingTenant === 'none' ? undefined : onboardingTenantSeed(values.onboardingTenant);
// npm start serves metrics and health by default (9464, Prometheus' conventional exporter port); TIMR_SYNC_METRICS_PORT moves it.
const metricsPort = metricsPortFromEnv() ?? 9464;
// Installed before the stack starts: a signal while it comes up stops what is already running
// (the dev server's exit hook kills its process) instead of leaving it behind.
let stack: EmbeddedStack | undefined = undefined;
let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: shutting down (worker, sandbox, dev server)…`);
  // A supervisor's SIGKILL after its grace period (docker: 10 s) would leave the dev server
  // running: past the deadline exit anyway, and the dev server's exit hook kills its process.
  setTimeout(() => {
    log(`shutdown not done after ${STOP_DEADLINE_MS / 1000} s: exiting`);
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  await stack?.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

stack = await startEmbeddedStack({
  seed,
  dataDir,
  ui: true,
  secrets,
  codec,
  ...(onboarding && { extraSandboxTenants: [onboarding] }),
  ...(values.db && { dbFilename: path.resolve(values.db) }),
  log,
  metricsPort,
});
if (stack.metricsUrl) log(`worker metrics: ${stack.metricsUrl}/metrics · health: ${stack.metricsUrl}/healthz, ${stack.metricsUrl}/readyz`);

const settings = allDemoTenantSettings(seed, { intervalSeconds: values.interval });
await stack.startTenants(settings);

const rel = (p: string) => {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};
const cliEnv = {
  TEMPORAL_ADDRESS: stack.devServer.address,
  TEMPORAL_NAMESPACE: stack.devServer.namespace,
  TIMR_BASE_URL: stack.sandbox.timrBaseUrl,
  TIMR_TOKEN_URL: stack.sandbox.timrTokenUrl,
  PERSONIO_BASE_URL: stack.sandbox.personioBaseUrl,
  ...(process.env.TIMR_SYNC_SECRET_STORE && { TIMR_SYNC_SECRET_STORE: process.env.TIMR_SYNC_SECRET_STORE }),
  ...(process.env.TIMR_SYNC_SECRET_STORE !== 'env' && { TIMR_SYNC_SECRETS_DIR: path.resolve(process.env.TIMR_SYNC_SECRETS_DIR || path.join(PROJECT_ROOT, '.secrets')) }),
  ...(!process.env.TIMR_SYNC_CODEC_KEY && { TIMR_SYNC_CODEC_KEYS_FILE: codecKeysFile }),
};
const cliEnvFile = path.join(dataDir, 'cli.env');
await writeFile(cliEnvFile, `${Object.entries(cliEnv).map(([k, v]) => `export ${k}=${JSON.stringify(v)}`).join('\n')}\n`);
const files = onboarding ? await writeOnboardingFiles(path.join(dataDir, 'onboarding'), onboarding) : undefined;

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
 secrets            ${secrets.location}  (the CLI and npm run worker read the same store)
 codec keys         ${process.env.TIMR_SYNC_CODEC_KEY ? 'TIMR_SYNC_CODEC_KEY' : rel(codecKeysFile)}

 Try (in another terminal):
   source ${rel(cliEnvFile)}
   npx timr-sync status ${DEMO_TENANT_ID}
   npx timr-sync report ${DEMO_TENANT_ID}
   npx timr-sync sync-now ${DEMO_TENANT_ID}
${
  onboarding && files
    ? `
 A new customer to onboard: ${onboarding.id} (in the sandbox, not started yet)
   npx timr-sync onboard ${onboarding.id} --credentials-file ${rel(files.credentialsFile)} \\
     --interval 15m --timezone Europe/Vienna --provision-from-personio
   (or --provision-file ${rel(files.exportFile)}; add --dry-run to see the plan first)
`
    : ''
}
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
