/**
 * Manage tenant credentials and codec keys (`timr-sync secrets …`, or `npm run secrets -- …`):
 *   timr-sync secrets set <ref> [--timr-client-id ..] [--timr-client-secret ..] [--personio-client-id ..] [--personio-client-secret ..] [--from-file f.json]
 *   timr-sync secrets show <ref> | list | codec-keys init | codec-keys rotate
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { codecKeysFileFromEnv, ensureCodecKeyFile, rotateCodecKeyFile } from '../codec/keys.js';
import { secretStoreFromEnv, type TenantSecrets } from '../secrets/index.js';
import { redactSecrets } from '../secrets/redact.js';
import { assertSafeRef } from '../secrets/secret-ref.js';
import { newProgram, runProgram, type Command, type CommandContext } from './commands/command.js';
import { CliError, UsageError } from './commands/errors.js';
import { CredentialsInputError, describeChange, gatherCredentials } from './credentials-input.js';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

const STORE_NOTES = `
Store: TIMR_SYNC_SECRET_STORE=file|env (default file), TIMR_SYNC_SECRETS_DIR (default .secrets/).
Codec keys: TIMR_SYNC_CODEC_KEYS_FILE (default .secrets/codec/codec-keys.json).
The CLI, npm start and npm run worker all read this one store. (npm run secrets -- <command> is the same tool.)`;

/**
 * The secrets commands (set, show, list, codec-keys init|rotate) under `parent`: the
 * \`timr-sync secrets\` command, or the program of \`npm run secrets\`. Anything that may carry a
 * secret is collected in \`seen\`, so even unexpected errors are redacted.
 */
export function registerSecretsCommands(parent: Command, io: CliIo, run: CommandContext['run']): void {
  parent.addHelpText('after', STORE_NOTES);
  const seen: string[] = [];
  const redacting =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A): Promise<number> => {
      try {
        return await fn(...args);
      } catch (err) {
        if (err instanceof CredentialsInputError) throw new UsageError(redactSecrets(err.message, seen));
        if (err instanceof UsageError) throw err;
        throw new CliError(redactSecrets(err instanceof Error ? err.message : String(err), seen));
      }
    };
  parent
    .command('set')
    .summary("store a tenant's credentials")
    .description(
      `Stores a tenant's credentials. Missing values come from --from-file, then from
TIMR_SYNC_<REF>_{TIMR,PERSONIO}_CLIENT_{ID,SECRET}, then from what is already stored
(so rotating only Personio needs just the two --personio-* options).
Prefer environment variables or --from-file for secrets: flags stay in shell history.`,
    )
    .argument('<ref>', 'the credentials reference, e.g. demo-acme')
    .option('--timr-client-id <id>', 'timr API client id')
    .option('--timr-client-secret <secret>', 'timr API client secret')
    .option('--personio-client-id <id>', 'Personio API client id')
    .option('--personio-client-secret <secret>', 'Personio API client secret')
    .option('--from-file <secrets.json>', '{"timr": {"clientId", "clientSecret"}, "personio": {...}}')
    .option('--json', 'print what was stored (ids and masked secrets) as JSON')
    .action(
      run(
        redacting(async (ref, opts) => {
          for (const v of [opts.timrClientSecret, opts.personioClientSecret]) if (v) seen.push(v);
          const flags: SetFlags = {
            ...(opts.timrClientId !== undefined && { 'timr-client-id': opts.timrClientId }),
            ...(opts.timrClientSecret !== undefined && { 'timr-client-secret': opts.timrClientSecret }),
            ...(opts.personioClientId !== undefined && { 'personio-client-id': opts.personioClientId }),
            ...(opts.personioClientSecret !== undefined && { 'personio-client-secret': opts.personioClientSecret }),
            ...(opts.fromFile !== undefined && { 'from-file': opts.fromFile }),
          };
          return setCommand(checkedRef(ref), flags, io, seen, opts.json === true);
        }),
      ),
    );
  parent
    .command('show')
    .summary('client ids and masked secrets')
    .argument('<ref>', 'the credentials reference')
    .option('--json', 'print them as JSON (secrets masked)')
    .action(run(redacting(async (ref, opts) => showCommand(checkedRef(ref), io, seen, opts.json === true))));
  parent
    .command('list')
    .summary('stored references')
    .option('--json', 'print them as a JSON array')
    .action(run(redacting(async (opts) => listCommand(io, opts.json === true))));
  const codecKeys = parent.command('codec-keys').summary('manage the payload codec keys');
  codecKeys
    .command('init')
    .summary('create the payload codec key file if missing')
    .option('--json', 'print the result as JSON')
    .action(run(redacting(async (opts) => codecKeysCommand('init', io, opts.json === true))));
  codecKeys
    .command('rotate')
    .summary('add a new active codec key (old ones still decrypt)')
    .option('--json', 'print the result as JSON')
    .action(run(redacting(async (opts) => codecKeysCommand('rotate', io, opts.json === true))));
}

/** `npm run secrets -- …` (and the tests): the same commands as `timr-sync secrets`. Returns the exit code: 0 ok, 1 failure, 2 usage error. */
export async function runSecretsCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const lines = (emit: (line: string) => void) => ({ write: (s: string) => emit(s.replace(/\n$/, '')) });
  const program = newProgram('timr-sync secrets', { stdout: lines(io.out), stderr: lines(io.err) }).summary("store or show a tenant's credentials, manage the payload codec keys");
  registerSecretsCommands(program, io, (fn) => async (...args) => {
    code = await fn(...args);
  });
  try {
    const parsed = await runProgram(program, argv, { stderr: lines(io.err) });
    return parsed === 0 ? code : parsed;
  } catch (err) {
    io.err(`Error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

function checkedRef(ref: string): string {
  assertSafeRef(ref);
  return ref;
}

type SetFlags = Partial<Record<'timr-client-id' | 'timr-client-secret' | 'personio-client-id' | 'personio-client-secret' | 'from-file', string>>;

async function setCommand(ref: string, flags: SetFlags, io: CliIo, seen: string[], json: boolean): Promise<number> {
  const store = secretStoreFromEnv(io.env);
  const gathered = await gatherCredentials(store, ref, { flags, ...(flags['from-file'] && { file: flags['from-file'] }), fileFlag: '--from-file', env: io.env, seen, warn: io.err });
  await store.put(ref, gathered.secrets);
  const changed = gathered.existing ? describeChange(gathered.existing, gathered.secrets) : 'created';
  if (json) io.out(JSON.stringify({ ref, location: store.location, change: changed, ...masked(gathered.secrets) }, null, 2));
  else io.out(`Stored credentials for "${ref}" in ${store.location} (${changed}). Running workers use them from their next activity.`);
  return 0;
}

function masked(secrets: TenantSecrets) {
  return {
    timr: { clientId: secrets.timr.clientId, clientSecret: maskSecret(secrets.timr.clientSecret) },
    personio: { clientId: secrets.personio.clientId, clientSecret: maskSecret(secrets.personio.clientSecret) },
  };
}

async function showCommand(ref: string, io: CliIo, seen: string[], json: boolean): Promise<number> {
  const store = secretStoreFromEnv(io.env);
  const secrets = await store.get(ref);
  seen.push(secrets.timr.clientSecret, secrets.personio.clientSecret);
  if (json) {
    io.out(JSON.stringify({ ref, location: store.location, ...masked(secrets) }, null, 2));
    return 0;
  }
  io.out(`Credentials "${ref}" (${store.location}):`);
  io.out(`  timr      client id ${secrets.timr.clientId}  secret ${maskSecret(secrets.timr.clientSecret)}`);
  io.out(`  personio  client id ${secrets.personio.clientId}  secret ${maskSecret(secrets.personio.clientSecret)}`);
  return 0;
}

/** Enough to tell two secrets apart after a rotation, not enough to use one. */
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `****${secret.slice(-4)}` : '****';
}

async function listCommand(io: CliIo, json: boolean): Promise<number> {
  const store = secretStoreFromEnv(io.env);
  const refs = await store.list();
  if (json) {
    io.out(JSON.stringify(refs));
    return 0;
  }
  if (refs.length === 0) io.err(`No credentials stored (${store.location}).`);
  for (const ref of refs) io.out(ref);
  return 0;
}

async function codecKeysCommand(action: 'init' | 'rotate', io: CliIo, json: boolean): Promise<number> {
  const file = codecKeysFileFromEnv(io.env);
  if (action === 'init') {
    const { created } = await ensureCodecKeyFile(file);
    if (json) io.out(JSON.stringify({ file, created }));
    else io.out(created ? `Created codec key file ${file} (mode 0600).` : `Codec key file ${file} already exists and is valid; left unchanged.`);
    return 0;
  }
  const { activeKeyId, previousKeyId } = await rotateCodecKeyFile(file);
  if (json) io.out(JSON.stringify({ file, activeKeyId, previousKeyId }));
  else io.out(`Codec key "${activeKeyId}" is now active in ${file}; "${previousKeyId}" and older keys still decrypt. Restart workers, clients and the codec server to encrypt with the new key.`);
  return 0;
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
