/**
 * The plain baseline as its own process (like the worker), so its CPU is its own and it does
 * not share an event loop with the sandbox. Reads a job file (argv[2]), prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { FileSecretStore } from '../../secrets/index.js';
import { runPlainTransfer, type PlainTenant } from './plain.js';
import type { VendorEndpoints } from '../../activities/deps.js';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { endpoints: VendorEndpoints; secretsDir: string; tenants: PlainTenant[]; parallel: number };
const result = await runPlainTransfer({ endpoints: job.endpoints, secrets: new FileSecretStore(job.secretsDir), tenants: job.tenants, parallel: job.parallel });
const usage = process.cpuUsage();
console.log(JSON.stringify({ ...result, cpuSeconds: (usage.user + usage.system) / 1e6 }));
