/**
 * The benchmark's smallest configuration (`--smoke`) through the real command: it starts its
 * own stack and prints one JSON object. Checked here is its shape and that every figure is
 * what its counts say (requests ÷ transferred entries, events ÷ entries, pass = value within
 * target) — never how fast anything was: performance is read from the benchmark, not asserted.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/devstack/temporal-cli.js';
import type { BenchResult, Figure } from '../../src/devstack/bench/run.js';

function runBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bench.ts', '--smoke', '--json'], { cwd: PROJECT_ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

describe('npm run bench -- --smoke --json', () => {
  it('prints one JSON object whose figures follow from its counts', { timeout: 480_000 }, async () => {
    const { code, stdout, stderr } = await runBench();
    // 0: every target met, 1: some not (the smoke sizes say little about targets); 2 would be a crash.
    expect(code === 0 || code === 1, stderr.slice(-2_000)).toBe(true);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as BenchResult;
    expect(result.mode).toBe('smoke');
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(typeof result.machine.load1).toBe('number');

    // Every figure has a target (or none) and its pass flag agrees with it.
    for (const [name, f] of Object.entries(result.targets) as [string, Figure][]) {
      expect(typeof f.value, name).toBe('number');
      if (f.target === null) {
        expect(f.pass, name).toBeNull();
        continue;
      }
      const [, op, limit] = /^([≤≥]) ([\d.]+)$/.exec(f.target) ?? [];
      expect(op, `${name}: ${f.target}`).toBeDefined();
      expect(f.pass, name).toBe(op === '≤' ? f.value <= Number(limit) : f.value >= Number(limit));
    }
    expect(result.targetsMet).toBe(result.failed.length === 0);
    expect(result.failed.sort()).toEqual(Object.entries(result.targets).filter(([, f]) => f.pass === false).map(([k]) => k).sort());

    const multi = result.backfill.multiTenant!;
    const single = result.backfill.oneTenant!;
    expect(result.phases).toEqual(['limiter', 'multi', 'single', 'idle', 'fairness']);
    const runs = [
      multi.product,
      multi.plainSequential,
      multi.plainParallel4,
      single.product,
      single.plainSequential,
      single.plainParallel4,
    ];
    for (const r of runs) {
      // Something was transferred, nothing lost or doubled, and every eligible entry has its fate.
      expect(r.transferred).toBeGreaterThan(0);
      expect(r.clean).toBe(true);
      expect(r.waiting).toBe(0);
      expect(r.transferred + r.quarantined).toBeLessThanOrEqual(r.eligible);
      // Per-entry figures are the sandbox's counts divided by the audit's transferred entries.
      expect(sum(r.requests.timrByEndpoint)).toBe(r.requests.timr);
      expect(sum(r.requests.personioByEndpoint)).toBe(r.requests.personio);
      expect(r.timrRequestsPerEntry).toBeCloseTo(r.requests.timr / r.transferred, 2);
      expect(r.personioRequestsPerEntry).toBeCloseTo(r.requests.personio / r.transferred, 2);
      expect(r.periodsPerEntry).toBeCloseTo(r.periodsCreated / r.transferred, 2);
      // Seconds are printed rounded to 10 ms: the rate agrees with them within that rounding.
      expect(Math.abs(r.entriesPerSecond - r.transferred / r.seconds)).toBeLessThanOrEqual((r.transferred / r.seconds) * (0.006 / r.seconds) + 0.01);
      // Each entry is locked once in timr, by the product and by the baseline.
      expect(r.requests.timrByEndpoint['PATCH /v1/working-times/:id']).toBeGreaterThanOrEqual(r.transferred);
    }
    // The baseline transferred what the product did, on the same data.
    expect(multi.plainSequential.transferred).toBe(multi.product.transferred);
    expect(single.plainParallel4.transferred).toBe(single.product.transferred);

    const product = multi.product;
    expect(product.history.executions).toBeGreaterThanOrEqual(2); // a tenant and at least one run
    expect(product.history.eventsPerEntry).toBeCloseTo(product.history.events / product.transferred, 2);
    expect(product.history.largestPayloadBytes).toBeGreaterThan(0);
    expect(product.workerCpuMsPerEntry).toBeCloseTo((product.workerCpuSeconds * 1000) / product.transferred, 0);

    expect(result.noChange.length).toBeGreaterThanOrEqual(2);
    for (const c of result.noChange) {
      expect(c.requests).toBeGreaterThan(0); // a no-change cycle still asks timr
      expect(c.bytesRead).toBeGreaterThan(0);
    }
    const idle = result.idle!;
    expect(idle.tenants).toBe(3);
    expect(idle.workerRssMiB).toBeGreaterThan(0);
    expect(idle.cyclesInWindow).toBeCloseTo((idle.tenants * idle.windowSeconds) / idle.intervalSeconds, 0);
    const fair = result.fairness!;
    expect(fair.otherTenants).toBe(1);
    expect(fair.maxDelayMs).toBeGreaterThanOrEqual(fair.medianDelayMs);
  });
});
