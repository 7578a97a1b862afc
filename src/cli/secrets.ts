/**
 * Manage tenant credentials and codec keys (`timr-sync secrets …`, or `npm run secrets -- …`):
 *   timr-sync secrets set <ref> [--timr-client-id ..] [--timr-client-secret ..] [--personio-client-id ..] [--personio-client-secret ..] [--from-file f.json]
 *   timr-sync secrets show <ref> | list | codec-keys init | codec-keys rotate
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { codecKeysFileFromEnv, ensureCodecKeyFile, rotateCodecKeyFile } from '../codec/keys.js';
import { secretStoreFromEnv } from '../secrets/index.js';
import { redactSecrets } from '../secrets/redact.js';
import { assertSafeRef } from '../secrets/secret-ref.js';
import { CredentialsInputError, describeChange, gatherCredentials } from './credentials-input.js';

export const USAGE = `Usage: timr-sync secrets set <ref> [--timr-client-id ID] [--timr-client-secret SECRET]
                              [--personio-client-id ID] [--personio-client-secret SECRET]
                              [--from-file secrets.json]
      Stores a tenant's credentials. Missing values come from --from-file, then from
      TIMR_SYNC_<REF>_{TIMR,PERSONIO}_CLIENT_{ID,SECRET}, then from what is already stored
      (so rotating only Personio needs just the two --personio-* options).
      Prefer environment variables or --from-file for secrets: flags stay in shell history.
  timr-sync secrets show <ref>     client IDs and masked secrets
  timr-sync secrets list           stored references
  timr-sync secrets codec-keys init     create the payload codec key file if missing
  timr-sync secrets codec-keys rotate   add a new active codec key (old ones still decrypt)

Store: TIMR_SYNC_SECRET_STORE=file|env (default file), TIMR_SYNC_SECRETS_DIR (default .secrets/).
Codec keys: TIMR_SYNC_CODEC_KEYS_FILE (default .secrets/codec/codec-keys.json).
The CLI, npm start and npm run worker all read this one store. (npm run secrets -- <command> is the same tool.)`;

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
  let gathered: Awaited<ReturnType<typeof gatherCredentials>>;
  try {
    gathered = await gatherCredentials(store, ref, { flags, ...(flags['from-file'] && { file: flags['from-file'] }), fileFlag: '--from-file', env: io.env, seen, warn: io.err });
  } catch (err) {
    if (err instanceof CredentialsInputError) throw new UsageError(err.message);
    throw err;
  }
  await store.put(ref, gathered.secrets);
  const changed = gathered.existing ? describeChange(gathered.existing, gathered.secrets) : 'created';
  io.out(`Stored credentials for "${ref}" in ${store.location} (${changed}). Running workers use them from their next activity.`);
  return 0;
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
