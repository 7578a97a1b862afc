import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as healthActivities from '../../src/activities/health-check.js';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY } from '../../src/codec/aes-gcm-codec.js';
import { healthCheckWorkflow } from '../../src/workflows/health-check.js';
import { connectTestEnv, createTestWorker, uniqueTaskQueue } from '../helpers/temporal.js';

const { History } = proto.temporal.api.history.v1;
type RawPayload = { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null };

/** Every Payload message anywhere in a decoded history (they are the objects carrying `metadata.encoding`). */
function collectPayloads(node: unknown, out: RawPayload[] = []): RawPayload[] {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return out;
  const rec = node as Record<string, unknown>;
  const metadata = rec.metadata as Record<string, unknown> | undefined;
  if (metadata && typeof metadata === 'object' && metadata.encoding instanceof Uint8Array) out.push(rec as RawPayload);
  for (const v of Object.values(rec)) collectPayloads(v, out);
  return out;
}

describe('payload codec on the real Temporal dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('keeps plaintext out of the stored history while the workflow sees it', async () => {
    const codec = new AesGcmPayloadCodec({ activeKeyId: 'it-key', keys: new Map([['it-key', randomBytes(32)]]) });
    const dataConverter = { payloadCodecs: [codec] };
    const taskQueue = uniqueTaskQueue('codec');
    const workflowId = `codec-${taskQueue}`;
    const marker = `PLAINTEXT-MARKER-Anna-Mueller-${randomBytes(4).toString('hex')}`;

    const worker = await createTestWorker(env, { taskQueue, activities: healthActivities, dataConverter });
    const client = new Client({ connection: env.connection, namespace: inject('temporalNamespace'), dataConverter });
    const result = await worker.runUntil(client.workflow.execute(healthCheckWorkflow, { taskQueue, workflowId, args: [marker] }));
    // The activity and the workflow both saw the plaintext (decrypted by the worker).
    expect(result.probe).toBe(marker);
    expect(result.worker).toContain(`answered ${marker}`);

    // env.client has no codec: it sees what the server stores.
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const rawBytes = Buffer.from(History.encode(history).finish());
    expect(rawBytes.length).toBeGreaterThan(0);
    expect(rawBytes.includes(Buffer.from(marker))).toBe(false);
    expect(rawBytes.includes(Buffer.from('Anna-Mueller'))).toBe(false);

    const payloads = collectPayloads(history);
    // Workflow input, activity input, activity result, workflow result.
    expect(payloads.length).toBeGreaterThanOrEqual(4);
    for (const p of payloads) {
      expect(new TextDecoder().decode(p.metadata?.encoding ?? undefined)).toBe(ENCRYPTED_ENCODING);
      expect(new TextDecoder().decode(p.metadata?.[KEY_ID_METADATA_KEY] ?? undefined)).toBe('it-key');
    }

    // And the codec (what the codec server does for the UI) turns them back into readable values.
    const started = history.events?.find((e) => e.workflowExecutionStartedEventAttributes)?.workflowExecutionStartedEventAttributes;
    const [decodedInput] = await codec.decode(started?.input?.payloads ?? []);
    expect(new TextDecoder().decode(decodedInput?.data ?? undefined)).toBe(JSON.stringify(marker));
  });
});
