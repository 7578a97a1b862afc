import type { TypeChoice, TypeQuestion } from '../../domain/onboarding-decisions.js';

/** Where a CLI command writes and what environment it sees; `process` in production, buffers in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** Progress lines are redrawn in place only on a terminal. */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  /**
   * Asks the operator to decide a working-time type (onboard); present only on a terminal.
   * Without it, commands that need a decision ask for flags instead.
   */
  ask?: (question: TypeQuestion) => Promise<TypeChoice>;
  /** Aborted on Ctrl-C: commands that wait in a loop (status --watch) end cleanly. */
  signal?: AbortSignal;
}

export function printLines(stream: OutputStream, lines: string | readonly string[]): void {
  const text = typeof lines === 'string' ? lines : lines.join('\n');
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
