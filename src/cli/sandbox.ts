/**
 * `npm run sandbox` — serves the sandbox timr v1 and Personio v2 APIs on loopback, seeded with
 * the demo tenants, and prints their URLs and demo credentials. For trying the clients, curl,
 * or pointing a worker at them (TIMR_BASE_URL, TIMR_TOKEN_URL, PERSONIO_BASE_URL).
 *
 *   npm run sandbox -- [--timr-port 4010] [--personio-port 4020] [--tenants 1] [--employees 8] [--days 14] [--seed 1]
 */
import { integerAtLeast, parseProcessArgs, processProgram } from './commands/command.js';
import { describeDemoData, generateDemoData } from '../sandbox/demo-data/index.js';
import { startSandbox } from '../sandbox/index.js';

const values = parseProcessArgs(
  processProgram('npm run sandbox --')
    .description('Serves the sandbox timr v1 and Personio v2 APIs on loopback, seeded with the demo tenants; Ctrl-C stops.')
    .option('--timr-port <port>', 'timr port (0: a free one)', integerAtLeast(0, '--timr-port'), 4010)
    .option('--personio-port <port>', 'Personio port (0: a free one)', integerAtLeast(0, '--personio-port'), 4020)
    .option('--tenants <n>', 'demo tenants', integerAtLeast(1, '--tenants'), 1)
    .option('--employees <n>', 'employees per tenant', integerAtLeast(1, '--employees'), 8)
    .option('--days <n>', 'days of working times', integerAtLeast(1, '--days'), 14)
    .option('--seed <n>', 'seed of the demo data', integerAtLeast(0, '--seed'), 1),
);

const seed = generateDemoData({ seed: values.seed, tenants: values.tenants, employees: values.employees, days: values.days });
const sandbox = await startSandbox({ seed, timrPort: values.timrPort, personioPort: values.personioPort }).catch((err: Error) => {
  console.error(`cannot start the sandbox: ${err.message}\n(ports busy? pass --timr-port 0 --personio-port 0 for free ones)`);
  process.exit(1);
});

const summary = describeDemoData(seed);
console.log(`sandbox timr v1       ${sandbox.timrBaseUrl}        token: ${sandbox.timrTokenUrl}`);
console.log(`sandbox Personio v2   ${sandbox.personioBaseUrl}/v2     token: ${sandbox.personioBaseUrl}/v2/auth/token`);
console.log(`control API           ${sandbox.timrControlUrl}  ${sandbox.personioControlUrl}   (state, seed, reset, faults, rotate-credentials)`);
console.log('');
for (const t of seed.tenants) {
  const s = summary.tenants.find((x) => x.id === t.id);
  console.log(`tenant ${t.id} (${t.timezone}): ${s?.users ?? '?'} timr users, ${s?.persons ?? '?'} Personio persons, ${s?.workingTimes ?? '?'} working times`);
  console.log(`  timr      client_id=${t.timr.clientId}  client_secret=${t.timr.clientSecret}`);
  console.log(`  Personio  client_id=${t.personio.clientId}  client_secret=${t.personio.clientSecret}`);
}
const first = seed.tenants[0]!;
console.log(`
try:
  curl -s -X POST ${sandbox.timrTokenUrl} -d grant_type=client_credentials -d client_id=${first.timr.clientId} -d client_secret=${first.timr.clientSecret} -d 'scope=openid timrclient'
  curl -s -H "Authorization: Bearer <access_token>" '${sandbox.timrBaseUrl}/working-times?limit=2'
  curl -s ${sandbox.personioControlUrl}/state | head -c 400

(sandbox-only demo credentials; Ctrl-C stops)`);

const stop = async () => {
  await sandbox.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
