/**
 * `timr-sync doctor`: is this setup able to sync? One line per check with the fix, exit 1 if
 * any fails. Reads the same environment as the worker (Temporal connection, codec keys, secret
 * store, vendor endpoints) and writes nothing anywhere.
 */
import { Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { endpointsFromEnv } from '../../activities/deps.js';
import { PersonioClient } from '../../clients/personio/client.js';
import { TimrClient } from '../../clients/timr/client.js';
import { payloadCodecFromEnv } from '../../codec/index.js';
import { ALL_SEARCH_ATTRIBUTES, CLI_TYPE_NAME } from '../../domain/search-attributes.js';
import { redactSecrets, secretStoreFromEnv, type TenantSecrets } from '../../secrets/index.js';
import { printLines } from './cli-io.js';
import type { CommandModule } from './command.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about a failed check. */
  fix?: string;
}

const TIMEOUT_MS = 5000;

function definedEntries(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${TIMEOUT_MS / 1000}s`)), TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function temporalChecks(env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  let address = 'localhost:7233';
  let namespace = 'default';
  let connection: Connection | undefined;
  try {
    const config = loadClientConnectConfig({ overrideEnvVars: definedEntries(env) });
    address = config.connectionOptions.address ?? address;
    namespace = config.namespace ?? namespace;
    connection = await withTimeout(Connection.connect({ ...config.connectionOptions, connectTimeout: TIMEOUT_MS }), `Temporal at ${address}`);
    await withTimeout(connection.workflowService.describeNamespace({ namespace }), `namespace ${namespace}`);
  } catch (err) {
    await connection?.close().catch(() => undefined);
    return [
      {
        name: 'temporal',
        ok: false,
        detail: `Temporal at ${address} (namespace ${namespace}): ${(err as Error).message}`,
        fix: 'start the server, or point TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (or TEMPORAL_PROFILE) at it; the namespace must exist',
      },
      { name: 'search-attributes', ok: false, detail: 'not checked: Temporal is not reachable', fix: 'fix the Temporal check first' },
    ];
  }
  const checks: DoctorCheck[] = [{ name: 'temporal', ok: true, detail: `Temporal at ${address} answers, namespace ${namespace} exists` }];
  try {
    const res = await withTimeout(connection.operatorService.listSearchAttributes({ namespace }), 'search attributes');
    const custom = res.customAttributes ?? {};
    const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in custom));
    checks.push(
      missing.length === 0
        ? { name: 'search-attributes', ok: true, detail: `registered: ${ALL_SEARCH_ATTRIBUTES.map((k) => k.name).join(', ')}` }
        : {
            name: 'search-attributes',
            ok: false,
            detail: `missing in namespace ${namespace}: ${missing.map((k) => k.name).join(', ')}`,
            fix: missing.map((k) => `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${CLI_TYPE_NAME[k.type]}`).join(' && '),
          },
    );
  } catch (err) {
    checks.push({ name: 'search-attributes', ok: false, detail: `cannot list them: ${(err as Error).message}`, fix: 'the API key or certificate needs operator access to list search attributes' });
  } finally {
    await connection.close();
  }
  return checks;
}

async function codecCheck(env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  try {
    await payloadCodecFromEnv(env);
    return { name: 'codec-keys', ok: true, detail: env.TIMR_SYNC_CODEC_KEY ? 'payload key from TIMR_SYNC_CODEC_KEY' : 'payload key file readable' };
  } catch (err) {
    return { name: 'codec-keys', ok: false, detail: (err as Error).message, fix: 'npm run secrets -- codec-keys init (or set TIMR_SYNC_CODEC_KEY); every worker and CLI needs the same keys' };
  }
}

/** One token and one cheap read per vendor and stored credential set. */
async function secretChecks(env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  let refs: string[];
  const store = (() => {
    try {
      return secretStoreFromEnv(env);
    } catch (err) {
      return err as Error;
    }
  })();
  if (store instanceof Error) return [{ name: 'secrets', ok: false, detail: store.message, fix: 'set TIMR_SYNC_SECRET_STORE to "file" or "env"' }];
  try {
    refs = await store.list();
  } catch (err) {
    return [{ name: 'secrets', ok: false, detail: `cannot list the secret store: ${(err as Error).message}`, fix: 'check TIMR_SYNC_SECRETS_DIR and its permissions (0700, owned by the worker user)' }];
  }
  if (refs.length === 0) return [{ name: 'secrets', ok: false, detail: 'no tenant credentials stored', fix: 'store them with: npm run secrets -- set <tenant>' }];
  const endpoints = endpointsFromEnv(env);
  const checks: DoctorCheck[] = [];
  for (const ref of refs) {
    let secrets: TenantSecrets;
    try {
      secrets = await store.get(ref);
    } catch (err) {
      checks.push({ name: `secrets:${ref}`, ok: false, detail: (err as Error).message, fix: `make it readable by the worker user only: chmod 600 on the file of "${ref}" (or store it again: npm run secrets -- set ${ref})` });
      continue;
    }
    checks.push({ name: `secrets:${ref}`, ok: true, detail: 'readable, private to its owner' });
    const vendors: [string, () => Promise<unknown>][] = [
      ['timr', () => new TimrClient({ tenantId: ref, baseUrl: endpoints.timrBaseUrl, tokenUrl: endpoints.timrTokenUrl, credentials: secrets.timr, timeoutMs: TIMEOUT_MS }).listWorkingTimeTypes()],
      [
        'personio',
        async () => {
          // The first page is enough: it needs a token and the read scope.
          for await (const _ of new PersonioClient({ tenantId: ref, baseUrl: endpoints.personioBaseUrl, credentials: secrets.personio, timeoutMs: TIMEOUT_MS }).listPersons()) break;
        },
      ],
    ];
    for (const [vendor, probe] of vendors) {
      try {
        await probe();
        checks.push({ name: `credentials:${ref}:${vendor}`, ok: true, detail: `${vendor} accepts the credentials of "${ref}"` });
      } catch (err) {
        checks.push({
          name: `credentials:${ref}:${vendor}`,
          ok: false,
          detail: redactSecrets(`${vendor}: ${(err as Error).message}`, secrets),
          fix: `check or rotate the ${vendor} client id/secret of "${ref}" (npm run secrets -- set ${ref}); the endpoint comes from ${vendor === 'timr' ? 'TIMR_BASE_URL / TIMR_TOKEN_URL' : 'PERSONIO_BASE_URL'}`,
        });
      }
    }
  }
  return checks;
}

export async function runDoctor(env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  const [temporal, codec, secrets] = await Promise.all([temporalChecks(env), codecCheck(env), secretChecks(env)]);
  return [...temporal, codec, ...secrets];
}

export const doctorCommand: CommandModule = {
  name: 'doctor',
  register(program, ctx) {
    program
      .command('doctor')
      .summary("check Temporal, search attributes, codec keys, secrets and every tenant's vendor credentials")
      .description(
        `Checks what a worker needs, one line per check with the fix when it fails:
  temporal            the server answers and the namespace exists
  search-attributes   every search attribute the workflows write is registered
  codec-keys          the payload codec key (TIMR_SYNC_CODEC_KEY or the key file) loads
  secrets:<ref>       each stored credential set is readable and private (0600)
  credentials:<ref>:<vendor>  timr and Personio each issue a token for it and answer one read
Exit code 1 when any check fails.`,
      )
      .option('--json', 'print the checks as JSON')
      .action(
        ctx.run(async (values) => {
          const checks = await runDoctor(ctx.io.env);
          const ok = checks.every((c) => c.ok);
          if (values.json) {
            printLines(ctx.io.stdout, JSON.stringify({ ok, checks }, null, 2));
          } else {
            const lines = checks.flatMap((c) => [`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`, ...(c.ok || !c.fix ? [] : [`      fix: ${c.fix}`])]);
            lines.push(ok ? 'all checks passed' : `${checks.filter((c) => !c.ok).length} of ${checks.length} checks failed`);
            printLines(ctx.io.stdout, lines);
          }
          return ok ? 0 : 1;
        }),
      );
  },
};
