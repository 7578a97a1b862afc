/**
 * `npm run bench -- [--quick|--smoke] [--json] [--phases limiter,multi,single,idle,fairness] [--idle-tenants N]`
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
import { PHASES, runBenchmark, type BenchOptions, type BenchPhase } from '../devstack/bench/run.js';

/** Everything the command line says (kept in one place, so a CLI framework can take it over). */
export function benchArguments(argv: string[]): BenchOptions & { json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      phases: { type: 'string' },
      'idle-tenants': { type: 'string' },
    },
  });
  const phases = values.phases?.split(',').map((p) => p.trim());
  const unknown = phases?.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown?.length) throw new Error(`--phases: unknown ${unknown.join(', ')} (phases: ${PHASES.join(', ')})`);
  const idle = values['idle-tenants'] === undefined ? undefined : Number(values['idle-tenants']);
  if (idle !== undefined && !(Number.isInteger(idle) && idle >= 1)) throw new Error(`--idle-tenants must be a whole number ≥ 1 (got ${values['idle-tenants']})`);
  return {
    mode: values.smoke ? 'smoke' : values.quick ? 'quick' : 'full',
    json: values.json,
    ...(phases && { phases: phases as BenchPhase[] }),
    ...(idle !== undefined && { idleTenants: idle }),
  };
}

let args: ReturnType<typeof benchArguments>;
try {
  args = benchArguments(process.argv.slice(2));
} catch (err) {
  console.error(`[bench] ${(err as Error).message}`);
  process.exit(2);
}
const log = (msg: string) => console.error(`[bench] ${msg}`);
try {
  const result = await runBenchmark(args, log);
  console.log(args.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  if (!result.targetsMet) log(`targets not met: ${result.failed.join(', ')}`);
  process.exit(result.targetsMet ? 0 : 1);
} catch (err) {
  log(`the benchmark could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(2);
}
