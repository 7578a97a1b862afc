export { healthCheckWorkflow } from './health-check.js';
export { tenantSyncWorkflow } from './tenant-sync.js';
export { syncRunWorkflow } from './sync-run.js';
export { checkOverridesWorkflow } from './check-overrides.js';
export { provisionWorkflow } from './provision.js';
export { listQuarantineWorkflow } from './list-quarantine.js';
export { auditWorkflow } from './audit.js';
