/**
 * Content fingerprint of a timr entry: what matters for the transfer (who, type, times,
 * breaks, notes) and nothing that locking changes (status, metadata, last_modified). Lets the
 * sync tell whether a locked entry still says what was posted. Pure and import-free, so
 * workflows may call it too.
 */
import type { WorkingTime } from '../clients/timr/schemas.js';

/** Canonical text the fingerprint hashes; readable when two fingerprints need explaining. */
export function entryCanonicalForm(entry: WorkingTime): string {
  const breaks = entry.break_times
    .map((b) =>
      b.type === 'ongoing'
        ? ['ongoing', instant(b.start)]
        : [b.type, b.duration_minutes, b.start ? instant(b.start) : null, b.end ? instant(b.end) : null],
    )
    .map((b) => JSON.stringify(b))
    // timr does not promise an order for breaks; the same breaks in another order are the same content.
    .sort();
  return JSON.stringify({
    user: entry.user.id,
    type: entry.working_time_type.id,
    start: instant(entry.start),
    end: entry.end === null ? null : instant(entry.end),
    breakTotal: entry.break_time_total_minutes,
    breaks,
    notes: entry.notes?.trim() ?? '',
  });
}

/** `v1:` + 64-bit FNV-1a of the canonical form, hex. */
export function entryFingerprint(entry: WorkingTime): string {
  return `v1:${fnv1a64(entryCanonicalForm(entry))}`;
}

/** The same moment written with another device offset is the same content. */
function instant(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    for (const byte of [unit & 0xff, unit >>> 8]) {
      hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
    }
  }
  return hash.toString(16).padStart(16, '0');
}
