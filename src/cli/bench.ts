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
import { parseProcessArgs, processProgram, integerAtLeast, InvalidArgumentError } from './commands/command.js';
import { PHASES, runBenchmark, type BenchOptions, type BenchPhase } from '../devstack/bench/run.js';

function phaseList(value: string): BenchPhase[] {
  const phases = value.split(',').map((p) => p.trim());
  const unknown = phases.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length) throw new InvalidArgumentError(`unknown ${unknown.join(', ')} (phases: ${PHASES.join(', ')})`);
  return phases as BenchPhase[];
}

/** Everything the command line says. */
export function benchArguments(argv: string[]): BenchOptions & { json: boolean } {
  const values = parseProcessArgs(
    processProgram('npm run bench --')
      .description('The benchmark: one JSON object with every figure beside its target and a pass flag; exit 1 when a target is missed, 2 when it could not run.')
      .option('--quick', 'a shorter run (minutes)')
      .option('--smoke', 'the shortest run, for checking the command itself')
      .option('--phases <list>', `only these phases, comma-separated (${PHASES.join(',')})`, phaseList)
      .option('--idle-tenants <n>', 'tenants in the idle phase', integerAtLeast(1, '--idle-tenants'))
      .option('--json', 'print the result as one JSON line'),
    argv,
  );
  return {
    mode: values.smoke ? 'smoke' : values.quick ? 'quick' : 'full',
    json: values.json === true,
    ...(values.phases && { phases: values.phases }),
    ...(values.idleTenants !== undefined && { idleTenants: values.idleTenants }),
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
