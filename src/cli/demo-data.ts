/**
 * Prints a deterministic sandbox seed as JSON on stdout, e.g.
 *   npm run demo-data -- --seed 7 --tenants 50 --employees 200 --days 30 --compact > seed.json
 * A per-scenario summary goes to stderr with --summary. Tenants are written one at a time so
 * benchmark-sized seeds never have to exist as one giant string.
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { TenantSeed } from '../sandbox/seed.js';
import { describeDemoData, generateDemoData, type DemoDataInput } from '../sandbox/demo-data/index.js';

const USAGE = `usage: demo-data [--seed N] [--tenants N] [--employees N] [--days N] [--start YYYY-MM-DD]
                 [--timezone ZONE] [--compact] [--summary]`;

function integerFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new RangeError(`--${name} must be an integer, got "${value}"`);
  return n;
}

function readOptions(argv: string[]): { input: DemoDataInput; compact: boolean; summary: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      tenants: { type: 'string' },
      employees: { type: 'string' },
      days: { type: 'string' },
      start: { type: 'string' },
      timezone: { type: 'string' },
      compact: { type: 'boolean', default: false },
      summary: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    input: {
      seed: integerFlag('seed', values.seed),
      tenants: integerFlag('tenants', values.tenants),
      employees: integerFlag('employees', values.employees),
      days: integerFlag('days', values.days),
      startDate: values.start,
      timezone: values.timezone,
    },
    compact: values.compact,
    summary: values.summary,
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
  console.error(`demo-data: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exit(2);
});
