/**
 * The CLI's Temporal client: connection settings from `@temporalio/envconfig` (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS variables, TEMPORAL_PROFILE and the config file),
 * and the project's payload codec, because every payload is encrypted.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { dataConverterFromEnv } from '../../codec/index.js';
import { CliError } from './errors.js';

export interface TemporalSession {
  client: Client;
  address: string;
  namespace: string;
  close(): Promise<void>;
}

function definedEntries(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export async function connectTemporal(env: NodeJS.ProcessEnv): Promise<TemporalSession> {
  let config: ReturnType<typeof loadClientConnectConfig>;
  try {
    config = loadClientConnectConfig({ overrideEnvVars: definedEntries(env) });
  } catch (err) {
    throw new CliError(`cannot load the Temporal connection settings: ${(err as Error).message}. Check TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE and the TEMPORAL_* variables.`);
  }
  const address = config.connectionOptions.address ?? 'localhost:7233';
  const namespace = config.namespace ?? 'default';
  // The codec first: a missing key is a local problem and should not wait for a network timeout.
  const dataConverter = await dataConverterFromEnv(env);
  let connection: Connection;
  try {
    connection = await Connection.connect(config.connectionOptions);
  } catch (err) {
    throw new CliError(
      `cannot connect to Temporal at ${address} (namespace ${namespace}): ${(err as Error).message}. ` +
        'Is the server running? Set TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, or TEMPORAL_PROFILE, to point at it.',
    );
  }
  return {
    client: new Client({ connection, namespace, dataConverter }),
    address,
    namespace,
    close: () => connection.close(),
  };
}
