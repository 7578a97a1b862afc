/**
 * Starts, SIGKILLs and restarts the soak's worker process. One worker at a time; every child is
 * tracked so shutdown (normal, error or Ctrl-C) kills it, and a worker that dies on its own
 * (not killed by us) is counted and replaced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../worker.js';
import { PROJECT_ROOT } from '../temporal-cli.js';

const WORKER_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-main.ts');

export interface WorkerSupervisorOptions {
  /** Environment of every worker (endpoints, secrets dir, bundle path, Temporal address). */
  env: Record<string, string>;
  logDir: string;
  log: (msg: string) => void;
  readyTimeoutMs?: number;
  /** A compiled worker-main.js, run with plain node; by default the TypeScript source through tsx. */
  workerMain?: string;
}

export class WorkerSupervisor {
  private child: ChildProcess | undefined;
  private ready = false;
  private generation = 0;
  private readonly killedByUs = new WeakSet<ChildProcess>();
  private starting: Promise<void> | undefined;
  private stopped = false;
  /** True between start() and kill(): a worker that dies on its own is then replaced. */
  private wanted = false;
  kills = 0;
  /** Exits we did not cause. */
  crashes = 0;
  readonly crashLog: string[] = [];

  constructor(private readonly opts: WorkerSupervisorOptions) {
    process.once('exit', () => this.child?.kill('SIGKILL'));
  }

  get running(): boolean {
    return this.child !== undefined && this.ready;
  }

  /** The running worker's process id (the benchmark reads its CPU and memory from /proc). */
  get pid(): number | undefined {
    return this.ready ? this.child?.pid : undefined;
  }

  setEnv(patch: Record<string, string>): void {
    Object.assign(this.opts.env, patch);
  }

  /** Starts a worker unless one runs or is starting; resolves once it polls. */
  start(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.wanted = true;
    if (this.child && this.ready) return Promise.resolve();
    this.starting ??= this.spawnOne().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async spawnOne(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.spawnAttempt();
        return;
      } catch (err) {
        if (this.stopped || !this.wanted) return;
        this.opts.log(`worker start failed (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}`);
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 1_000 * attempt));
      }
    }
  }

  private spawnAttempt(): Promise<void> {
    const n = ++this.generation;
    const logFile = createWriteStream(path.join(this.opts.logDir, `worker-${String(n).padStart(3, '0')}.log`));
    const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, ...(this.opts.workerMain ? [this.opts.workerMain] : ['--import', 'tsx', WORKER_MAIN])], {
      cwd: PROJECT_ROOT,
      env: { ...WORKER_PROCESS_ENV, ...process.env, ...this.opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.ready = false;
    let tail = '';
    child.stderr?.on('data', (d: Buffer) => {
      logFile.write(d);
      tail = (tail + String(d)).slice(-2_000);
    });
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.killedByUs.add(child);
        child.kill('SIGKILL');
        reject(new Error(`worker ${n} not ready in ${(this.opts.readyTimeoutMs ?? 90_000) / 1000} s: ${tail}`));
      }, this.opts.readyTimeoutMs ?? 90_000);
      child.stdout?.on('data', (d: Buffer) => {
        logFile.write(d);
        if (!this.ready && String(d).includes('READY') && this.child === child) {
          this.ready = true;
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        const wasReady = this.ready && this.child === child;
        clearTimeout(timer);
        logFile.end();
        if (this.child === child) {
          this.child = undefined;
          this.ready = false;
        }
        if (this.killedByUs.has(child) || this.stopped) {
          reject(new Error(`worker ${n} was stopped`));
          return;
        }
        this.crashes++;
        const why = `worker ${n} exited on its own (${signal ?? `code ${code}`}): ${tail.trim().split('\n').slice(-3).join(' | ')}`;
        this.crashLog.push(why);
        this.opts.log(why);
        reject(new Error(why));
        // Died while serving: replace it (a crash during start-up is retried by spawnOne).
        if (this.ready === false && wasReady && this.wanted && !this.stopped) {
          setTimeout(() => void this.start().catch((err: Error) => this.opts.log(`worker restart failed: ${err.message}`)), 1_000);
        }
      });
    });
  }

  /** SIGKILL, as a crashing machine would; resolves once the process is gone. */
  async kill(): Promise<boolean> {
    this.wanted = false;
    const child = this.child;
    if (!child) return false;
    this.killedByUs.add(child);
    this.child = undefined;
    this.ready = false;
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    return true;
  }

  /** A kill the soak counts as chaos (not the ones that go with a server restart or shutdown). */
  async chaosKill(): Promise<boolean> {
    const killed = await this.kill();
    if (killed) this.kills++;
    return killed;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    await this.kill();
  }
}
