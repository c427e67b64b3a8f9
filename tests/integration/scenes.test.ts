// The storm scene end to end on the demo commune: a real village (aedes, influxd) and its simulated
// fleet (lights, speakers, valves). An operator is refused whole; an admin's run reaches every
// light (applied at 100 %), every cluster (the emergency started) and irrigation (paused, 24 h rain
// delay), pushed live; the undo clears the overrides and resumes irrigation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SceneRun } from '../../controller/scenes/schema.js';
import { stormScene } from '../../controller/scenes/demo.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { demoFleet } from '../../firmware-sim/fleet.js';
import type { ApiClient } from '../helpers/api.js';
import { openStream, type OpenStream } from '../helpers/stream.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const site = demoFleet(7);
const lights = site.devices.filter((d) => d.type === 'street-light').map((d) => d.id);
const speakers = site.devices.filter((d) => d.type === 'loudspeaker').map((d) => d.id);
let t: TestVillage;
let fleet: SimFleet;
let admin: ApiClient;
let stream: OpenStream;

const level = (id: string) => t.village.live.snapshot(id)?.state as { level?: number; mode?: string } | undefined;
const runOf = async (id: string) => (await admin.get(`/api/scenes/runs/${id}`)).body as SceneRun;

beforeAll(async () => {
  t = await startTestVillage({ site, options: { radio: { tickMs: 1000 } } });
  fleet = new SimFleet({ site, secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 5, speed: 1, stepEveryMs: 500, reconnectPeriodMs: 200 });
  fleet.start();
  await until(() => t.village.live.all().every((d) => d.availability === 'online'), 'the demo commune online', 60_000);
  admin = await t.as('admin');
  const put = await admin.put('/api/scenes/bao', stormScene(site.site.name));
  expect(put.status).toBe(200);
  stream = await openStream(t.village.url, admin);
}, 120_000);

afterAll(async () => {
  stream?.close();
  await fleet?.stop();
  await t?.stop();
});

describe('the storm scene', () => {
  it('refuses an operator whole (the emergency needs an official or admin), with nothing done', async () => {
    const operator = await t.as('van-hanh', 'operator');
    const res = await operator.post('/api/scenes/bao/run', {});
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'scene-action-forbidden', action: { index: 0, kind: 'bulletin' } });
    // Nothing half-done: no bulletin, no override, irrigation running as before, no run recorded.
    expect(t.village.radio.bulletins()).toEqual([]);
    expect(t.village.lighting.overrides()).toEqual([]);
    expect(t.village.irrigation.queue().paused).toBe(false);
    expect(t.village.scenes.runsOf('bao')).toEqual([]);
    expect(t.lines.some((l) => l.refused === 'scene-action-forbidden' && l.actor === 'van-hanh')).toBe(true);
  });

  it("an official's tap reaches every device: lights applied at 100 %, every cluster's emergency started, irrigation paused with a 24 h rain delay", async () => {
    const t0 = Date.now();
    // The commune's official runs it: the lights and irrigation are the scene's admin's to vouch for.
    const official = await t.as('chu-tich', 'official');
    const res = await official.post('/api/scenes/bao/run', {});
    expect(res.status).toBe(202);
    const run = res.body as SceneRun;
    expect(run).toMatchObject({ scene: 'bao', undo: false, by: 'user:chu-tich', status: 'running' });
    // A second tap while it runs: 409 with the run under way.
    const again = await admin.post('/api/scenes/bao/run', {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'scene-running', run: { id: run.id } });

    const done = await until(async () => {
      const r = await runOf(run.id);
      return r.status !== 'running' ? r : undefined;
    }, 'the storm run settled', 90_000);
    expect(done.status).toBe('done');
    expect(done.actions.map((a) => a.state)).toEqual(['done', 'done', 'done', 'done']);
    const [bulletin, lighting] = done.actions;
    expect(bulletin!.devices.map((d) => d.id).sort()).toEqual([...speakers].sort());
    expect(bulletin!.devices.every((d) => d.state === 'started' || d.state === 'finished')).toBe(true);
    expect(new Set(lighting!.devices.map((d) => d.id))).toEqual(new Set(lights));
    expect(lighting!.devices.every((d) => d.state === 'applied')).toBe(true);
    // What the devices report, not what was commanded.
    await until(() => lights.every((id) => level(id)?.level === 100 && level(id)?.mode === 'override'), 'every light reports 100 % override');
    const b = t.village.radio.bulletin(bulletin!.bulletin!);
    expect(b).toMatchObject({ level: 'emergency', createdBy: 'chu-tich', zones: ['commune'] }); // the emergency goes out in the official's name
    expect(b.deliveries.every((d) => ['started', 'finished'].includes(d.status))).toBe(true);
    const q = (await admin.get('/api/irrigation/queue')).body as { paused: boolean; rainDelayUntil?: number };
    expect(q.paused).toBe(true);
    expect(q.rainDelayUntil! - t0).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(q.rainDelayUntil! - t0).toBeLessThan(24 * 3600_000 + 60_000);
    // The page sees it move on the live stream, to the end.
    await until(() => stream.events.some((e) => e.event === 'scene' && e.data.id === run.id && e.data.status === 'done'), 'the done run on the stream');
    const pushed = stream.events.filter((e) => e.event === 'scene' && e.data.id === run.id);
    expect(pushed.length).toBeGreaterThan(lights.length);
    // Kept on disk with the scene's runs.
    expect((await admin.get('/api/scenes/bao')).body).toMatchObject({ scene: { id: 'bao' }, runs: [{ id: run.id, status: 'done' }] });
  }, 120_000);

  it('undo: the overrides are gone, the lights back on their program, irrigation resumed without the delay', async () => {
    const res = await admin.post('/api/scenes/bao/undo', {});
    expect(res.status).toBe(202);
    const run = res.body as SceneRun;
    expect(run.undo).toBe(true);
    const done = await until(async () => {
      const r = await runOf(run.id);
      return r.status !== 'running' ? r : undefined;
    }, 'the undo settled', 60_000);
    expect(done.status).toBe('done');
    expect(done.actions.map((a) => [a.kind, a.state])).toEqual([
      ['lighting-resume', 'done'],
      ['irrigation-resume', 'done'],
      ['irrigation-rain-delay', 'done'],
    ]);
    expect(done.actions[0]!.devices.every((d) => d.state === 'applied')).toBe(true);
    expect(t.village.lighting.overrides().filter((o) => o.level !== null)).toEqual([]);
    for (const id of lights) expect(t.village.lighting.desiredLevel(id)?.source).not.toBe('override');
    await until(() => lights.every((id) => level(id)?.mode === 'program'), 'every light reports its program');
    const q = (await admin.get('/api/irrigation/queue')).body as { paused: boolean; rainDelayUntil?: number };
    expect(q.paused).toBe(false);
    expect(q.rainDelayUntil).toBeUndefined();
  }, 90_000);

  it("runs from a rule as the rule's owner; an operator's rule naming the storm is refused when saved", async () => {
    const operator = await t.as('van-hanh', 'operator');
    const rule = { name: 'Gió mạnh: bão', when: { kind: 'event', event: 'alert-raised', select: { devices: ['weather-01'] } }, then: [{ kind: 'scene', scene: 'bao' }] };
    const refused = await operator.put('/api/rules/bao-tu-dong', rule);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/radio\.emergency/);
    expect((await admin.put('/api/rules/bao-tu-dong', { ...rule, then: [{ kind: 'scene', scene: 'khong-co' }] })).status).toBe(400);
    expect((await admin.put('/api/rules/bao-tu-dong', rule)).status).toBe(200);
    t.village.bus.emit('alert', { key: 'test.wind', what: { code: 'storage-spool-full', dropped: 0 }, severity: 'warning', message: 'gió', at: new Date(), active: true, device: 'weather-01' });
    const run = await until(() => t.village.scenes.runsOf('bao').find((r) => r.by === 'rule:bao-tu-dong' && r.status !== 'running'), 'the rule-run storm settled', 60_000);
    expect(run).toMatchObject({ undo: false, status: 'done' });
    expect(t.village.radio.bulletin(run.actions[0]!.bulletin!).createdBy).toBe('admin');
    // Back as it was, for whoever runs next.
    const undo = (await admin.post('/api/scenes/bao/undo', {})).body as SceneRun;
    await until(async () => (await runOf(undo.id)).status !== 'running', 'undo settled', 60_000);
  }, 90_000);
});
