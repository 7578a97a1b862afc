/**
 * The two kinds of failure the CLI expects and explains in one line: wrong arguments (exit 2,
 * with the command's usage) and a refused operation (exit 1). Anything else is a bug or an
 * outage and is reported as unexpected.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** `--help` was given: print the command's usage and succeed. */
export class HelpRequested extends Error {
  constructor() {
    super('help requested');
    this.name = 'HelpRequested';
  }
}
