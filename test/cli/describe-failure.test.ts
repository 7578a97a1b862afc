import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/commands/describe-failure.js';
import { CliError } from '../../src/cli/commands/errors.js';
import { CodecKeyError } from '../../src/codec/keys.js';
import { TenantOperationRejected } from '../../src/control/tenants.js';

describe('describeFailure', () => {
  it('passes a validator rejection through in its own words, as expected', () => {
    expect(describeFailure(new TenantOperationRejected('acme', 'sync-now', 'tenant acme is paused; resume it first'))).toEqual({
      message: 'tenant acme is paused; resume it first',
      expected: true,
    });
    const raw = new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ message: 'tenant acme is stopping' }));
    expect(describeFailure(raw)).toEqual({ message: 'tenant acme is stopping', expected: true });
  });

  it('tells apart a tenant without a workflow from one whose workflow has finished', () => {
    const missing = describeFailure(new WorkflowNotFoundError('workflow not found for ID: tenant/acme', 'tenant/acme', undefined));
    expect(missing.message).toMatch(/^tenant acme has no workflow \(tenant\/acme not found\)\. Start it with: timr-sync start acme --credentials-ref <ref>/);
    const finished = describeFailure(new WorkflowNotFoundError('workflow execution already completed', 'tenant/acme', undefined));
    expect(finished.message).toMatch(/^the workflow of tenant acme \(tenant\/acme\) has finished\. Start it with: timr-sync start acme/);
    expect(finished.expected).toBe(true);
  });

  it('explains timeouts, unreachable servers and unknown namespaces', () => {
    expect(describeFailure(new WorkflowUpdateRPCTimeoutOrCancelledError('timeout')).message).toContain('is a worker running on its task queue');
    const unavailable = new ServiceError('Failed to query Workflow', { cause: Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }) });
    expect(describeFailure(unavailable)).toEqual({ message: expect.stringContaining('Temporal is unreachable: 14 UNAVAILABLE'), expected: true });
    const deadline = new ServiceError('Failed to query Workflow', { cause: Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4 }) });
    expect(describeFailure(deadline).message).toContain('Is a worker polling');
    const cancelledByDeadline = new ServiceError('Failed to query Workflow', { cause: Object.assign(new Error('1 CANCELLED: Call cancelled'), { code: 1 }) });
    expect(describeFailure(cancelledByDeadline).message).toContain('Is a worker polling');
    expect(describeFailure(new NamespaceNotFoundError('prod')).message).toContain('namespace "prod" does not exist');
  });

  it('keeps CLI and codec key errors as they are and marks anything else unexpected', () => {
    expect(describeFailure(new CliError('bad file'))).toEqual({ message: 'bad file', expected: true });
    expect(describeFailure(new CodecKeyError('no key'))).toEqual({ message: 'no key', expected: true });
    expect(describeFailure(new TypeError('x is undefined'))).toEqual({ message: 'x is undefined', expected: false });
    expect(describeFailure(new ServiceError('Failed to query Workflow', { cause: Object.assign(new Error('13 INTERNAL: boom'), { code: 13 }) }))).toEqual({
      message: 'Failed to query Workflow: 13 INTERNAL: boom',
      expected: false,
    });
  });
});
