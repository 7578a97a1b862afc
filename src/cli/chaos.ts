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
import { parseArgs } from 'node:util';
import { runChaosSoak, InterruptedError } from '../devstack/chaos/soak.js';
import { PROJECT_ROOT } from '../devstack/temporal-cli.js';
import { generateDemoData, MIN_DAYS, MIN_EMPLOYEES } from '../sandbox/demo-data/index.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '15' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    tenants: { type: 'string', default: '4' },
    employees: { type: 'string', default: '30' },
    days: { type: 'string', default: '24' },
    interval: { type: 'string', default: '8' },
    'activity-timeout': { type: 'string', default: '10' },
    'http-timeout-ms': { type: 'string', default: '3000' },
    'settle-seconds': { type: 'string', default: '300' },
    keep: { type: 'string', default: '5' },
  },
});

const log = (msg: string) => console.error(`[chaos] ${msg}`);

function number(name: keyof typeof values, min: number, integer = true): number {
  const raw = values[name];
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    console.error(`[chaos] --${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min} (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return n;
}

const minutes = number('minutes', 0.5, false);
const seed = number('seed', 0);
const tenants = number('tenants', 1);
let employees = number('employees', 1);
let days = number('days', 1);
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
  const keep = number('keep', 1);
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
    intervalSeconds: number('interval', 5),
    activityTimeoutSeconds: number('activity-timeout', 2),
    httpTimeoutMs: number('http-timeout-ms', 100),
    settleSeconds: number('settle-seconds', 10),
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
