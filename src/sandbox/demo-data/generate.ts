/** Entry point of the generator: options in, a sandbox seed out, the same for the same options. */
import type { Seed } from '../seed.js';
import { resolveDemoDataOptions, type DemoDataInput } from './options.js';
import { Prng } from './prng.js';
import { buildTenant, tenantIdentity } from './tenant.js';
import { ZoneClocks } from './zone-clock.js';

/** Id of the first demo tenant, whatever the seed. */
export const DEMO_TENANT_ID = tenantIdentity(0).id;

export function generateDemoData(opts?: DemoDataInput): Seed {
  const settings = resolveDemoDataOptions(opts);
  const root = Prng.fromSeed(settings.seed);
  const clocks = new ZoneClocks();
  const tenants = [];
  for (let index = 0; index < settings.tenants; index++) tenants.push(buildTenant(index, settings, root, clocks));
  return { tenants };
}
