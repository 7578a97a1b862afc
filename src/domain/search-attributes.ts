import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes the tenant workflows publish. The dev server registers them at
 * start; production clusters need `temporal operator search-attribute create` once (see README).
 */
export const TENANT_ID = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const SYNC_STATUS = defineSearchAttributeKey('SyncStatus', SearchAttributeType.KEYWORD);
export const LAST_RUN_OUTCOME = defineSearchAttributeKey('LastRunOutcome', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [TENANT_ID, SYNC_STATUS, LAST_RUN_OUTCOME] as const;
