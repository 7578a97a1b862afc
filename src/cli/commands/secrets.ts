/**
 * `timr-sync secrets …`: the secrets tool (`npm run secrets`) under the one command, so every
 * hint can name `timr-sync` wherever it is installed. Needs no Temporal server.
 */
import { runSecretsCli, USAGE } from '../secrets.js';
import type { Command } from './command.js';

export const secretsCommand: Command = {
  name: 'secrets',
  summary: "store or show a tenant's credentials, manage the payload codec keys",
  usage: USAGE,
  async run(args, ctx) {
    return runSecretsCli(args, {
      env: ctx.io.env,
      out: (line) => ctx.io.stdout.write(`${line}\n`),
      err: (line) => ctx.io.stderr.write(`${line}\n`),
    });
  },
};
