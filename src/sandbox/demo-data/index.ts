/**
 * Deterministic demo data for the sandbox: tenants with timr accounts full of realistic and
 * awkward working times, and Personio accounts with the matching people.
 */
export { DEMO_TENANT_ID, generateDemoData } from './generate.js';
export { DEMO_SCENARIOS, describeDemoData, type DemoDataSummary, type DemoScenario, type TenantSummary } from './describe.js';
export { DEFAULT_START_DATE, DEFAULT_TIMEZONE, DemoDataOptions, MIN_DAYS, MIN_EMPLOYEES, type DemoDataInput } from './options.js';
export { RENAMED_ZEITAUSGLEICH_EXTERNAL_ID } from './working-time-types.js';
export { zeitausgleichMatchFor } from './zeitausgleich.js';
