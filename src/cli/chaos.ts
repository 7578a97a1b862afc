/**
 * `npm run chaos -- --minutes N --seed S [--json] [--tenants 4 --employees 30 --days 24]`
 *
 * The standing chaos soak (see src/devstack/chaos/soak.ts): the embedded stack on a fresh
 * SQLite file under .data/chaos/, the worker as a separate process killed at random, one
 * dev-server restart, vendor faults, people editing timr, one credential rotation; then a
 * settle and the independent audit. Prints one JSON object (one line with --json; progress
 * goes to stderr). Exit 0 when clean, 1 on any lost, duplicated, orphaned, stale or
 * double-claimed period, an entry still waiting, or a workflow failed or stuck; 2 when the
 * soak itself could not run; 130 on Ctrl-C.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { durationSeconds, integerAtLeast, numberAtLeast, parseProcessArgs, processProgram } from './commands/command.js';
import { runChaosSoak, InterruptedError } from '../devstack/chaos/soak.js';
import { PROJECT_ROOT } from '../devstack/temporal-cli.js';
import { generateDemoData, MIN_DAYS, MIN_EMPLOYEES } from '../sandbox/demo-data/index.js';

const values = parseProcessArgs(
  processProgram('npm run chaos --')
    .description(
      `The standing chaos soak: the embedded stack, the worker killed at random, a dev-server restart,
vendor faults, edits in timr, a credential rotation; then a settle and the independent audit.
Exit 0 when clean, 1 on any violation, 2 when the soak could not run, 130 on Ctrl-C.`,
    )
    .option('--minutes <n>', 'length of the chaos phase in minutes (fractions allowed)', numberAtLeast(0.5, '--minutes'), 15)
    .option('--seed <n>', 'seed of the data and the chaos', integerAtLeast(0, '--seed'), 1)
    .option('--json', 'print the result as one JSON line (progress goes to stderr)')
    .option('--tenants <n>', 'demo tenants', integerAtLeast(1, '--tenants'), 4)
    .option('--employees <n>', 'employees per tenant', integerAtLeast(1, '--employees'), 30)
    .option('--days <n>', 'days of working times', integerAtLeast(1, '--days'), 24)
    .option('--interval <duration>', 'sync interval of the tenants: 8, 8s, 1m', durationSeconds('--interval', 5), 8)
    .option('--activity-timeout <duration>', 'activity start-to-close timeout: 10, 10s, 1m', durationSeconds('--activity-timeout', 2), 10)
    .option('--http-timeout-ms <ms>', 'vendor HTTP timeout in milliseconds', integerAtLeast(100, '--http-timeout-ms'), 3000)
    .option('--settle-seconds <duration>', 'time allowed to settle after the chaos: 300, 5m', durationSeconds('--settle-seconds', 10), 300)
    .option('--keep <n>', 'soak directories to keep under .data/chaos', integerAtLeast(1, '--keep'), 5),
);

const log = (msg: string) => console.error(`[chaos] ${msg}`);

const { minutes, seed, tenants } = values;
let { employees, days } = values;
if (employees < MIN_EMPLOYEES || days < MIN_DAYS) {
  log(`the demo data needs at least ${MIN_EMPLOYEES} employees and ${MIN_DAYS} days; using ${Math.max(employees, MIN_EMPLOYEES)} × ${Math.max(days, MIN_DAYS)}`);
  employees = Math.max(employees, MIN_EMPLOYEES);
  days = Math.max(days, MIN_DAYS);
}

// A fresh directory (and SQLite file) per soak; only the newest few are kept.
const chaosRoot = path.join(PROJECT_ROOT, '.data', 'chaos');
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const runDir = path.join(chaosRoot, `${stamp}-seed${seed}-${process.pid}`);
try {
  const keep = values.keep;
  const old = readdirSync(chaosRoot).sort();
  for (const dir of old.slice(0, Math.max(0, old.length - (keep - 1)))) rmSync(path.join(chaosRoot, dir), { recursive: true, force: true });
} catch {
  /* first soak: nothing to prune */
}

const interrupt = new AbortController();
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals++;
    if (signals > 1) {
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    log(`${signal}: stopping the soak…`);
    interrupt.abort();
  });
}

let exitCode = 0;
try {
  const data = generateDemoData({ seed, tenants, employees, days });
  const result = await runChaosSoak({
    minutes,
    seed,
    data,
    employees,
    days,
    intervalSeconds: values.interval,
    activityTimeoutSeconds: values.activityTimeout,
    httpTimeoutMs: values.httpTimeoutMs,
    settleSeconds: values.settleSeconds,
    runDir,
    log,
    interrupt: interrupt.signal,
  });
  console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  if (!result.clean) {
    exitCode = 1;
    log(`NOT CLEAN: see ${result.dataDir}/diagnosis.json for the requests behind each violation`);
  } else {
    log('clean: nothing lost, duplicated, orphaned, stale or double-claimed; nothing failed or stuck');
  }
} catch (err) {
  if (err instanceof InterruptedError || interrupt.signal.aborted) {
    log('interrupted; everything stopped');
    exitCode = 130;
  } else {
    log(`the soak could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    exitCode = 2;
  }
}
process.exit(exitCode);
