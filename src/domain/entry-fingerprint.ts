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

/**
 * 64-bit FNV-1a over the UTF-16 code units, low byte first — the bytes and order of the first
 * version, so fingerprints stored in timr metadata keep their value. The 64-bit state is four
 * 16-bit limbs in plain numbers: a BigInt per byte cost a few hundred microseconds per entry.
 * The prime is 2^40 + 0x1b3, so h × prime = h × 0x1b3 + (h << 40), carried limb by limb.
 */
function fnv1a64(text: string): string {
  // Offset basis 0xcbf29ce484222325, least significant limb first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const step = (byte: number) => {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  };
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    step(unit & 0xff);
    step(unit >>> 8);
  }
  const hex = (limb: number) => limb.toString(16).padStart(4, '0');
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}
