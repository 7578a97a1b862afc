/**
 * `npm run bench -- [--quick] [--json]`
 *
 * Starts its own stack (Temporal dev server, sandbox, a worker process) and measures issue 10's
 * figures: backfill entries/s and limiter utilisation, product ÷ plain-baseline ratios,
 * requests per entry by vendor and endpoint, worker CPU per entry, history events per entry,
 * the largest payload, idle RSS and CPU for N tenants, no-change cycle bytes and CPU against
 * tenant size, and the fairness delay. Prints one JSON object (one line with --json) with each
 * figure beside its target; progress goes to stderr. Exit 0 when every target is met, 1 when
 * one is not, 2 when the benchmark could not run. docs/performance.md keeps the figures.
 */
import { parseArgs } from 'node:util';
import { runBenchmark, type BenchMode } from '../devstack/bench/run.js';

/** Everything the command line says (kept in one place, so a CLI framework can take it over). */
export function benchArguments(argv: string[]): { mode: BenchMode; json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: 'boolean', default: false }, smoke: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  return { mode: values.smoke ? 'smoke' : values.quick ? 'quick' : 'full', json: values.json };
}

const args = benchArguments(process.argv.slice(2));
const log = (msg: string) => console.error(`[bench] ${msg}`);
try {
  const result = await runBenchmark(args.mode, log);
  console.log(args.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  if (!result.targetsMet) log(`targets not met: ${result.failed.join(', ')}`);
  process.exit(result.targetsMet ? 0 : 1);
} catch (err) {
  log(`the benchmark could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(2);
}
