/**
 * Seeded randomness for the soak. Every concern (kills, fault phases, people, the rotation)
 * draws from its own stream derived from the soak's seed, so one concern's timing never shifts
 * another's schedule and a seed reproduces the whole plan.
 */
import { prng } from '../../sandbox/faults.js';

export class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = prng(seed);
  }

  /** An independent stream for one concern, e.g. `root.stream('kills')`. */
  static stream(seed: number, name: string): Random {
    let h = 2166136261 ^ seed;
    for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
    return new Random(h >>> 0);
  }

  float(): number {
    return this.next();
  }

  /** Uniform in [min, max]. */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick of an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
