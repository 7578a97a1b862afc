/**
 * What the benchmark runs on: the soak's stack (a real Temporal dev server on its own SQLite
 * file, the sandbox in this process, a 0600 secret store, payload encryption) with the worker
 * as a separate process — compiled, as it ships — so its CPU and memory are read from /proc and nothing of the
 * benchmark's own work counts as the worker's. Each phase loads its own data and worker.
 */
import type { Client } from '@temporalio/client';
import type { Seed } from '../../sandbox/seed.js';
import type { LoggedRequest } from '../../sandbox/request-log.js';
import { ChaosStack } from '../chaos/stack.js';

export class BenchStack {
  private constructor(
    readonly inner: ChaosStack,
    readonly runDir: string,
  ) {}

  static async start(runDir: string, log: (msg: string) => void): Promise<BenchStack> {
    // No faults are ever added: the fault registry stays empty, every request is served.
    const inner = await ChaosStack.start({ seed: { tenants: [] }, runDir, faultSeed: 1, httpTimeoutMs: 30_000, log, compiledWorker: true });
    return new BenchStack(inner, runDir);
  }

  get client(): Client {
    return this.inner.client;
  }

  get control() {
    return this.inner.control;
  }

  get sandbox() {
    return this.inner.sandbox;
  }

  get secretsDir(): string {
    return `${this.runDir}/secrets`;
  }

  /**
   * Replaces the sandbox's data with `seed` and stores its credentials. The sandbox's own
   * Personio rate limits are lifted: the benchmark measures the product's limiter and engine,
   * not the emulated vendor's 429s.
   */
  async load(seed: Seed): Promise<void> {
    await this.control.reset();
    await this.control.personioSettings({ rateLimitPerClient: 1_000_000_000, rateLimitPerIp: 1_000_000_000, authRateLimitPerClient: 1_000_000_000 });
    await this.control.seed(seed);
    for (const t of seed.tenants) {
      await this.inner.secrets.put(t.id, {
        timr: { clientId: t.timr.clientId, clientSecret: t.timr.clientSecret },
        personio: { clientId: t.personio.clientId, clientSecret: t.personio.clientSecret },
      });
    }
  }

  /** A fresh worker process with this environment (e.g. the Personio limiter's rate); its pid. */
  async startWorker(env: Record<string, string>): Promise<number> {
    await this.inner.workers.kill();
    this.inner.workers.setEnv(env);
    await this.inner.workers.start();
    const pid = this.inner.workers.pid;
    if (pid === undefined) throw new Error('bench worker did not start');
    return pid;
  }

  async stopWorker(): Promise<void> {
    await this.inner.workers.kill();
  }

  /** Every request both sandboxes served, optionally only those at or after `sinceMs`. */
  async requests(sinceMs = 0): Promise<{ timr: LoggedRequest[]; personio: LoggedRequest[] }> {
    const [timr, personio] = await Promise.all([this.control.requests('timr'), this.control.requests('personio')]);
    const since = (r: LoggedRequest) => Date.parse(r.at) >= sinceMs;
    return { timr: timr.filter(since), personio: personio.filter(since) };
  }

  /** Ends every workflow still running, so the next phase's worker serves only its own tenants. */
  async terminateAll(): Promise<void> {
    const ids: { workflowId: string; runId: string }[] = [];
    for await (const wf of this.client.workflow.list({ query: "ExecutionStatus = 'Running'" })) ids.push({ workflowId: wf.workflowId, runId: wf.runId });
    for (const { workflowId, runId } of ids) await this.client.workflow.getHandle(workflowId, runId).terminate('benchmark phase over').catch(() => undefined);
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}
