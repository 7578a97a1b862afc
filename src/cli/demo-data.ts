/**
 * Prints a deterministic sandbox seed as JSON on stdout, e.g.
 *   npm run demo-data -- --seed 7 --tenants 50 --employees 200 --days 30 --compact > seed.json
 * A per-scenario summary goes to stderr with --summary. Tenants are written one at a time so
 * benchmark-sized seeds never have to exist as one giant string.
 */
import { once } from 'node:events';
import { integerAtLeast, parseProcessArgs, processProgram } from './commands/command.js';
import type { TenantSeed } from '../sandbox/seed.js';
import { describeDemoData, generateDemoData, type DemoDataInput } from '../sandbox/demo-data/index.js';

function readOptions(argv: string[]): { input: DemoDataInput; compact: boolean; summary: boolean } {
  const values = parseProcessArgs(
    processProgram('npm run demo-data --')
      .description('Prints a deterministic sandbox seed as JSON on stdout.')
      .option('--seed <n>', 'seed', integerAtLeast(0, '--seed'))
      .option('--tenants <n>', 'tenants', integerAtLeast(0, '--tenants'))
      .option('--employees <n>', 'employees per tenant', integerAtLeast(0, '--employees'))
      .option('--days <n>', 'days of working times', integerAtLeast(0, '--days'))
      .option('--start <YYYY-MM-DD>', 'first day')
      .option('--timezone <zone>', 'IANA time zone of the tenants')
      .option('--compact', 'one line per tenant instead of indented JSON')
      .option('--summary', 'a per-scenario summary on stderr'),
    argv,
  );
  return {
    input: { seed: values.seed, tenants: values.tenants, employees: values.employees, days: values.days, startDate: values.start, timezone: values.timezone },
    compact: values.compact === true,
    summary: values.summary === true,
  };
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

function tenantJson(tenant: TenantSeed, compact: boolean): string {
  if (compact) return JSON.stringify(tenant);
  return JSON.stringify(tenant, null, 2).replace(/^/gm, '    ');
}

async function main(): Promise<void> {
  const { input, compact, summary } = readOptions(process.argv.slice(2));
  const seed = generateDemoData(input);
  if (summary) console.error(JSON.stringify(describeDemoData(seed), null, 2));

  await write(compact ? '{"tenants":[' : '{\n  "tenants": [\n');
  for (const [i, tenant] of seed.tenants.entries()) {
    const separator = i === seed.tenants.length - 1 ? '' : ',';
    await write(`${tenantJson(tenant, compact)}${separator}${compact ? '' : '\n'}`);
  }
  await write(compact ? ']}\n' : '  ]\n}\n');
}

// A closed pipe (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main().catch((err: unknown) => {
  console.error(`demo-data: ${err instanceof Error ? err.message : String(err)} (npm run demo-data -- --help)`);
  process.exit(2);
});
