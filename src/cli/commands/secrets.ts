/**
 * `timr-sync secrets …`: the secrets tool (`npm run secrets`) under the one command, so every
 * hint can name `timr-sync` wherever it is installed. Needs no Temporal server.
 */
import { registerSecretsCommands } from '../secrets.js';
import type { CommandModule } from './command.js';

export const secretsCommand: CommandModule = {
  name: 'secrets',
  register(program, ctx) {
    const secrets = program.command('secrets').summary("store or show a tenant's credentials, manage the payload codec keys");
    registerSecretsCommands(secrets, { env: ctx.io.env, out: (line) => ctx.io.stdout.write(`${line}\n`), err: (line) => ctx.io.stderr.write(`${line}\n`) }, ctx.run);
  },
};
