/**
 * Runs the payload codec server for the Temporal UI:
 *   npm run codec-server -- [--port 8888] [--host 127.0.0.1] [--cors-origin http://localhost:8233]... [--namespace default]...
 * Keys come from TIMR_SYNC_CODEC_KEY or the key file (TIMR_SYNC_CODEC_KEYS_FILE, --keys-file);
 * TIMR_SYNC_CODEC_AUTH_TOKEN enables bearer-token authorisation.
 * In the UI: Settings (or the data encoder icon) → Codec Server endpoint → http://<host>:<port>.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec.js';
import { buildCodecServer, DEFAULT_UI_ORIGIN } from '../codec/codec-server.js';
import { loadCodecKeyring } from '../codec/keys.js';
import { collect, integerAtLeast, parseProcessArgs, processProgram } from './commands/command.js';

function program() {
  return processProgram('npm run codec-server --')
    .description(
      `Serves the payload codec for the Temporal UI. Keys come from TIMR_SYNC_CODEC_KEY or the key file.
TIMR_SYNC_CODEC_AUTH_TOKEN requires that token on every request: "Authorization: Bearer <token>",
or as the password of HTTP Basic credentials.`,
    )
    .option('--port <port>', 'listen port (default 8888, or TIMR_SYNC_CODEC_PORT)', integerAtLeast(0, '--port'))
    .option('--host <address>', 'listen address (default 127.0.0.1, or TIMR_SYNC_CODEC_HOST; 0.0.0.0 in containers)')
    .option('--cors-origin <url>', `browser origin of the Temporal UI, repeatable (default ${DEFAULT_UI_ORIGIN}, or comma-separated TIMR_SYNC_CODEC_CORS_ORIGINS)`, collect)
    .option('--namespace <ns>', 'serve only these namespaces (X-Namespace header), repeatable (default: all)', collect)
    .option('--keys-file <file>', 'codec key file (default TIMR_SYNC_CODEC_KEYS_FILE or .secrets/codec/codec-keys.json); ignored when TIMR_SYNC_CODEC_KEY is set');
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const values = parseProcessArgs(program(), argv);
  const portText = values.port ?? env.TIMR_SYNC_CODEC_PORT ?? '8888';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`the port must be an integer 0-65535, got "${portText}" (--port or TIMR_SYNC_CODEC_PORT).`);
  const host = values.host ?? env.TIMR_SYNC_CODEC_HOST ?? '127.0.0.1';
  const corsOrigins = values.corsOrigin ?? splitList(env.TIMR_SYNC_CODEC_CORS_ORIGINS) ?? [DEFAULT_UI_ORIGIN];
  const authToken = env.TIMR_SYNC_CODEC_AUTH_TOKEN?.trim() || undefined;
  const keyEnv = values.keysFile ? { ...env, TIMR_SYNC_CODEC_KEYS_FILE: values.keysFile } : env;
  const keyring = await loadCodecKeyring(keyEnv);

  const app = buildCodecServer({
    codec: new AesGcmPayloadCodec(keyring),
    corsOrigins,
    authToken,
    namespaces: values.namespace,
    logger: { level: env.LOG_LEVEL ?? 'info' },
  });
  const address = await app.listen({ port, host });
  console.log(`Codec server on ${address} (encrypting with key "${keyring.activeKeyId}", ${keyring.keys.size} key(s) for decoding).`);
  console.log(`CORS origins: ${corsOrigins.join(', ')}. Set the Temporal UI's Codec Server endpoint to ${address}.`);
  if (!authToken) {
    const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
    console.warn(
      loopback
        ? 'No TIMR_SYNC_CODEC_AUTH_TOKEN: anyone on this machine can decrypt payloads (fine for development).'
        : `WARNING: listening on ${host} without TIMR_SYNC_CODEC_AUTH_TOKEN: anyone who can reach it can decrypt payloads.`,
    );
  }
  const stop = (signal: string) => {
    console.log(`${signal}: closing codec server`);
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function splitList(v: string | undefined): string[] | undefined {
  const items = (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main(process.argv.slice(2), process.env).catch((err: unknown) => {
    console.error(`codec-server: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
