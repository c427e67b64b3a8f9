// A farmer sees and waters their own zone and nothing else: over HTTP and on the live stream,
// with farmer B's valve reporting, being commanded and raising an alert meanwhile.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiClient } from '../helpers/api.js';
import { authSite, ZONE_A, ZONE_B } from '../helpers/auth-site.js';
import { openStream } from '../helpers/stream.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
let a: ApiClient;
let b: ApiClient;
let admin: ApiClient;

beforeAll(async () => {
  t = await startTestVillage({ site: authSite() });
  a = await t.as('nong-dan-a', 'farmer', [ZONE_A]);
  b = await t.as('nong-dan-b', 'farmer', [ZONE_B]);
  admin = await t.as('admin');
});
afterAll(async () => t?.stop());

describe('over HTTP', () => {
  test('lists show only the farmer’s zone', async () => {
    expect((await a.get('/api/devices')).body.map((d: { id: string }) => d.id).sort()).toEqual(['cb-a', 'van-a']);
    expect((await a.get('/api/irrigation/zones')).body.map((z: { id: string }) => z.id)).toEqual([ZONE_A]);
    const site = (await a.get('/api/site')).body;
    expect(site.zones.map((z: { id: string }) => z.id)).toEqual([ZONE_A]);
    expect(site.hamlets.map((h: { id: string }) => h.id)).toEqual(['thon-a']);
  });

  test('farmer A cannot read or touch farmer B’s valve, zone, runs or programs', async () => {
    const denied = [
      await a.get('/api/devices/van-b'),
      await a.get('/api/devices/van-b/telemetry'),
      await a.post('/api/devices/van-b/commands', { action: 'open', params: { durationS: 60 } }),
      await a.post('/api/irrigation/run', { zone: ZONE_B, durationS: 60 }),
      await a.get(`/api/irrigation/zones/${ZONE_B}/water`),
      await a.put('/api/irrigation/programs/tuoi-b', { name: 'Tưới B', calendar: { kind: 'weekly', days: [1] }, starts: [{ at: '06:00' }], steps: [{ zone: ZONE_B, durationS: 60 }] }),
      await a.get('/api/lighting/groups'),
      await a.get('/api/radio/bulletins'),
    ];
    expect(denied.map((r) => r.status)).toEqual(denied.map(() => 403));
    // B's own run, which A can neither see in the queue nor stop.
    const run = await b.post('/api/irrigation/run', { zone: ZONE_B, durationS: 60 });
    expect(run.status).toBe(202);
    expect((await a.post(`/api/irrigation/runs/${run.body.id}/stop`)).status).toBe(403);
    const q = (await a.get('/api/irrigation/queue')).body;
    expect([...q.running, ...q.queued].some((r: { zone: string }) => r.zone === ZONE_B)).toBe(false);
    expect((await b.post(`/api/irrigation/runs/${run.body.id}/stop`)).status).toBe(200);
    // B's program is B's: A does not see it and cannot delete it.
    expect((await b.put('/api/irrigation/programs/tuoi-b', { name: 'Tưới B', calendar: { kind: 'weekly', days: [1] }, starts: [{ at: '06:00' }], steps: [{ zone: ZONE_B, durationS: 60 }] })).status).toBe(200);
    expect((await a.get('/api/irrigation/programs')).body.map((p: { id: string }) => p.id)).not.toContain('tuoi-b');
    expect((await a.delete('/api/irrigation/programs/tuoi-b')).status).toBe(403);
    // A program watering both zones is not A's to make.
    const both = await a.put('/api/irrigation/programs/ca-hai', { name: 'Cả hai', calendar: { kind: 'weekly', days: [1] }, starts: [{ at: '06:00' }], steps: [{ zone: ZONE_A, durationS: 60 }, { zone: ZONE_B, durationS: 60 }] });
    expect(both.status).toBe(403);
  });

  test('in their own zone the farmer starts and stops runs, commands the valve and edits programs', async () => {
    const run = await a.post('/api/irrigation/run', { zone: ZONE_A, durationS: 60 });
    expect(run.status).toBe(202);
    expect(run.body.issuer).toBe('user:nong-dan-a');
    expect((await a.post(`/api/irrigation/runs/${run.body.id}/stop`)).status).toBe(200);
    expect((await a.post('/api/devices/van-a/commands', { action: 'close', params: {} })).status).toBe(202);
    const p = await a.put('/api/irrigation/programs/tuoi-a', { name: 'Tưới A', calendar: { kind: 'weekly', days: [1] }, starts: [{ at: '06:00' }], steps: [{ zone: ZONE_A, durationS: 60 }] });
    expect(p.status).toBe(200);
    expect((await a.get(`/api/irrigation/zones/${ZONE_A}/water`)).status).toBe(200);
    // But not the commune's switches.
    expect((await a.post('/api/irrigation/pause')).status).toBe(403);
  });
});

const stream = (c: ApiClient) => openStream(t.village.url, c);

describe('on the live stream', () => {
  let devA: MqttClient;
  let devB: MqttClient;
  afterAll(async () => {
    await devA?.endAsync();
    await devB?.endAsync();
  });

  test('farmer A never receives farmer B’s readings, commands or alerts; B does', async () => {
    const sa = await stream(a);
    const sb = await stream(b);
    devA = await t.connectDevice('van-a');
    devB = await t.connectDevice('van-b');
    const topic = (id: string, ch: string) => `village/xa-thu/${id}/${ch}`;
    await devB.publishAsync(topic('van-b', 'state'), JSON.stringify({ open: false, remainingS: 0 }), { qos: 1, retain: true });
    await devB.publishAsync(topic('van-b', 'telemetry'), JSON.stringify({ flowLpm: 0, totalLiters: 10 }), { qos: 1 });
    // Water flowing through B's closed valve: a leak alert about B's zone.
    await devB.publishAsync(topic('van-b', 'telemetry'), JSON.stringify({ flowLpm: 6, totalLiters: 12 }), { qos: 1 });
    await devB.publishAsync(topic('van-b', 'telemetry'), JSON.stringify({ flowLpm: 6, totalLiters: 14 }), { qos: 1 });
    expect((await admin.post('/api/devices/van-b/commands', { action: 'close', params: {} })).status).toBe(202);
    // A's own valve, last: once A has seen it, B's events (sent before) would have arrived too.
    await devA.publishAsync(topic('van-a', 'telemetry'), JSON.stringify({ flowLpm: 0, totalLiters: 3 }), { qos: 1 });
    await until(() => sb.events.some((e) => e.event === 'alert' && e.data.key.includes('van-b')) && sb.events.some((e) => e.event === 'alertChanged' && e.data.key.includes('van-b')) && sb.events.some((e) => e.event === 'command' && e.data.deviceId === 'van-b'), 'B to see its alert and command');
    await until(() => sa.events.some((e) => e.event === 'device' && e.data.id === 'van-a' && e.data.telemetry?.totalLiters === 3), 'A to see its own valve');
    const leaked = sa.raw.filter((block) => block.includes('van-b') || block.includes(ZONE_B));
    expect(leaked).toEqual([]);
    expect(sb.raw.some((block) => block.includes('van-a'))).toBe(false);
    sa.close();
    sb.close();
  });

  test('a stream ends when its user is disabled', async () => {
    const c = await t.as('nong-dan-c', 'farmer', [ZONE_A]);
    const s = await stream(c);
    await until(() => s.raw.length > 0, 'the stream to open');
    expect((await admin.patch('/api/users/nong-dan-c', { state: 'disabled' })).status).toBe(200);
    await until(() => s.state.ended, 'the server to end the stream');
    const res = await fetch(new URL('/api/events', t.village.url), { headers: { cookie: c.cookie } });
    expect(res.status).toBe(401);
    s.close();
  });
});
