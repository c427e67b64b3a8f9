// Every device type is checked the same way: its definition is consistent, and what its own
// simulator model produces passes its own schemas.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deviceTypes, hasTrait, ID_PATTERN, TRAITS } from '../../devices/index.js';
import { SeededRng } from '../../firmware-sim/rng.js';
import { dev, envAt, SITE } from './sim-helpers.js';

const ATTRS: Record<string, Record<string, unknown>> = { 'irrigation-valve': { kind: 'drip' }, 'street-light': { ratedPowerW: 60 } };

describe.each(Object.values(deviceTypes))('device type $type', (t) => {
  it('has a well-formed identity, labels and intervals', () => {
    expect(t.type).toMatch(ID_PATTERN);
    expect(t.label.vi.length).toBeGreaterThan(0);
    expect(t.label.en.length).toBeGreaterThan(0);
    expect(t.reportEveryS).toBeGreaterThan(0);
    expect(t.offlineAfterS).toBeGreaterThanOrEqual(2 * t.reportEveryS); // one lost report is not "offline"
  });

  it('says what it is for with known traits, which the registry answers by', () => {
    expect(t.traits.length).toBeGreaterThan(0);
    expect(new Set(t.traits).size).toBe(t.traits.length);
    for (const trait of t.traits) {
      expect(TRAITS).toContain(trait);
      expect(hasTrait(t.type, trait)).toBe(true);
    }
    expect(hasTrait('no-such-type', t.traits[0]!)).toBe(false);
  });

  it('has unique capabilities, each labelled, with consistent ranges', () => {
    const keys = t.capabilities.map((c) => `${c.access}:${c.key}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of t.capabilities) {
      expect(c.label.vi && c.label.en, c.key).toBeTruthy();
      if (c.min !== undefined && c.max !== undefined) expect(c.min).toBeLessThan(c.max);
      if (c.kind === 'enum') expect(c.values?.length).toBeGreaterThan(0);
    }
  });

  it('maps to InfluxDB with bounded tags and fields it can produce', () => {
    expect(t.influx.measurement).toMatch(/^[a-z_]+$/);
    for (const f of t.influx.fields) expect(['site', 'type', 'device', 'hamlet', 'zone']).not.toContain(f);
    const metricKeys = t.metrics.map((m) => m.key);
    for (const k of metricKeys) expect(t.influx.fields).toContain(k);
  });

  it('rejects out-of-range and wrongly typed metrics', () => {
    for (const m of t.metrics) {
      const cap = m.capability;
      const bad = cap.kind === 'number' ? (cap.max !== undefined ? cap.max + 1 : 'x') : cap.kind === 'boolean' ? 'yes' : 'no-such-value';
      expect(m.schema.safeParse(bad).success, m.key).toBe(false);
      if (!m.optional) expect(m.schema.safeParse(undefined).success, m.key).toBe(false);
    }
  });

  it('has a command for every action, each with a JSON schema for forms', () => {
    for (const [action, params] of Object.entries(t.commands)) {
      expect(action).toMatch(/^[a-z][A-Za-z]*$/);
      expect(z.toJSONSchema(params)).toMatchObject({ type: 'object' });
      expect(t.command.safeParse({ action, params: {} }).success || Object.keys(params.shape).length > 0).toBe(true);
    }
    expect(t.command.safeParse({ action: 'selfDestruct', params: {} }).success).toBe(false);
  });

  it('builds a default config that passes its own config schema', () => {
    const cfg = t.defaultConfig(SITE, ATTRS[t.type] ?? {});
    expect(t.config.safeParse(cfg).success).toBe(true);
  });

  it('simulates readings, events and state that pass its own schemas', () => {
    const rng = new SeededRng(7);
    const device = dev({ attributes: t.attributes.parse(ATTRS[t.type] ?? {}), zone: 'z' });
    const config = t.defaultConfig(SITE, device.attributes);
    let env = envAt(new Date('2026-06-01T05:00:00Z'));
    let s = t.sim.init(device, rng, env);
    for (let i = 0; i < 30; i++) {
      env = envAt(new Date(env.now.getTime() + 60_000));
      const out = t.sim.step(s, { env, dtS: 60, rng, config, device });
      s = out.state;
      for (const e of out.events ?? []) expect(t.events?.safeParse(e).success, JSON.stringify(e)).toBe(true);
      const reading = t.sim.reading(s, { env, rng, device });
      const r = t.reading.safeParse(reading);
      expect(r.success, JSON.stringify(reading)).toBe(true);
      if (t.sim.reported) expect(t.state?.safeParse(t.sim.reported(s)).success).toBe(true);
    }
  });
});
