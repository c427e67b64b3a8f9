// A seedable PRNG (mulberry32) so a simulated commune is the same on every run with the same seed.
// Not for anything secret.
import type { Rng } from '../devices/define.js';
import { hash32 } from '../devices/sim/util.js';

export class SeededRng implements Rng {
  private s: number;
  /** Box–Muller yields two normals; the second is kept for the next call. */
  private spare: number | undefined;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  normal(mean: number, sd: number): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + sd * z;
    }
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }
}

/** A stream of its own for each named part (a device, the weather), so adding one leaves the others unchanged. */
export function rngFor(seed: number, name: string): SeededRng {
  return new SeededRng(hash32(`${seed >>> 0}:${name}`));
}
