// The ET0 formulas against FAO Irrigation and Drainage Paper 56 (Allen et al., 1998).
import { describe, expect, it } from 'vitest';
import { extraterrestrialRadiationMm, hargreavesEt0 } from '../../controller/irrigation/weather.js';

const MJ_TO_MM = 0.408;

describe('extraterrestrialRadiationMm', () => {
  it('gives FAO-56 Example 8: 20°S on 3 September (day 246) is 32.2 MJ m⁻² day⁻¹, 13.1 mm/day', () => {
    const mm = extraterrestrialRadiationMm(-20, 246);
    expect(mm / MJ_TO_MM).toBeCloseTo(32.2, 1);
    expect(mm).toBeCloseTo(0.408 * 32.2, 1);
    expect(mm).toBeCloseTo(13.1, 1);
  });

  it('follows FAO-56 Table 2.6 at the equator (15th of each month), within rounding', () => {
    const table = [36.2, 37.5, 37.9, 36.8, 34.8, 33.4, 33.9, 35.7, 37.2, 37.4, 36.3, 35.6];
    const day15 = [15, 46, 74, 105, 135, 166, 196, 227, 258, 288, 319, 349];
    day15.forEach((j, i) => expect(Math.abs(extraterrestrialRadiationMm(0, j) / MJ_TO_MM - table[i]!)).toBeLessThanOrEqual(0.15));
  });

  it('is zero in the polar night and positive in the polar day, without NaN', () => {
    expect(extraterrestrialRadiationMm(80, 355)).toBe(0);
    const polarDay = extraterrestrialRadiationMm(80, 172);
    expect(Number.isFinite(polarDay)).toBe(true);
    expect(polarDay).toBeGreaterThan(15);
  });
});

describe('hargreavesEt0', () => {
  // By hand, with Example 8's Ra = 32.19 MJ → 0.408 × 32.19 = 13.135 mm/day, Tmin 14.8, Tmax 26.6:
  //   Tmean = (14.8 + 26.6) / 2 = 20.7;  Tmean + 17.8 = 38.5;  √(26.6 − 14.8) = √11.8 = 3.4351
  //   ET0 = 0.0023 × 13.135 × 38.5 × 3.4351 = 3.995 mm/day
  // and with Tmean given as 22: 0.0023 × 13.135 × 39.8 × 3.4351 = 4.130 mm/day.
  it('matches the hand computation', () => {
    expect(hargreavesEt0({ tMinC: 14.8, tMaxC: 26.6, latDeg: -20, dayOfYear: 246 })).toBeCloseTo(3.995, 2);
    expect(hargreavesEt0({ tMinC: 14.8, tMaxC: 26.6, tMeanC: 22, latDeg: -20, dayOfYear: 246 })).toBeCloseTo(4.13, 2);
  });

  it('is zero, not NaN, when the range is zero or inverted', () => {
    expect(hargreavesEt0({ tMinC: 25, tMaxC: 25, latDeg: 21, dayOfYear: 180 })).toBe(0);
    expect(hargreavesEt0({ tMinC: 26, tMaxC: 25, latDeg: 21, dayOfYear: 180 })).toBe(0);
  });
});
