import { describe, expect, it } from 'vitest';
import { SimClock } from '../../firmware-sim/clock.js';
import { SiteEnvironment } from '../../firmware-sim/environment.js';
import { rngFor, SeededRng } from '../../firmware-sim/rng.js';

const draw = (r: SeededRng, n: number) => Array.from({ length: n }, () => r.next());

describe('seeded rng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    expect(draw(new SeededRng(42), 20)).toEqual(draw(new SeededRng(42), 20));
    expect(draw(new SeededRng(42), 20)).not.toEqual(draw(new SeededRng(43), 20));
    expect(draw(rngFor(42, 'valve-01'), 5)).toEqual(draw(rngFor(42, 'valve-01'), 5));
    expect(draw(rngFor(42, 'valve-01'), 5)).not.toEqual(draw(rngFor(42, 'valve-02'), 5));
  });

  it('gives uniform values in [0, 1) and normals with the asked mean and spread', () => {
    const r = new SeededRng(1);
    const u = draw(r, 10000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((a, b) => a + b) / u.length).toBeCloseTo(0.5, 1);
    const n = Array.from({ length: 10000 }, () => r.normal(10, 2));
    const mean = n.reduce((a, b) => a + b) / n.length;
    const sd = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeGreaterThan(1.9);
    expect(sd).toBeLessThan(2.1);
  });
});

describe('sim clock', () => {
  it('runs sim time at speed × real time from its start', () => {
    let real = 1_000_000;
    const clock = new SimClock({ speed: 60, startMs: 5_000, realNow: () => real });
    expect(clock.nowMs()).toBe(5_000);
    real += 1000;
    expect(clock.nowMs()).toBe(65_000);
    expect(clock.realMsFor(60)).toBe(1000);
    expect(() => new SimClock({ speed: 0 })).toThrow();
  });
});

describe('site environment', () => {
  const env = new SiteEnvironment({ lat: 21.03, lon: 105.75, seed: 42, zoneWatering: (z) => z === 'nha-mang-1' });

  it('is the same for the same instant and seed, with the sun up by day and down at night', () => {
    const noon = new Date('2025-06-15T05:00:00Z');
    const night = new Date('2025-06-15T17:00:00Z');
    const a = env.at(noon);
    expect({ ...a, zoneWatering: null }).toEqual({ ...new SiteEnvironment({ lat: 21.03, lon: 105.75, seed: 42 }).at(noon), zoneWatering: null });
    expect(a.sunAltitude).toBeGreaterThan(1);
    expect(a.solarWm2).toBeGreaterThan(100);
    expect(env.at(night).sunAltitude).toBeLessThan(0);
    expect(env.at(night).solarWm2).toBe(0);
    expect(a.zoneWatering('nha-mang-1')).toBe(true);
    expect(a.zoneWatering('nha-mang-2')).toBe(false);
  });

  it('stays within a north-Vietnam summer range over a month, with some rain', () => {
    let min = Infinity;
    let max = -Infinity;
    let rainMm = 0;
    const t0 = Date.parse('2025-06-01T00:00:00Z');
    for (let t = t0; t < t0 + 30 * 86400_000; t += 600_000) {
      const e = env.at(new Date(t));
      min = Math.min(min, e.outdoorTempC);
      max = Math.max(max, e.outdoorTempC);
      rainMm += e.rainMmPerH / 6;
    }
    expect(min).toBeGreaterThan(18);
    expect(max).toBeLessThan(38);
    expect(max - min).toBeGreaterThan(6);
    expect(rainMm).toBeGreaterThan(50);
    expect(rainMm).toBeLessThan(800);
  });
});
