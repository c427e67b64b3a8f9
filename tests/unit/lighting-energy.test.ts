// The night window and a program's on-hours, in Asia/Ho_Chi_Minh (UTC+7, no DST) and across a DST
// change, for fixed-time and sunset/sunrise programs.
import { describe, expect, it } from 'vitest';
import { nightWindow, programOnHours } from '../../controller/lighting/energy.js';
import { levelAt, stepInstant, type ProfileStep } from '../../devices/sim/profile.js';

const TZ = 'Asia/Ho_Chi_Minh';
const LAT = 21.03;
const LON = 105.75;
const H = 3_600_000;

const fixed: ProfileStep[] = [
  { at: '18:00', level: 100 },
  { at: '23:00', level: 50 },
  { at: '05:00', level: 0 },
];
const astro: ProfileStep[] = [
  { astro: 'sunset', offsetMin: -10, level: 100 },
  { at: '23:00', level: 50 },
  { at: '04:30', level: 80 },
  { astro: 'sunrise', offsetMin: 10, level: 0 },
];

describe('nightWindow', () => {
  it('runs from local noon to local noon the next day (UTC+7)', () => {
    const w = nightWindow('2026-11-01', TZ);
    expect(w.from.toISOString()).toBe('2026-11-01T05:00:00.000Z');
    expect(w.to.toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('crosses month and year ends', () => {
    expect(nightWindow('2026-12-31', TZ).to.toISOString()).toBe('2027-01-01T05:00:00.000Z');
    expect(nightWindow('2028-02-28', TZ).to.toISOString()).toBe('2028-02-29T05:00:00.000Z');
  });

  it('is 23 h on the night clocks go forward where there is DST', () => {
    const w = nightWindow('2026-03-28', 'Europe/Paris');
    expect((w.to.getTime() - w.from.getTime()) / H).toBe(23);
  });

  it('refuses a date that is not YYYY-MM-DD or does not exist', () => {
    expect(() => nightWindow('2026-11-1', TZ)).toThrow(/invalid date/);
    expect(() => nightWindow('2026-02-30', TZ)).toThrow(/invalid date/);
  });
});

describe('programOnHours', () => {
  it('counts a fixed-time program: 18:00 to 05:00 on, at full then half', () => {
    const { from, to } = nightWindow('2026-11-01', TZ);
    // On 18:00 → 05:00 = 11 h; level-weighted 5 h × 1 + 6 h × 0.5 = 8 h.
    expect(programOnHours(fixed, LAT, LON, TZ, from, to)).toEqual({ onHours: 11, levelHours: 8 });
    // A coarse step gives the same answer when every step falls on a sample.
    expect(programOnHours(fixed, LAT, LON, TZ, from, to, 30 * 60_000)).toEqual({ onHours: 11, levelHours: 8 });
  });

  it('counts only the part of the program inside the window', () => {
    const { from } = nightWindow('2026-11-01', TZ);
    // 21:00 → 01:00 local: 2 h at full, 2 h at half.
    const r = programOnHours(fixed, LAT, LON, TZ, new Date(from.getTime() + 9 * H), new Date(from.getTime() + 13 * H));
    expect(r).toEqual({ onHours: 4, levelHours: 3 });
  });

  it('bounds a sunset/sunrise program by that night’s sun times', () => {
    const { from, to } = nightWindow('2026-11-01', TZ);
    const r = programOnHours(astro, LAT, LON, TZ, from, to);
    const on = stepInstant(astro[0]!, { year: 2026, month: 11, day: 1 }, LAT, LON, TZ)!.getTime();
    const off = stepInstant(astro[3]!, { year: 2026, month: 11, day: 2 }, LAT, LON, TZ)!.getTime();
    // Hanoi in early November: sunset about 17:20, sunrise about 06:05, so about 13 h lit.
    expect(r.onHours).toBeGreaterThan(12.5);
    expect(r.onHours).toBeLessThan(13.5);
    // Sampled each minute: within a minute of the exact span.
    expect(Math.abs(r.onHours - (off - on) / H)).toBeLessThanOrEqual(1 / 60);
    // Full to 23:00, half to 04:30, 80 % to dawn.
    const at = (hh: number, mm: number) => Date.UTC(2026, 10, 1, hh - 7, mm) + (hh < 12 ? 24 * H : 0);
    const exact = (at(23, 0) - on) / H + 0.5 * ((at(4, 30) - at(23, 0)) / H) + 0.8 * ((off - at(4, 30)) / H);
    expect(Math.abs(r.levelHours - exact)).toBeLessThanOrEqual(1 / 60);
    expect(r.levelHours).toBeLessThan(r.onHours);
  });

  it('gives the same answer as evaluating the level at every sample', () => {
    const { from, to } = nightWindow('2026-06-20', TZ);
    let onMs = 0;
    let levelMs = 0;
    for (let t = from.getTime(); t < to.getTime(); t += 60_000) {
      const level = levelAt(astro, LAT, LON, TZ, new Date(t));
      if (level > 0) onMs += 60_000;
      levelMs += (level / 100) * 60_000;
    }
    const r = programOnHours(astro, LAT, LON, TZ, from, to);
    expect(r.onHours).toBeCloseTo(onMs / H, 9);
    expect(r.levelHours).toBeCloseTo(levelMs / H, 9);
  });

  it('is 0 for a program that never switches on, and for an empty window', () => {
    const { from, to } = nightWindow('2026-11-01', TZ);
    expect(programOnHours([{ at: '00:00', level: 0 }], LAT, LON, TZ, from, to)).toEqual({ onHours: 0, levelHours: 0 });
    expect(programOnHours(fixed, LAT, LON, TZ, from, from)).toEqual({ onHours: 0, levelHours: 0 });
  });
});
