import type { Payload } from '@temporalio/common';
import { z } from 'zod';

// proto3 JSON, as the Temporal UI and `temporal` CLI send it: bytes are base64 strings
// (standard or URL-safe alphabet, padding optional).
const Base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

export const JsonPayload = z.object({
  metadata: z.record(z.string(), Base64).nullish(),
  data: Base64.nullish(),
});
export type JsonPayload = z.infer<typeof JsonPayload>;

/**
 * proto3 JSON of a Payloads message: an empty list is omitted, so `{}` is the empty request (the
 * Temporal CLI sends it for a query without input). Unknown keys are refused, so a misspelt
 * `payload` is not taken for an empty list.
 */
export const PayloadsRequest = z.strictObject({ payloads: z.array(JsonPayload).default([]) });
export type PayloadsRequest = z.infer<typeof PayloadsRequest>;

export function payloadFromJson(p: JsonPayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v, 'base64');
  return { metadata, data: Buffer.from(p.data ?? '', 'base64') };
}

export function payloadToJson(p: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) if (v) metadata[k] = toBase64(v);
  return { metadata, data: toBase64(p.data ?? new Uint8Array()) };
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
