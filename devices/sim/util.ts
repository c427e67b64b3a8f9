// Small helpers shared by the simulator models. Pure, no state.

export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

export const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** First-order lag: move x toward target with time constant tauS over dtS (exact, stable for any dtS). */
export const approach = (x: number, target: number, dtS: number, tauS: number): number =>
  target + (x - target) * Math.exp(-dtS / tauS);

/** FNV-1a: a stable 32-bit hash, so a value derived from an id is the same on every run. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A chance of an event at a constant rate (per second) happening within dtS. */
export const happens = (u: number, ratePerS: number, dtS: number): boolean => u < 1 - Math.exp(-ratePerS * dtS);
