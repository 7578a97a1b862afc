/**
 * Starts a Personio sandbox on loopback with an ephemeral port, for tests, the demo and the
 * benchmark. Loopback only: the control API is unauthenticated.
 */
import { createPersonioSandbox, type PersonioSandbox, type PersonioSandboxOptions } from './server.js';

export interface RunningPersonioSandbox extends PersonioSandbox {
  /** e.g. http://127.0.0.1:43123 — no trailing slash. */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startPersonioSandbox(opts: PersonioSandboxOptions = {}): Promise<RunningPersonioSandbox> {
  const sandbox = createPersonioSandbox(opts);
  await sandbox.app.listen({ host: '127.0.0.1', port: 0 });
  const address = sandbox.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('Personio sandbox did not bind a TCP port');
  return { ...sandbox, baseUrl: `http://127.0.0.1:${address.port}`, close: () => sandbox.app.close() };
}
