import { getTimes } from 'suncalc';
import { describe, expect, it } from 'vitest';
import { levelAt, zonedTimeToUtc, type ProfileStep } from '../../devices/sim/profile.js';
import { DRIVER_LOSS, lightPowerW, streetLightSim as sim } from '../../devices/sim/street-light.js';
import { streetLight } from '../../devices/types/street-light.js';
import { SeededRng } from '../../firmware-sim/rng.js';
import { dev, envAt, SITE, steadyRng } from './sim-helpers.js';

const { lat, lon, tz } = SITE;
const config = streetLight.defaultConfig(SITE, { ratedPowerW: 60 });
const profile = config.fallback as ProfileStep[];
const local = (d: number, hh: number, mm: number) => zonedTimeToUtc(2025, 6, d, hh, mm, tz);
const day = getTimes(local(15, 12, 0), lat, lon);
const light = dev({ id: 'light-thon-dong-01', attributes: { ratedPowerW: 60 } });

describe('street-light profile', () => {
  it('converts local wall time in Asia/Ho_Chi_Minh (UTC+7)', () => {
    expect(local(15, 23, 0).toISOString()).toBe('2025-06-15T16:00:00.000Z');
  });

  it('is 100 just after sunset and 0 after sunrise + 10 min', () => {
    const sunset = day.sunset!.getTime();
    const sunrise = day.sunrise!.getTime();
    expect(levelAt(profile, lat, lon, tz, new Date(sunset + 60_000))).toBe(100);
    expect(levelAt(profile, lat, lon, tz, new Date(sunset - 11 * 60_000))).toBe(0);
    expect(levelAt(profile, lat, lon, tz, new Date(sunrise + 11 * 60_000))).toBe(0);
    expect(levelAt(profile, lat, lon, tz, new Date(sunrise + 9 * 60_000))).toBe(80);
  });

  it('takes the fixed 23:00 step and carries it across midnight', () => {
    expect(levelAt(profile, lat, lon, tz, local(15, 22, 59))).toBe(100);
    expect(levelAt(profile, lat, lon, tz, local(15, 23, 0))).toBe(50);
    expect(levelAt(profile, lat, lon, tz, local(16, 2, 0))).toBe(50);
    expect(levelAt(profile, lat, lon, tz, local(16, 4, 30))).toBe(80);
  });
});

describe('street-light model', () => {
  const env = envAt(local(15, 21, 0));

  it('draws power in proportion to level, plus the driver, and nothing when off', () => {
    const s0 = sim.init(light, steadyRng, env);
    const at = (level: number) => sim.command!(s0, { action: 'set', params: { level } }, { config, env }).state.powerW;
    expect(at(0)).toBe(0);
    expect(at(100)).toBeCloseTo(60 * (1 + DRIVER_LOSS));
    expect(at(100) - at(50)).toBeCloseTo(30);
    expect(at(50) - at(25)).toBeCloseTo(15);
    expect(lightPowerW(100, 60, true)).toBe(0); // a failed lamp draws nothing
  });

  it('integrates energy over time and never loses any', () => {
    let s = sim.command!(sim.init(light, steadyRng, env), { action: 'set', params: { level: 100 } }, { config, env }).state;
    const e0 = s.energyKwh;
    for (let i = 0; i < 60; i++) s = sim.step(s, { env, dtS: 60, rng: steadyRng, config, device: light }).state;
    expect(s.energyKwh - e0).toBeCloseTo((60 * (1 + DRIVER_LOSS)) / 1000, 6);
    const r = sim.reading(s, { env, rng: steadyRng, device: light });
    expect(streetLight.reading.safeParse(r).success).toBe(true);
    expect(r.lampStatus).toBe('ok');
  });

  it('follows the program, holds an override until its time, and resumes', () => {
    const rng = new SeededRng(4);
    let s = sim.step(sim.init(light, rng, env), { env, dtS: 0, rng, config, device: light }).state;
    expect(sim.reported!(s)).toEqual({ level: 100, mode: 'program' });
    const until = local(15, 22, 0).toISOString();
    s = sim.command!(s, { action: 'set', params: { level: 30, untilIso: until } }, { config, env }).state;
    expect(sim.reported!(s)).toEqual({ level: 30, mode: 'override', overrideUntil: until });
    s = sim.step(s, { env: envAt(local(15, 21, 30)), dtS: 1800, rng, config, device: light }).state;
    expect(s.level).toBe(30);
    s = sim.step(s, { env: envAt(local(15, 23, 30)), dtS: 7200, rng, config, device: light }).state;
    expect(sim.reported!(s)).toEqual({ level: 50, mode: 'program' });
    s = sim.command!(s, { action: 'set', params: { level: 10 } }, { config, env }).state;
    s = sim.command!(s, { action: 'resume', params: {} }, { config, env: envAt(local(16, 12, 0)) }).state;
    expect(sim.reported!(s)).toEqual({ level: 0, mode: 'program' });
  });
});
