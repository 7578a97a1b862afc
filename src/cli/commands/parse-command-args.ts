/**
 * node:util `parseArgs` with what every command needs: `--help`/`-h`, strict options, parse
 * errors turned into usage errors, and the tenant id positional checked before anything
 * reaches Temporal (it becomes part of the workflow id).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TENANT_ID_PATTERN } from '../../domain/tenant-settings.js';
import { HelpRequested, UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

export function parseCommandArgs<const O extends Options>(args: readonly string[], options: O) {
  const config = { args: [...args], options: { ...options, ...HELP }, allowPositionals: true, strict: true } as const;
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    // "--help" wins even next to a mistake: the user is asking how to call the command.
    if (args.includes('--help') || args.includes('-h')) throw new HelpRequested();
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested();
  return parsed;
}

/** The positionals a command takes, in order; too few or too many is a usage error. */
export function expectPositionals(positionals: readonly string[], names: readonly string[]): string[] {
  if (positionals.length < names.length) throw new UsageError(`missing <${names[positionals.length]}>`);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument "${positionals[names.length]}"`);
  return [...positionals];
}

export function checkTenantId(tenantId: string): string {
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    throw new UsageError(`"${tenantId}" is not a tenant id: use lowercase letters, digits and dashes, at most 63 characters (e.g. acme-gmbh)`);
  }
  return tenantId;
}

/** The one `<tenantId>` most commands take. */
export function tenantIdFrom(positionals: readonly string[]): string {
  const [tenantId] = expectPositionals(positionals, ['tenantId']);
  return checkTenantId(tenantId as string);
}
