/**
 * The whole product on one machine, for `npm start` and `npm run sync:once`: a real Temporal
 * dev server (with UI and codec endpoint), the sandbox timr and Personio seeded with demo
 * tenants, their credentials in a 0600 file store, payload encryption, and a worker.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildCodecServer } from '../codec/codec-server.js';
import { AesGcmPayloadCodec, ensureCodecKeyFile, loadCodecKeyFile } from '../codec/index.js';
import { startTenant } from '../control/tenants.js';
import type { TenantSettingsInput } from '../domain/tenant-settings.js';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import type { Seed, TenantSeed } from '../sandbox/seed.js';
import { createLogger, setLogger, type LogLevelName } from '../observability/logger.js';
import { installWorkerRuntime } from '../observability/runtime.js';
import { startObservabilityServer } from '../observability/server.js';
import { FileSecretStore, type ListableSecretStore } from '../secrets/index.js';
import { createSyncWorker } from '../worker.js';
import { startDevServer, type DevServer } from './dev-server.js';
import { freePort } from './free-port.js';

export interface EmbeddedStackOptions {
  seed: Seed;
  /** Where secrets, codec keys and logs go (git-ignored). */
  dataDir: string;
  ui: boolean;
  /** SQLite file to keep workflow state across restarts; in-memory when omitted. */
  dbFilename?: string;
  /**
   * Where the worker reads credentials (the demo tenants' are stored there too). `npm start`
   * passes the installation's store (secretStoreFromEnv), so the CLI and `npm run worker` see
   * the same one; default: a private store under dataDir (sync:once).
   */
  secrets?: ListableSecretStore;
  /** The payload codec; default: a key file under dataDir. */
  codec?: AesGcmPayloadCodec;
  /** More sandbox tenants beyond the seed's (e.g. one to onboard), seeded but not started. */
  extraSandboxTenants?: TenantSeed[];
  log: (msg: string) => void;
  /** Serve /metrics, /healthz and /readyz on this port (0: a free one); off when omitted. */
  metricsPort?: number;
}

export interface EmbeddedStack {
  devServer: DevServer;
  sandbox: RunningSandbox;
  client: Client;
  worker: Worker;
  secrets: ListableSecretStore;
  codecUrl?: string;
  /** The worker's observability endpoint, when metricsPort was given. */
  metricsUrl?: string;
  startTenants(settings: TenantSettingsInput[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(opts: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const { log } = opts;
  // JSON lines; info-level product lines only when asked (TIMR_SYNC_LOG_LEVEL), the console is the start banner's.
  setLogger(createLogger({ level: (process.env.TIMR_SYNC_LOG_LEVEL as LogLevelName | undefined) ?? 'warn' }));
  const { sdkMetricsUrl } = await installWorkerRuntime({ sdkMetrics: opts.metricsPort !== undefined, sdkLogLevel: 'WARN' });
  const stoppers: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch((err) => log(`shutdown: ${(err as Error).message}`));
  };
  try {
    let codec = opts.codec;
    if (!codec) {
      const keyFile = path.join(opts.dataDir, 'codec', 'codec-keys.json');
      await ensureCodecKeyFile(keyFile);
      codec = new AesGcmPayloadCodec(await loadCodecKeyFile(keyFile));
    }
    const dataConverter = { payloadCodecs: [codec] };

    let codecServer: FastifyInstance | undefined;
    let codecUrl: string | undefined;
    let uiPort: number | undefined;
    if (opts.ui) {
      uiPort = await freePort();
      codecServer = buildCodecServer({ codec, corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`] });
      await codecServer.listen({ host: '127.0.0.1', port: 0 });
      const addr = codecServer.server.address();
      codecUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      stoppers.push(() => codecServer!.close());
    }

    const devServer = await startDevServer({
      ui: opts.ui,
      ...(uiPort !== undefined && { uiPort }),
      ...(opts.dbFilename && { dbFilename: opts.dbFilename }),
      logFile: path.join(opts.dataDir, 'temporal-dev-server.log'),
      ...(codecUrl && { extraArgs: ['--ui-codec-endpoint', codecUrl] }),
      log,
    });
    stoppers.push(() => devServer.stop());

    const sandbox = await startSandbox({ seed: { tenants: [...opts.seed.tenants, ...(opts.extraSandboxTenants ?? [])] } });
    stoppers.push(() => sandbox.stop());

    const secrets = opts.secrets ?? new FileSecretStore(path.join(opts.dataDir, 'secrets'));
    for (const t of opts.seed.tenants) {
      await secrets.put(t.id, {
        timr: { clientId: t.timr.clientId, clientSecret: t.timr.clientSecret },
        personio: { clientId: t.personio.clientId, clientSecret: t.personio.clientSecret },
      });
    }

    const connection = await Connection.connect({ address: devServer.address });
    stoppers.push(() => connection.close());
    const client = new Client({ connection, namespace: devServer.namespace, dataConverter });

    const nativeConnection = await NativeConnection.connect({ address: devServer.address });
    stoppers.push(() => nativeConnection.close());
    log('bundling workflows and starting the worker…');
    const worker = await createSyncWorker({
      connection: nativeConnection,
      namespace: devServer.namespace,
      deps: {
        endpoints: { timrBaseUrl: sandbox.timrBaseUrl, timrTokenUrl: sandbox.timrTokenUrl, personioBaseUrl: sandbox.personioBaseUrl },
        secrets,
      },
      dataConverter,
    });
    const running = worker.run();
    stoppers.push(async () => {
      // The SDK runtime starts draining the worker on SIGINT/SIGTERM itself: wait for that one.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    let metricsUrl: string | undefined;
    if (opts.metricsPort !== undefined) {
      const obs = await startObservabilityServer({ port: opts.metricsPort, ...(sdkMetricsUrl && { sdkMetricsUrl }), target: { worker, connection: nativeConnection } });
      stoppers.push(() => obs.close());
      metricsUrl = obs.url;
    }

    return {
      devServer,
      sandbox,
      client,
      worker,
      secrets,
      ...(codecUrl && { codecUrl }),
      ...(metricsUrl && { metricsUrl }),
      async startTenants(settings) {
        for (const s of settings) await startTenant(client, s);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
