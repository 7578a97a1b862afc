/**
 * `npm run bench`: every figure of issue 10 in one run, each beside its target. The phases
 * (phases.ts) run one after another on one stack; sizes depend on the mode (quick: minutes on
 * a 2-core machine; full: the sizes, 1,000 idle tenants included).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../temporal-cli.js';
import { clonedSeed, demoSeed } from './data.js';
import { fairness, idleTenants, noChangeCycles, plainBackfill, productBackfill, type Log, type NoChangeCycle, type ProductBackfill } from './phases.js';
import { machineLoad, round } from './proc.js';
import { BenchStack } from './stack.js';

export type BenchMode = 'quick' | 'full' | 'smoke';

export interface BenchConfig {
  multi: { tenants: number; employees: number; days: number };
  single: { employees: number; days: number };
  idle: { tenants: number; entries: number; intervalSeconds: number; warmupSeconds: number; windowSeconds: number };
  fairness: { employees: number; days: number; others: number; intervalSeconds: number; windowSeconds: number };
  noChangeRepetitions: number;
  /** Run the 25/s (default limiter) backfill beside the 1000/s one. */
  limiterPhase: boolean;
}

export const CONFIGS: Record<BenchMode, BenchConfig> = {
  // The test's configuration: every phase, as small as the demo generator allows.
  smoke: {
    multi: { tenants: 1, employees: 4, days: 7 },
    single: { employees: 4, days: 7 },
    idle: { tenants: 3, entries: 3, intervalSeconds: 10, warmupSeconds: 2, windowSeconds: 10 },
    fairness: { employees: 4, days: 7, others: 1, intervalSeconds: 5, windowSeconds: 10 },
    noChangeRepetitions: 1,
    limiterPhase: true,
  },
  quick: {
    multi: { tenants: 2, employees: 8, days: 14 },
    single: { employees: 20, days: 40 },
    idle: { tenants: 60, entries: 3, intervalSeconds: 60, warmupSeconds: 20, windowSeconds: 60 },
    fairness: { employees: 60, days: 50, others: 4, intervalSeconds: 10, windowSeconds: 40 },
    noChangeRepetitions: 3,
    limiterPhase: true,
  },
  full: {
    multi: { tenants: 4, employees: 30, days: 24 },
    single: { employees: 110, days: 60 },
    idle: { tenants: 1000, entries: 3, intervalSeconds: 60, warmupSeconds: 60, windowSeconds: 180 },
    fairness: { employees: 550, days: 120, others: 5, intervalSeconds: 30, windowSeconds: 120 },
    noChangeRepetitions: 3,
    limiterPhase: true,
  },
};

/** A figure beside its target; `pass` is null where the issue sets no target. */
export interface Figure {
  value: number;
  target: string | null;
  pass: boolean | null;
  unit: string;
}

const atMost = (value: number, max: number, unit: string): Figure => ({ value, target: `≤ ${max}`, pass: value <= max, unit });
const atLeast = (value: number, min: number, unit: string): Figure => ({ value, target: `≥ ${min}`, pass: value >= min, unit });
const info = (value: number, unit: string): Figure => ({ value, target: null, pass: null, unit });

function withoutViews(p: ProductBackfill) {
  const { views: _views, ...rest } = p;
  return rest;
}

export async function runBenchmark(mode: BenchMode, log: Log) {
  const cfg = CONFIGS[mode];
  const started = Date.now();
  const loadAtStart = machineLoad();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const runDir = path.join(PROJECT_ROOT, '.data', 'bench', `${stamp}-${mode}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  const stack = await BenchStack.start(runDir, log);
  try {
    const multiSeed = (prefix: string) => demoSeed(cfg.multi, prefix);

    // 1. Default limiter (25/s): limiter-bound, product and plain baseline side by side.
    let limited: { product: ReturnType<typeof withoutViews>; plain: Awaited<ReturnType<typeof plainBackfill>>; ratio: number } | undefined;
    if (cfg.limiterPhase) {
      const seed = multiSeed('bl');
      const product = await productBackfill(stack, seed, 'bl', 25, log, 30 * 60_000);
      const plain = await plainBackfill(stack, seed, product.views, 25, 1, log);
      limited = { product: withoutViews(product), plain, ratio: perEntryRatio(product, plain) };
    }

    // 2. Engine ceiling (1000/s), several tenants: product, no-change cycles, plain ×1 and ×4.
    const mSeed = multiSeed('bm');
    const multi = await productBackfill(stack, mSeed, 'bm', 1000, log, 30 * 60_000);
    const multiNoChange = await noChangeCycles(stack, mSeed, undefined, cfg.noChangeRepetitions);
    const multiPlain1 = await plainBackfill(stack, mSeed, multi.views, 1000, 1, log);
    const multiPlain4 = await plainBackfill(stack, mSeed, multi.views, 1000, 4, log);

    // 3. One big tenant at 1000/s.
    const sSeed = demoSeed({ tenants: 1, ...cfg.single, seed: 7 }, 'bs');
    const single = await productBackfill(stack, sSeed, 'bs', 1000, log, 30 * 60_000);
    const singleNoChange = await noChangeCycles(stack, sSeed, undefined, cfg.noChangeRepetitions);
    const singlePlain1 = await plainBackfill(stack, sSeed, single.views, 1000, 1, log);
    const singlePlain4 = await plainBackfill(stack, sSeed, single.views, 1000, 4, log);

    // 4. Idle tenants on one worker.
    const idle = await idleTenants(stack, clonedSeed(cfg.idle.tenants, cfg.idle.entries, 'bi'), 'bi', cfg.idle.intervalSeconds, cfg.idle.warmupSeconds, cfg.idle.windowSeconds, log);

    // 5. Fairness: others' cycles while one tenant backfills.
    const fair = await fairness(
      stack,
      demoSeed({ tenants: 1, employees: cfg.fairness.employees, days: cfg.fairness.days, seed: 11 }, 'bf'),
      clonedSeed(cfg.fairness.others, 3, 'bo'),
      cfg.fairness.intervalSeconds,
      cfg.fairness.windowSeconds,
      log,
    );

    const noChange = [...multiNoChange, ...singleNoChange].sort((a, b) => a.entriesInTimr - b.entriesInTimr);
    const biggest = noChange[noChange.length - 1]!;
    const backfills = [multi, single];
    const timrPerEntry = Math.max(...backfills.map((b) => b.timrRequestsPerEntry));
    const personioExcess = Math.max(...backfills.map((b) => (b.periodsPerEntry ? b.personioRequestsPerEntry / b.periodsPerEntry : 0)));
    const idleCpuMs = idle.workerCpuMsPerCycle;

    const targets = {
      'backfill.limiterUtilisation (25/s)': limited ? atLeast(limited.product.limiterUtilisation, 0.95, 'of the limit') : info(0, 'skipped'),
      'backfill.productToPlain.multiTenant (1000/s, sequential baseline)': atMost(perEntryRatio(multi, multiPlain1), 1.3, '×'),
      'backfill.productToPlain.multiTenant (1000/s, 4-way baseline)': info(perEntryRatio(multi, multiPlain4), '×'),
      'backfill.productToPlain.oneTenant (1000/s, sequential baseline)': atMost(perEntryRatio(single, singlePlain1), 1.3, '×'),
      'backfill.productToPlain.oneTenant (1000/s, 4-way baseline)': info(perEntryRatio(single, singlePlain4), '×'),
      'backfill.productToPlain (25/s)': limited ? info(limited.ratio, '×') : info(0, 'skipped'),
      'requests.timrPerEntry': atMost(timrPerEntry, 1.05, 'requests per transferred entry'),
      'requests.personioPerPeriodWritten': atMost(round(personioExcess), 1.02, 'Personio requests ÷ periods written'),
      'engine.workerCpuMsPerEntry (1000/s)': atMost(Math.max(multi.workerCpuMsPerEntry, single.workerCpuMsPerEntry), 8, 'ms'),
      'history.eventsPerEntry': info(Math.max(multi.history.eventsPerEntry, single.history.eventsPerEntry), 'events'),
      'history.largestPayloadBytes': atMost(Math.max(multi.history.largestPayloadBytes, single.history.largestPayloadBytes), 2 * 1024 * 1024, 'bytes'),
      'idle.rssMiBFor1000Tenants': atMost(idle.projectedFor1000.rssMiB, 600, `MiB (measured with ${idle.tenants} tenants${idle.tenants === 1000 ? '' : ', per tenant × 1,000'})`),
      'idle.coreFractionFor1000Tenants': atMost(idle.projectedFor1000.coreFraction, 0.2, `of a core (measured with ${idle.tenants} tenants${idle.tenants === 1000 ? '' : ', per tenant × 1,000'})`),
      'idle.workerCpuMsPerNoChangeCycle': atMost(idleCpuMs, 12, 'ms'),
      [`noChange.bytesRead (${biggest.entriesInTimr}-entry tenant)`]: atMost(biggest.bytesRead, 20_000, 'bytes'),
      [`noChange.workerCpuMs (${biggest.entriesInTimr}-entry tenant)`]: atMost(biggest.workerCpuMs, 50, 'ms'),
      'fairness.maxCycleStartDelayMs': atMost(fair.maxDelayMs, fair.intervalSeconds * 1000, `ms (interval ${fair.intervalSeconds} s, ${fair.cycles} cycles)`),
    };
    const failed = Object.entries(targets).filter(([, f]) => f.pass === false).map(([k]) => k);
    return {
      bench: 'timr-personio-sync',
      mode,
      seconds: round((Date.now() - started) / 1000, 1),
      machine: { ...loadAtStart, loadAtEnd: machineLoad() },
      targetsMet: failed.length === 0,
      failed,
      targets,
      backfill: {
        limited: limited ?? null,
        multiTenant: { product: withoutViews(multi), plainSequential: multiPlain1, plainParallel4: multiPlain4 },
        oneTenant: { product: withoutViews(single), plainSequential: singlePlain1, plainParallel4: singlePlain4 },
      },
      noChange: noChange.map((c: NoChangeCycle) => ({ ...c, bytesPerEntry: round(c.bytesRead / Math.max(1, c.entriesInTimr), 1) })),
      idle,
      fairness: fair,
      dataDir: path.relative(process.cwd(), runDir),
    };
  } finally {
    await stack.stop();
  }
}

/** Product time per transferred entry ÷ the baseline's (1.0: no overhead at all). */
function perEntryRatio(product: { seconds: number; transferred: number }, plain: { seconds: number; transferred: number }): number {
  if (!product.transferred || !plain.transferred) return 0;
  return round(product.seconds / product.transferred / (plain.seconds / plain.transferred), 2);
}

export type BenchResult = Awaited<ReturnType<typeof runBenchmark>>;
