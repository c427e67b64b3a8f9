// Scenes without a plane: the schema, the demo's scene and rules against the demo commune, and the
// runner's check of every action as the caller before anything is done.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Actor, Role } from '../../controller/auth/policy.js';
import { Bus } from '../../controller/bus.js';
import { SiteStore } from '../../controller/config/site.js';
import { DomainError } from '../../controller/errors.js';
import { checkActions, checkRule, Rule } from '../../controller/rules/schema.js';
import { demoRules, stormScene } from '../../controller/scenes/demo.js';
import { Scene, type SceneRun } from '../../controller/scenes/schema.js';
import { Scenes } from '../../controller/scenes/scenes.js';
import { demoFleet } from '../../firmware-sim/fleet.js';

const actor = (role: Role): Actor => ({ id: role, role, zones: [], kind: 'user' });
const site = demoFleet(42);

describe('Scene schema', () => {
  test('the storm scene parses and fits the demo commune; its bulletin text comes from the template', () => {
    const s = Scene.parse(stormScene('Xã Tân Hòa'));
    expect(s.actions.map((a) => a.kind)).toEqual(['bulletin', 'lighting-all', 'irrigation-pause', 'irrigation-rain-delay']);
    expect(s.undo?.map((a) => a.kind)).toEqual(['lighting-resume', 'irrigation-resume', 'irrigation-rain-delay']);
    const b = s.actions[0]!;
    expect(b.kind === 'bulletin' && b.text).toMatch(/^Kính thưa bà con Xã Tân Hòa, bão đang đến gần/);
    const parsed = SiteStoreFor.parsed;
    expect(checkActions(s.actions, parsed, 'actions')).toEqual([]);
    expect(checkActions(s.undo!, parsed, 'undo')).toEqual([]);
  });

  test('the demo rules fit the demo commune', () => {
    for (const r of demoRules('van-hanh')) expect(checkRule(Rule.parse(r), SiteStoreFor.parsed), r.id).toEqual([]);
  });

  test('refuses a scene in a scene, a missing confirmation, an unknown group or hamlet', () => {
    const base = stormScene('X');
    expect(Scene.safeParse({ ...base, actions: [{ kind: 'scene', scene: 'khac' }] }).success).toBe(false);
    expect(Scene.safeParse({ ...base, confirm: '' }).success).toBe(false);
    expect(Scene.safeParse({ ...base, actions: [] }).success).toBe(false);
    const bad = Scene.parse({ ...base, actions: [{ kind: 'lighting-override', group: 'khong-co', level: 50, untilMin: 10 }, { kind: 'bulletin', level: 'normal', zones: ['thon-ma'], title: 't', text: 'x' }] });
    expect(checkActions(bad.actions, SiteStoreFor.parsed, 'actions').map((i) => i.path)).toEqual(['actions.0.group', 'actions.1.zones.0']);
  });

  test('a rule may use the new kinds, a scene among them', () => {
    const r = Rule.parse({ ...demoRules('x')[0], then: [{ kind: 'scene', scene: 'bao' }, { kind: 'lighting-all', level: 80, untilMin: 60 }] });
    expect(r.then.map((a) => a.kind)).toEqual(['scene', 'lighting-all']);
  });
});

// A real site store on a temp file; services that record every call, to prove nothing was done.
const SiteStoreFor = { parsed: undefined as unknown as SiteStore['config'] };
let dir: string;
let store: SiteStore;
const calls: string[] = [];
let scenes: Scenes;
const events: SceneRun[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scenes-unit-'));
  await writeFile(join(dir, 'site.json'), JSON.stringify(site));
  store = new SiteStore({ file: join(dir, 'site.json') });
  SiteStoreFor.parsed = await store.load();
  const log = pino({ level: 'silent' });
  const bus = new Bus(log);
  bus.on('scene', (r) => events.push(r));
  const record = (name: string) => async () => void calls.push(name);
  scenes = new Scenes({
    site: store,
    bus,
    commands: { send: async () => Promise.reject(new Error('no commands here')), get: () => undefined },
    irrigation: { pause: record('pause'), resume: record('resume'), runNow: async () => Promise.reject(new Error('no runs here')), setRainDelay: async (h) => (calls.push(`rain-delay ${h}`), {} as never) },
    lighting: { override: async (o) => (calls.push(`override ${JSON.stringify(o.target)} ${o.level}`), { id: 'x', target: o.target, level: o.level, at: 0, by: o.by }), overrides: () => [] },
    radio: {
      sendEmergency: async () => (calls.push('emergency'), Promise.reject(new Error('no radio'))),
      draft: async () => (calls.push('draft'), Promise.reject(new Error('no radio'))),
      submit: () => (calls.push('submit'), undefined as never),
    },
    file: join(dir, 'scenes.json'),
    log,
    settleMs: 1000,
  });
  await scenes.start();
  await scenes.put(stormScene('Xã Tân Hòa'));
});

afterAll(async () => {
  await scenes?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the runner checks every action as the caller first', () => {
  test('an operator running the storm is refused whole, naming the emergency; nothing is done', () => {
    let err: unknown;
    try {
      scenes.run(actor('operator'), 'bao');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    const d = err as DomainError;
    expect(d.status).toBe(403);
    expect(d.code).toBe('scene-action-forbidden');
    expect(d.details).toEqual({ action: { index: 0, kind: 'bulletin' } });
    expect(d.message).toMatch(/an operator may not radio\.emergency/);
    expect(calls).toEqual([]);
    expect(scenes.runsOf('bao')).toEqual([]);
    expect(events).toEqual([]);
  });

  test('an official may run the storm: the emergency is theirs to send, the lights and irrigation the scene’s admin vouched for', () => {
    // By hand an official may not drive lights (lighting.control), yet the storm scene may.
    expect(scenes.refusal(actor('official'), scenes.scene('bao'))).toBeUndefined();
    expect(scenes.refusal(actor('official'), scenes.scene('bao'), true)).toBeUndefined();
  });

  test('a viewer may not run scenes at all; an admin passes the check', () => {
    expect(scenes.refusal(actor('viewer'), scenes.scene('bao'))?.reason).toBe('a viewer may not scenes.run');
    expect(scenes.refusal(actor('admin'), scenes.scene('bao'))).toBeUndefined();
    expect(scenes.refusal(actor('operator'), scenes.scene('bao'), true)).toBeUndefined();
  });

  test('an admin run performs in order, records a failed action, and a second tap meanwhile is a 409', async () => {
    const run = scenes.run(actor('admin'), 'bao');
    expect(() => scenes.run(actor('admin'), 'bao')).toThrow(expect.objectContaining({ status: 409, code: 'scene-running' }));
    await new Promise<void>((resolve) => {
      const check = () => (run.status !== 'running' ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(run.status).toBe('failed');
    expect(run.actions.map((a) => a.state)).toEqual(['failed', 'done', 'done', 'done']);
    expect(run.actions[0]!.detail).toBe('no radio');
    // Every light group of the demo commune, to 100 % with no end.
    expect(calls.filter((c) => c.startsWith('override')).length).toBe(site.lightGroups.length);
    expect(calls.slice(-2)).toEqual(['pause', 'rain-delay 24']);
    expect(scenes.runsOf('bao')[0]!.id).toBe(run.id);
  });
});
