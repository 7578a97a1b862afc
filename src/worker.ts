/**
 * The worker: hosts both sync workflows and their activities on one task queue. Scale out by
 * running more of these; all share nothing but the Temporal server. Personio's limits: each
 * tenant has its own limiter in the process, and the processes split the per-IP limit by the
 * pollers Temporal reports on the queue (activities/ip-share.ts).
 *
 * A production worker is versioned (Worker Versioning): it serves one worker deployment version
 * (deployment name + build id, see deploy/worker-version.ts), and the workflows it starts stay
 * pinned to it. A new release runs beside the old one until the old one drained (README
 * "Deploying a workflow change").
 *
 *   npm run worker            # connection from TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / profile
 *   TIMR_SYNC_METRICS_PORT=9464 npm run worker   # + /metrics, /healthz, /readyz (TIMR_SYNC_METRICS_HOST, default 127.0.0.1)
 *   TIMR_SYNC_LOG_LEVEL=debug  # JSON log lines on stdout (default info)
 *   TIMR_SYNC_TASK_QUEUE=…      # another task queue than the product's (tests, isolated setups)
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import { startIpShare } from './activities/ip-share.js';
import { getSharedPersonioLimits } from './clients/rate-limiter.js';
import { endpointsFromEnv, type ActivityDeps } from './activities/deps.js';
import { dataConverterFromEnv } from './codec/index.js';
import { currentVersion } from './deploy/deployments.js';
import { VERSIONING_ENV, versionLabel, workerVersionFromEnv, type WorkerVersion } from './deploy/worker-version.js';
import type { Logger } from '@temporalio/common';
import { log, temporalLogger } from './observability/logger.js';
import { installWorkerRuntime, metricsPortFromEnv } from './observability/runtime.js';
import { startObservabilityServer } from './observability/server.js';
import { secretStoreFromEnv } from './secrets/index.js';
import { TASK_QUEUE } from './workflows/ids.js';
import { parseProcessArgs, processProgram } from './cli/commands/command.js';

const here = fileURLToPath(import.meta.url);
/** Source when run with tsx, compiled JS under dist/ otherwise. */
const sourceFile = (name: string) => path.join(path.dirname(here), `${name}${here.endsWith('.ts') ? '.ts' : '.js'}`);
export const WORKFLOWS_PATH = sourceFile('workflows/index');

/**
 * Modules the workflow bundle loads once per reusable V8 context, shared by every workflow the
 * worker has cached, instead of once per workflow: zod and the schemas (through tenant-settings)
 * were most of an idle tenant's 1.5 MiB (issue 10). Their dependencies come along. None holds
 * per-workflow state: constants, pure functions and classes; time-zone.ts's caches hold only
 * results that are the same whoever asks (zones found valid, instants parsed). The SDK freezes
 * these modules' exports, so workflow code builds any zod schema it uses (tenantSettingsSchema).
 */
export const WORKFLOW_PRELOAD_MODULES = [
  'clients/failure-types',
  'domain/audit-findings',
  'domain/entry-fates',
  'domain/ledger',
  'domain/provision-report',
  'domain/search-attributes',
  'domain/tenant-settings',
].map(sourceFile);

/**
 * The environment a worker process starts with (the Dockerfile, `npm run worker` and the soak's
 * and benchmark's workers set it). glibc gives every thread that allocates its own malloc arena;
 * the SDK's Rust threads then each keep freed memory of cached workflows. Two arenas instead of
 * one per thread: 300 idle tenants 0.40 MiB each instead of 0.51, 1,000 of them 719 MiB instead of
 * 816 (issue 10, docs/performance.md). Read by glibc at process start only, so it
 * cannot be set from inside the worker.
 */
export const WORKER_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/**
 * V8 flags a worker process starts with (the Dockerfile, `npm run worker`, the soak's and
 * benchmark's workers). A worker is mostly idle cached workflows: V8's parallel GC helper threads
 * each keep buffers of their own, and each isolate (the main thread's, the workflow thread's) may
 * grow its young generation to 32 MiB. Side by side, 300 idle tenants: projected RSS for 1,000
 * 704–725 MiB without flags, 658 with `--single-threaded-gc`, 569 with both below; CPU per idle
 * cycle within the runs' spread; a one-tenant backfill at 1000/s as fast (product ÷ plain 1.11
 * against 1.07, 2.33 ms worker CPU per entry against 2.61). Not `--optimize-for-size`: the same
 * backfill 1.63 and 5.89 ms per entry (issue 10, docs/performance.md). On the command line: Node
 * refuses V8 flags in NODE_OPTIONS, and V8 reads GC flags before the heap exists.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--single-threaded-gc', '--max-semi-space-size=2'];

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  deps: ActivityDeps;
  dataConverter?: WorkerOptions['dataConverter'];
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles WORKFLOWS_PATH. */
  workflowBundle?: { code: string };
  maxConcurrentActivityTaskExecutions?: number;
  /** Serve this worker deployment version only (Worker Versioning); unversioned when omitted. */
  version?: WorkerVersion;
  /** How Temporal names this process's pollers (the per-IP share counts them); the SDK's pid@host when omitted. */
  identity?: string;
}

export async function createSyncWorker(opts: SyncWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowBundle: opts.workflowBundle ?? (await bundleWorkflows({ logger: Runtime.instance().logger })),
    activities: createActivities(opts.deps),
    ...(opts.dataConverter && { dataConverter: opts.dataConverter }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 50,
    ...(opts.identity !== undefined && { identity: opts.identity }),
    ...(opts.version && {
      // Every workflow here is pinned: a run finishes on the version it started on (workflows/versioning.ts).
      workerDeploymentOptions: { version: opts.version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' as const },
    }),
  });
}

/**
 * The workflow code this process runs, bundled once: its hash is part of the default build id.
 * Every bundle of the workflows is made here (worker, tests, replay, soak), so all of them
 * preload the same modules; `workflowsPath` for a test's wrapper around them.
 */
export function bundleWorkflows(opts: { logger?: Logger; workflowsPath?: string } = {}): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath: opts.workflowsPath ?? WORKFLOWS_PATH, preloadModules: WORKFLOW_PRELOAD_MODULES, ...(opts.logger && { logger: opts.logger }) });
}

const WORKER_HELP = `
Connection: TEMPORAL_ADDRESS (default localhost:7233), TEMPORAL_NAMESPACE (default default), TEMPORAL_API_KEY,
TEMPORAL_TLS*, or a profile (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE).
  TIMR_SYNC_TASK_QUEUE          task queue to poll (default ${TASK_QUEUE})
  TIMR_SYNC_METRICS_PORT        serve /metrics, /healthz and /readyz on this port (TIMR_SYNC_METRICS_HOST, default 127.0.0.1)
  TIMR_SYNC_LOG_LEVEL           JSON log lines on stdout at this level (default info)
  TIMR_SYNC_CODEC_KEY | TIMR_SYNC_CODEC_KEYS_FILE   payload codec key(s) (default .secrets/codec/codec-keys.json)
  TIMR_SYNC_SECRET_STORE, TIMR_SYNC_SECRETS_DIR     the tenants' credentials (default: files in .secrets/)
  TIMR_BASE_URL, TIMR_TOKEN_URL, PERSONIO_BASE_URL  vendor endpoints (default: the real APIs)
  ${VERSIONING_ENV.mode}=off    run unversioned instead of as a worker deployment version
SIGINT or SIGTERM shuts the worker down gracefully.`;

async function main(): Promise<void> {
  // Before anything connects: --help answers without a server.
  parseProcessArgs(
    processProgram('npm run worker --')
      .description('The worker: hosts the sync workflows and their activities on one task queue. Configured by the environment:')
      .addHelpText('after', WORKER_HELP),
  );
  // Before the first connection: the Runtime carries the JSON logger and the SDK's metrics exporter.
  const metricsPort = metricsPortFromEnv();
  const { sdkMetricsUrl } = await installWorkerRuntime({ sdkMetrics: metricsPort !== undefined });
  const obs = metricsPort !== undefined ? await startObservabilityServer({ port: metricsPort, host: process.env.TIMR_SYNC_METRICS_HOST ?? '127.0.0.1', ...(sdkMetricsUrl && { sdkMetricsUrl }) }) : undefined;
  const config = loadClientConnectConfig();
  const namespace = config.namespace ?? 'default';
  const address = config.connectionOptions.address ?? 'localhost:7233';
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(config.connectionOptions);
  } catch (err) {
    throw new Error(
      `cannot connect to Temporal at ${address} (namespace ${namespace}): ${(err as Error).message.split('\n')[0]}. Is the server running? Point TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (or TEMPORAL_PROFILE) at it (npm run worker -- --help)`,
      { cause: err },
    );
  }
  // The bundler's webpack report is noise for operators: warnings and errors only, as JSON lines.
  const workflowBundle = await bundleWorkflows({ logger: temporalLogger(log(), 'WARN') });
  const version = workerVersionFromEnv(process.env, workflowBundle.code);
  const taskQueue = process.env.TIMR_SYNC_TASK_QUEUE?.trim() || TASK_QUEUE;
  const identity = `${process.pid}@${os.hostname()}`;
  const personioLimits = getSharedPersonioLimits();
  const worker = await createSyncWorker({
    connection,
    namespace,
    taskQueue,
    workflowBundle,
    identity,
    ...(version && { version }),
    deps: { endpoints: endpointsFromEnv(), secrets: secretStoreFromEnv(), personioLimits },
    dataConverter: await dataConverterFromEnv(),
  });
  const logger = log();
  for (const [name, value] of Object.entries(WORKER_PROCESS_ENV)) {
    if (process.platform === 'linux' && process.env[name] === undefined) logger.info(`${name} is unset: start the worker with ${name}=${value} for less memory per cached tenant (README "Production")`);
  }
  const missingFlags = WORKER_NODE_FLAGS.filter((f) => !process.execArgv.includes(f));
  if (missingFlags.length > 0) {
    logger.info(`node started without ${missingFlags.join(' ')}: start the worker as node ${WORKER_NODE_FLAGS.join(' ')} … for less memory per cached tenant (README "Production")`);
  }
  let sharedWith = 0;
  const ipShare = await startIpShare({
    connection,
    namespace,
    taskQueue,
    identity,
    limits: personioLimits,
    onChange: (processes) => {
      if (processes === sharedWith) return;
      sharedWith = processes;
      logger.info({ processes, personioIpRatePerSecond: personioLimits.ip.ratePerSecond }, `Personio per-IP limit shared by ${processes} worker process(es): ${personioLimits.ip.ratePerSecond.toFixed(2)}/s here`);
    },
    onError: (err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not count the worker processes on the task queue; the per-IP share stays as it was'),
  });
  const running = worker.run();
  obs?.watch({ worker, connection, namespace });
  if (obs) logger.info({ metrics: `${obs.url}/metrics`, health: `${obs.url}/healthz`, ready: `${obs.url}/readyz` }, `worker metrics: ${obs.url}/metrics`);
  const where = `${taskQueue} on ${address} / ${namespace}`;
  if (!version) {
    logger.info(`worker polling ${where}, unversioned (${VERSIONING_ENV.mode}=off)`);
  } else {
    logger.info(`worker polling ${where} as version ${versionLabel(version)}`);
    const current = await currentVersion(connection, namespace, version.deploymentName).catch(() => undefined);
    if (current && current.buildId !== version.buildId) {
      logger.info(`current version is ${versionLabel(current)}: new workflows, and tenants moving on, go there until this version is made current`);
    }
    if (current?.buildId !== version.buildId) {
      logger.info(`make it current with: temporal worker deployment set-current-version --deployment-name ${version.deploymentName} --build-id ${version.buildId}`);
    }
  }
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM.
  await running;
  ipShare.stop();
  await obs?.close();
  await connection.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    log().fatal(err instanceof Error ? err.message : String(err));
    log().flush();
    process.exit(1);
  });
}
