/**
 * What the soak runs on: a real Temporal dev server on a SQLite file of its own (restartable on
 * the same port and file), the sandbox timr + Personio in this process, tenant credentials in a
 * 0600 file store, payload encryption, and the worker as a separate process. Everything is
 * stopped by `stop()`, which is safe to call twice and from a signal handler.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { AesGcmPayloadCodec, ensureCodecKeyFile, loadCodecKeyFile } from '../../codec/index.js';
import { startSandbox, SandboxControl, type RunningSandbox } from '../../sandbox/index.js';
import type { Seed } from '../../sandbox/seed.js';
import { FileSecretStore } from '../../secrets/index.js';
import { bundleWorkflows } from '../../worker.js';
import { startDevServer, type DevServer } from '../dev-server.js';
import { freePort } from '../free-port.js';
import { PROJECT_ROOT } from '../temporal-cli.js';
import { WorkerSupervisor } from './worker-supervisor.js';

export interface ChaosStackOptions {
  seed: Seed;
  /** Everything of this soak: db file, logs, secrets, codec keys, bundle, results. */
  runDir: string;
  faultSeed: number;
  httpTimeoutMs: number;
  log: (msg: string) => void;
  /**
   * Run the worker as `npm run build` compiles it, with plain node (as the Dockerfile does),
   * not through tsx: the benchmark measures what ships (tsx's transforms and source maps cost
   * the worker about 50 MiB RSS). Compiled into the run's directory, so `dist/` is left alone.
   */
  compiledWorker?: boolean;
}

/** Where a benchmark's compiled sources go (see `compiledWorker`): `<runDir>/dist`, mirroring the project. */
export function compiledFile(runDir: string, ...sourcePath: string[]): string {
  return path.join(runDir, 'dist', ...sourcePath);
}

/** `tsc -p tsconfig.build.json` into `outDir`; resolves with the compiled worker entry point. */
function compileWorker(outDir: string): Promise<string> {
  const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [tsc, '-p', path.join(PROJECT_ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(new Error(`compiling the worker for the benchmark failed: ${stdout || err.message}`));
      else resolve(path.join(outDir, 'src', 'devstack', 'chaos', 'worker-main.js'));
    });
  });
}

type DataConverter = { payloadCodecs: AesGcmPayloadCodec[] };

export class ChaosStack {
  devServerRestarts = 0;
  private stopping: Promise<void> | undefined;
  private connection: Connection | undefined;
  private readonly connections: Connection[] = [];
  private currentClient: Client | undefined;

  private constructor(
    private readonly opts: ChaosStackOptions,
    private devServer: DevServer | undefined,
    readonly port: number,
    readonly dbFile: string,
    readonly sandbox: RunningSandbox,
    readonly control: SandboxControl,
    readonly secrets: FileSecretStore,
    readonly workers: WorkerSupervisor,
    private readonly dataConverter: DataConverter,
  ) {}

  /** The dev server's process, while it runs (the benchmark reads its CPU). */
  get devServerPid(): number | undefined {
    return this.devServer?.pid;
  }

  /** The parent's client; replaced after a dev-server restart, so always read it from here. */
  get client(): Client {
    if (!this.currentClient) throw new Error('the soak has no Temporal client (dev server down)');
    return this.currentClient;
  }

  get namespace(): string {
    return this.devServer?.namespace ?? 'default';
  }

  static async start(opts: ChaosStackOptions): Promise<ChaosStack> {
    const { log, runDir } = opts;
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    const cleanup: (() => Promise<unknown>)[] = [];
    try {
      const keyFile = path.join(runDir, 'codec', 'codec-keys.json');
      await ensureCodecKeyFile(keyFile);
      const dataConverter = { payloadCodecs: [new AesGcmPayloadCodec(await loadCodecKeyFile(keyFile))] };

      const port = await freePort();
      const dbFile = path.join(runDir, 'temporal.db');
      log('bundling workflows and starting the Temporal dev server…');
      const [devServer, bundle, workerMain] = await Promise.all([
        startDevServer({ ui: false, port, dbFilename: dbFile, logFile: path.join(runDir, 'temporal-dev-server.log'), log }),
        bundleWorkflows({ logger: new DefaultLogger('WARN') }),
        opts.compiledWorker ? compileWorker(compiledFile(runDir)) : undefined,
      ]);
      cleanup.push(() => devServer.stop());
      const bundlePath = path.join(runDir, 'workflow-bundle.js');
      writeFileSync(bundlePath, bundle.code);

      const sandbox = await startSandbox({ seed: opts.seed, faultSeed: opts.faultSeed, requestLogCapacity: 1_000_000 });
      cleanup.push(() => sandbox.stop());

      const secretsDir = path.join(runDir, 'secrets');
      const secrets = new FileSecretStore(secretsDir);
      for (const t of opts.seed.tenants) {
        await secrets.put(t.id, {
          timr: { clientId: t.timr.clientId, clientSecret: t.timr.clientSecret },
          personio: { clientId: t.personio.clientId, clientSecret: t.personio.clientSecret },
        });
      }

      const workers = new WorkerSupervisor({
        env: {
          TEMPORAL_ADDRESS: devServer.address,
          TEMPORAL_NAMESPACE: devServer.namespace,
          WORKFLOW_BUNDLE_PATH: bundlePath,
          TIMR_BASE_URL: sandbox.timrBaseUrl,
          TIMR_TOKEN_URL: sandbox.timrTokenUrl,
          PERSONIO_BASE_URL: sandbox.personioBaseUrl,
          TIMR_SYNC_SECRET_STORE: 'file',
          TIMR_SYNC_SECRETS_DIR: secretsDir,
          TIMR_SYNC_CODEC_KEYS_FILE: keyFile,
          CHAOS_HTTP_TIMEOUT_MS: String(opts.httpTimeoutMs),
        },
        logDir: runDir,
        log,
        ...(workerMain && { workerMain }),
      });
      cleanup.push(() => workers.stop());

      const stack = new ChaosStack(opts, devServer, port, dbFile, sandbox, new SandboxControl(sandbox), secrets, workers, dataConverter);
      await stack.connect();
      return stack;
    } catch (err) {
      for (const c of cleanup.reverse()) await c().catch(() => undefined);
      throw err;
    }
  }

  private async connect(): Promise<void> {
    const address = this.devServer?.address;
    if (!address) throw new Error('dev server is down');
    const connection = await Connection.connect({ address });
    this.connections.push(connection);
    this.connection = connection;
    this.currentClient = new Client({ connection, namespace: this.namespace, dataConverter: this.dataConverter });
  }

  /**
   * After a restart the client's channel reconnects by itself; if it does not answer within
   * half a minute a fresh connection takes over. Old connections are closed only at the end:
   * closing one with calls still retrying inside it makes gRPC throw from a timer.
   */
  private async reconnect(): Promise<void> {
    for (let i = 0; i < 6; i++) {
      try {
        await this.connection!.withDeadline(Date.now() + 5_000, () => this.connection!.workflowService.describeNamespace({ namespace: this.namespace }));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.opts.log('the client did not reconnect by itself; opening a new connection');
    await this.connect();
  }

  private async disconnect(): Promise<void> {
    this.currentClient = undefined;
    this.connection = undefined;
    for (const c of this.connections.splice(0)) await c.close().catch(() => undefined);
  }

  /**
   * Stops the dev server (SIGTERM, SIGKILL after the grace time) and starts it again on the same
   * port and SQLite file. The worker goes down with it and a fresh one is started once the
   * server is back; the parent's client reconnects (see reconnect).
   */
  async restartDevServer(): Promise<{ downSeconds: number }> {
    const t0 = Date.now();
    await this.workers.kill();
    await this.devServer?.stop();
    this.devServer = undefined;
    // The port can take a moment to be free again; a stubborn failure ends the soak.
    for (let attempt = 1; ; attempt++) {
      try {
        this.devServer = await startDevServer({
          ui: false,
          port: this.port,
          dbFilename: this.dbFile,
          logFile: path.join(this.opts.runDir, 'temporal-dev-server.log'),
          log: this.opts.log,
        });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        this.opts.log(`dev server did not come back (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}`);
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }
    await this.reconnect();
    this.devServerRestarts++;
    await this.workers.start();
    return { downSeconds: (Date.now() - t0) / 1000 };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.workers.stop().catch(() => undefined);
      await this.disconnect();
      await this.devServer?.stop().catch(() => undefined);
      await this.sandbox.stop().catch(() => undefined);
    })();
    return this.stopping;
  }
}
