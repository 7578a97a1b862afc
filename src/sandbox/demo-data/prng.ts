/**
 * Seeded pseudo-random numbers for the demo data. The generator is sfc32 (128-bit state), so
 * uuids drawn from it do not collide across the hundreds of thousands of entries a benchmark
 * seed holds — a 32-bit generator would repeat ids at that scale.
 *
 * Streams are addressed by a path ("1/tenant:0/employee:7"): a fork is seeded from its path,
 * not from how many numbers the parent has drawn, so adding an employee or a scenario does not
 * reshuffle every other employee's data.
 */

const WARM_UP_ROUNDS = 16;

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Four well-mixed 32-bit words from a string (seed material for sfc32). */
function hashToWords(text: string): [number, number, number, number] {
  let h1 = 0x9e3779b9;
  let h2 = 0x85ebca6b;
  let h3 = 0xc2b2ae35;
  let h4 = 0x27d4eb2f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h3 = Math.imul(h3 ^ c, 0x1b873593);
    h4 = Math.imul(h4 ^ c, 0xcc9e2d51);
  }
  // Cross-mix so that every word depends on every other lane.
  h1 = fmix32(h1 ^ text.length ^ h3);
  h2 = fmix32(h2 ^ h1);
  h3 = fmix32(h3 ^ h2);
  h4 = fmix32(h4 ^ h3);
  return [h1, h2, h3, h4];
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(word: number): string {
  return (
    (BYTE_HEX[word >>> 24] as string) +
    (BYTE_HEX[(word >>> 16) & 0xff] as string) +
    (BYTE_HEX[(word >>> 8) & 0xff] as string) +
    (BYTE_HEX[word & 0xff] as string)
  );
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(readonly path: string) {
    [this.a, this.b, this.c, this.d] = hashToWords(path);
    for (let i = 0; i < WARM_UP_ROUNDS; i++) this.nextUint32();
  }

  static fromSeed(seed: number): Prng {
    return new Prng(`seed:${seed}`);
  }

  /** An independent stream for a named part of the data. */
  fork(label: string): Prng {
    return new Prng(`${this.path}/${label}`);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`Prng.int: max ${max} is below min ${min}`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('Prng.pick: cannot pick from an empty list');
    return item;
  }

  /** A new array in random order (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += hex8(this.nextUint32());
    return out.slice(0, length);
  }

  /** RFC 4122 version-4-shaped id from this stream. */
  uuid(): string {
    const a = hex8(this.nextUint32());
    const b = hex8(this.nextUint32());
    const cWord = this.nextUint32();
    const c = hex8(cWord);
    const d = hex8(this.nextUint32());
    const variant = (((cWord >>> 28) & 0x3) | 0x8).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}
