/**
 * Manage tenant credentials and codec keys:
 *   npm run secrets -- set <ref> [--timr-client-id ..] [--timr-client-secret ..] [--personio-client-id ..] [--personio-client-secret ..] [--from-file f.json]
 *   npm run secrets -- show <ref> | list | codec-keys init | codec-keys rotate
 */
import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { codecKeysFileFromEnv, ensureCodecKeyFile, rotateCodecKeyFile } from '../codec/keys.js';
import { describeIssues } from '../secrets/describe-issues.js';
import { envVarNamesFor } from '../secrets/env-secret-store.js';
import { SecretNotFoundError } from '../secrets/errors.js';
import { secretStoreFromEnv } from '../secrets/index.js';
import { redactSecrets } from '../secrets/redact.js';
import { assertSafeRef } from '../secrets/secret-ref.js';
import { TenantSecrets } from '../secrets/tenant-secrets.js';

export const USAGE = `Usage:
  npm run secrets -- set <ref> [--timr-client-id ID] [--timr-client-secret SECRET]
                               [--personio-client-id ID] [--personio-client-secret SECRET]
                               [--from-file secrets.json]
      Stores a tenant's credentials. Missing values come from --from-file, then from
      TIMR_SYNC_<REF>_{TIMR,PERSONIO}_CLIENT_{ID,SECRET}, then from what is already stored
      (so rotating only Personio needs just the two --personio-* options).
      Prefer environment variables or --from-file for secrets: flags stay in shell history.
  npm run secrets -- show <ref>     client IDs and masked secrets
  npm run secrets -- list           stored references
  npm run secrets -- codec-keys init     create the payload codec key file if missing
  npm run secrets -- codec-keys rotate   add a new active codec key (old ones still decrypt)

Store: TIMR_SYNC_SECRET_STORE=file|env (default file), TIMR_SYNC_SECRETS_DIR (default .secrets/).
Codec keys: TIMR_SYNC_CODEC_KEYS_FILE (default .secrets/codec/codec-keys.json).`;

const Credentials = TenantSecrets.shape.timr;
/** `--from-file` content: any subset of the TenantSecrets shape. */
const PartialTenantSecrets = z.strictObject({
  timr: Credentials.partial().optional(),
  personio: Credentials.partial().optional(),
});
type PartialTenantSecrets = z.infer<typeof PartialTenantSecrets>;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

/** Returns the process exit code: 0 ok, 1 failure, 2 usage error. */
export async function runSecretsCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Anything that may carry a secret is collected here so that even unexpected errors are redacted.
  const seen: string[] = [];
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'timr-client-id': { type: 'string' },
        'timr-client-secret': { type: 'string' },
        'personio-client-id': { type: 'string' },
        'personio-client-secret': { type: 'string' },
        'from-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    for (const v of [values['timr-client-secret'], values['personio-client-secret']]) if (v) seen.push(v);
    const [command, ...rest] = positionals;
    if (values.help || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    switch (command) {
      case 'set':
        return await setCommand(requireRef(rest, 'set'), values, io, seen);
      case 'show':
        return await showCommand(requireRef(rest, 'show'), io, seen);
      case 'list':
        return await listCommand(rest, io);
      case 'codec-keys':
        return await codecKeysCommand(rest, io);
      default:
        throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.', true);
    }
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      const full = !(err instanceof UsageError) || err.showUsage;
      io.err(`${redactSecrets((err as Error).message, seen)}\n${full ? `\n${USAGE}` : 'Run with --help for usage.'}`);
      return 2;
    }
    io.err(`Error: ${redactSecrets(err instanceof Error ? err.message : String(err), seen)}`);
    return 1;
  }
}

function requireRef(rest: string[], command: string): string {
  if (rest.length !== 1 || rest[0] === undefined) throw new UsageError(`"${command}" needs exactly one reference, e.g. \`${command} demo-acme\`.`);
  assertSafeRef(rest[0]);
  return rest[0];
}

type SetFlags = Partial<Record<'timr-client-id' | 'timr-client-secret' | 'personio-client-id' | 'personio-client-secret' | 'from-file', string>>;

async function setCommand(ref: string, flags: SetFlags, io: CliIo, seen: string[]): Promise<number> {
  const store = secretStoreFromEnv(io.env);
  const fromFile = flags['from-file'] ? await readPartialSecrets(flags['from-file'], io) : {};
  const names = envVarNamesFor(ref);
  let existing: TenantSecrets | undefined;
  let existingProblem = 'nothing stored yet to keep';
  try {
    existing = await store.get(ref);
  } catch (err) {
    // A missing or broken record is what `set` repairs: then only the values given now count.
    if (!(err instanceof SecretNotFoundError)) existingProblem = `the stored record is unusable: ${err instanceof Error ? err.message : String(err)}`;
  }
  const pick = (flag: keyof SetFlags, file: string | undefined, envName: string, stored: string | undefined) =>
    nonEmpty(flags[flag]) ?? nonEmpty(file) ?? nonEmpty(io.env[envName]) ?? stored;
  const candidate = {
    timr: {
      clientId: pick('timr-client-id', fromFile.timr?.clientId, names.timrClientId, existing?.timr.clientId),
      clientSecret: pick('timr-client-secret', fromFile.timr?.clientSecret, names.timrClientSecret, existing?.timr.clientSecret),
    },
    personio: {
      clientId: pick('personio-client-id', fromFile.personio?.clientId, names.personioClientId, existing?.personio.clientId),
      clientSecret: pick('personio-client-secret', fromFile.personio?.clientSecret, names.personioClientSecret, existing?.personio.clientSecret),
    },
  };
  for (const v of [candidate.timr.clientSecret, candidate.personio.clientSecret]) if (v) seen.push(v);
  const missing = [
    ['--timr-client-id', candidate.timr.clientId],
    ['--timr-client-secret', candidate.timr.clientSecret],
    ['--personio-client-id', candidate.personio.clientId],
    ['--personio-client-secret', candidate.personio.clientSecret],
  ]
    .filter(([, v]) => v === undefined)
    .map(([flag]) => flag);
  if (missing.length > 0) {
    throw new UsageError(`Missing ${missing.join(', ')} for "${ref}" (${existingProblem}). Pass them as options, in --from-file, or as ${Object.values(names).join(', ')}.`);
  }
  const parsed = TenantSecrets.safeParse(candidate);
  if (!parsed.success) throw new UsageError(`Invalid values for "${ref}": ${describeIssues(parsed.error, candidate)}`);
  await store.put(ref, parsed.data);
  const changed = existing ? describeChange(existing, parsed.data) : 'created';
  io.out(`Stored credentials for "${ref}" in ${store.location} (${changed}). Running workers use them from their next activity.`);
  return 0;
}

function describeChange(before: TenantSecrets, after: TenantSecrets): string {
  const changed: string[] = [];
  for (const system of ['timr', 'personio'] as const) {
    if (before[system].clientId !== after[system].clientId) changed.push(`${system} client id`);
    if (before[system].clientSecret !== after[system].clientSecret) changed.push(`${system} secret`);
  }
  return changed.length > 0 ? `changed: ${changed.join(', ')}` : 'unchanged';
}

async function readPartialSecrets(file: string, io: CliIo): Promise<PartialTenantSecrets> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read --from-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`, { cause: err });
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    io.err(`Warning: ${file} is readable by other users; delete it (or chmod 600 it) once imported.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`--from-file ${file} is not valid JSON; expected {"timr": {"clientId", "clientSecret"}, "personio": {"clientId", "clientSecret"}}.`);
  }
  const parsed = PartialTenantSecrets.safeParse(json);
  if (!parsed.success) throw new Error(`--from-file ${file} has an unexpected shape: ${describeIssues(parsed.error, json)}`);
  return parsed.data;
}

async function showCommand(ref: string, io: CliIo, seen: string[]): Promise<number> {
  const store = secretStoreFromEnv(io.env);
  const secrets = await store.get(ref);
  seen.push(secrets.timr.clientSecret, secrets.personio.clientSecret);
  io.out(`Credentials "${ref}" (${store.location}):`);
  io.out(`  timr      client id ${secrets.timr.clientId}  secret ${maskSecret(secrets.timr.clientSecret)}`);
  io.out(`  personio  client id ${secrets.personio.clientId}  secret ${maskSecret(secrets.personio.clientSecret)}`);
  return 0;
}

/** Enough to tell two secrets apart after a rotation, not enough to use one. */
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `****${secret.slice(-4)}` : '****';
}

async function listCommand(rest: string[], io: CliIo): Promise<number> {
  if (rest.length > 0) throw new UsageError('"list" takes no arguments.');
  const store = secretStoreFromEnv(io.env);
  const refs = await store.list();
  if (refs.length === 0) io.err(`No credentials stored (${store.location}).`);
  for (const ref of refs) io.out(ref);
  return 0;
}

async function codecKeysCommand(rest: string[], io: CliIo): Promise<number> {
  const file = codecKeysFileFromEnv(io.env);
  if (rest.length === 1 && rest[0] === 'init') {
    const { created } = await ensureCodecKeyFile(file);
    io.out(created ? `Created codec key file ${file} (mode 0600).` : `Codec key file ${file} already exists and is valid; left unchanged.`);
    return 0;
  }
  if (rest.length === 1 && rest[0] === 'rotate') {
    const { activeKeyId, previousKeyId } = await rotateCodecKeyFile(file);
    io.out(
      `Codec key "${activeKeyId}" is now active in ${file}; "${previousKeyId}" and older keys still decrypt. Restart workers, clients and the codec server to encrypt with the new key.`,
    );
    return 0;
  }
  throw new UsageError('"codec-keys" needs "init" or "rotate".');
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function isParseArgsError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
}

function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && moduleUrl === pathToFileURL(realpathSync(entry)).href;
}

if (isMainModule(import.meta.url)) {
  const code = await runSecretsCli(process.argv.slice(2), {
    env: process.env,
    out: (l) => console.log(l),
    err: (l) => console.error(l),
  });
  process.exitCode = code;
}
