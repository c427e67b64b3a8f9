import { describe, expect, it } from 'vitest';
import { irrigationValve, type ValveConfig } from '../../devices/types/irrigation-valve.js';
import { irrigationValveSim as sim, type ValveState } from '../../devices/sim/irrigation-valve.js';
import { SeededRng } from '../../firmware-sim/rng.js';
import { dev, envAt } from './sim-helpers.js';

const config: ValveConfig = { maxRunS: 600, closeOnOffline: true };
const env = envAt(new Date('2025-06-15T03:00:00Z'));
const drip = dev({ id: 'valve-01', zone: 'nha-mang-1', attributes: { kind: 'drip' } });

function opened(durationS: number, rng = new SeededRng(7)) {
  const s0 = sim.init(drip, rng, env);
  const r = sim.command!(s0, { action: 'open', params: { durationS, runId: 'run-1' } }, { config, env });
  return { r, rng };
}

function run(s: ValveState, stepS: number, n: number, rng: SeededRng, cfg = config) {
  const seen: ValveState[] = [];
  for (let i = 0; i < n; i++) {
    s = sim.step(s, { env, dtS: stepS, rng, config: cfg, device: drip }).state;
    seen.push(s);
  }
  return seen;
}

describe('irrigation valve model', () => {
  it('opens, counts down and closes itself at durationS', () => {
    const { r, rng } = opened(300);
    expect(r.status).toBe('applied');
    expect(sim.reported!(r.state)).toEqual({ open: true, remainingS: 300, runId: 'run-1' });
    const states = run(r.state, 1, 300, rng);
    expect(sim.reported!(states[298]!)).toEqual({ open: true, remainingS: 1, runId: 'run-1' });
    expect(sim.reported!(states[299]!)).toEqual({ open: false, remainingS: 0 });
    expect(states[299]!.flowLpm).toBe(0);
  });

  it('refuses a run above maxRunS, in the type rule and in the device', () => {
    const cmd = { action: 'open', params: { durationS: 601 } };
    expect(irrigationValve.refuse!(cmd, config)).toMatch(/exceeds maxRunS 600/);
    expect(irrigationValve.refuse!({ action: 'open', params: { durationS: 600 } }, config)).toBeUndefined();
    const s0 = sim.init(drip, new SeededRng(1), env);
    const r = sim.command!(s0, cmd, { config, env });
    expect(r.status).toBe('rejected');
    expect(r.reason).toMatch(/exceeds maxRunS/);
    expect(r.state.open).toBe(false);
  });

  it('meters water only while open, and the total never decreases', () => {
    const { r, rng } = opened(120);
    const before = r.state.totalLiters;
    const states = run(r.state, 10, 30, rng); // 120 s open, then 180 s closed
    const totals = states.map((s) => s.totalLiters);
    for (let i = 1; i < totals.length; i++) expect(totals[i]!).toBeGreaterThanOrEqual(totals[i - 1]!);
    // Drip: 8..20 L/min for 2 min, with pressure varying the flow a little.
    expect(totals.at(-1)! - before).toBeGreaterThan(12);
    expect(totals.at(-1)! - before).toBeLessThan(45);
    const closed = states.slice(12);
    expect(closed.every((s) => !s.open && s.flowLpm === 0)).toBe(true);
    expect(new Set(closed.map((s) => s.totalLiters)).size).toBe(1);
    expect(sim.reading(closed[0]!, { env, rng, device: drip })).toMatchObject({ flowLpm: 0, pressureBar: 0 });
  });

  it('flows like a sprinkler when it is one', () => {
    const sprinkler = dev({ attributes: { kind: 'sprinkler' } });
    const rng = new SeededRng(3);
    const s = sim.command!(sim.init(sprinkler, rng, env), { action: 'open', params: { durationS: 60 } }, { config, env }).state;
    const r = sim.reading(sim.step(s, { env, dtS: 1, rng, config, device: sprinkler }).state, { env, rng, device: sprinkler });
    expect(r.flowLpm).toBeGreaterThan(30);
    expect(r.pressureBar).toBeGreaterThanOrEqual(1.5);
    expect(r.pressureBar).toBeLessThanOrEqual(3);
  });

  it('closes on close and, when configured, on losing the plane', () => {
    const { r } = opened(300);
    expect(sim.command!(r.state, { action: 'close', params: {} }, { config, env }).state.open).toBe(false);
    expect(sim.onPlaneLost!(r.state, config).open).toBe(false);
    expect(sim.onPlaneLost!(r.state, { ...config, closeOnOffline: false }).open).toBe(true);
  });
});
