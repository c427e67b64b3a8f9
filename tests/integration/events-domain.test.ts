// Irrigation and lighting pushed on the live stream: a run or an override shows in the next event's
// read model, filtered like the routes (a farmer sees their zones only, and no lighting at all).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiClient } from '../helpers/api.js';
import { authSite, ZONE_A, ZONE_B } from '../helpers/auth-site.js';
import { openStream, type OpenStream } from '../helpers/stream.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
let admin: ApiClient;
let farmerA: ApiClient;
let farmerB: ApiClient;
const open: OpenStream[] = [];

beforeAll(async () => {
  t = await startTestVillage({ site: authSite() });
  admin = await t.as('admin');
  farmerA = await t.as('nong-dan-a', 'farmer', [ZONE_A]);
  farmerB = await t.as('nong-dan-b', 'farmer', [ZONE_B]);
});
afterAll(async () => {
  for (const s of open) s.close();
  await t?.stop();
});

async function stream(c: ApiClient): Promise<OpenStream> {
  const s = await openStream(t.village.url, c);
  open.push(s);
  await until(() => s.raw.length > 0, 'the stream to open');
  return s;
}

const of = (s: OpenStream, event: string) => s.events.filter((e) => e.event === event).map((e) => e.data);
type Ids = { id: string }[];
const hasRun = (e: { queue: { running: Ids; queued: Ids } }, id: string) => [...e.queue.running, ...e.queue.queued].some((r) => r.id === id);

describe('irrigation events', () => {
  test('a manual run shows in the queue and zone pushed to the admin and the zone’s farmer, never to the other farmer', async () => {
    const [sAdmin, sA, sB] = [await stream(admin), await stream(farmerA), await stream(farmerB)];
    // van-a is offline: the run waits in the queue for it, which is what the events show.
    const run = await admin.post('/api/irrigation/run', { zone: ZONE_A, durationS: 60 });
    expect(run.status).toBe(202);
    const id = run.body.id as string;
    const seen = await until(() => of(sAdmin, 'irrigation').find((e) => hasRun(e, id)), 'the admin to see the run');
    const zone = seen.zones.find((z: { id: string }) => z.id === ZONE_A);
    expect(zone.queued).toBe(1);
    expect(zone.valves.map((v: { id: string }) => v.id)).toEqual(['van-a']);
    await until(() => of(sA, 'irrigation').find((e) => hasRun(e, id)), 'farmer A to see the run');
    // What a farmer's GET /zones gives: their zone only.
    for (const e of of(sA, 'irrigation')) expect(e.zones.map((z: { id: string }) => z.id)).toEqual([ZONE_A]);

    // Stopped: the run leaves the queue and heads the history.
    expect((await admin.post(`/api/irrigation/runs/${id}/stop`)).status).toBe(200);
    const after = await until(() => of(sAdmin, 'irrigation').find((e) => e.history[0]?.id === id), 'the stopped run in the history');
    expect(after.history[0].status).toBe('cancelled');
    expect(hasRun(after, id)).toBe(false);

    // Farmer B's own run, last: once B has seen it, every earlier event has reached B too.
    const own = await farmerB.post('/api/irrigation/run', { zone: ZONE_B, durationS: 60 });
    expect(own.status).toBe(202);
    await until(() => of(sB, 'irrigation').find((e) => hasRun(e, own.body.id)), 'farmer B to see their own run');
    const leaked = sB.raw.filter((block) => block.includes(ZONE_A) || block.includes(id) || block.includes('van-a'));
    expect(leaked).toEqual([]);
    expect((await farmerB.post(`/api/irrigation/runs/${own.body.id}/stop`)).status).toBe(200);
  });
});

describe('lighting events', () => {
  test('an override shows in the group pushed to the admin; a farmer, without lighting.read, gets no lighting event', async () => {
    const [sAdmin, sA] = [await stream(admin), await stream(farmerA)];
    const ov = await admin.post('/api/lighting/overrides', { group: 'duong-chinh', level: 40 });
    expect(ov.status).toBe(201);
    const seen = await until(() => of(sAdmin, 'lighting').find((e) => e.overrides.some((o: { id: string }) => o.id === ov.body.id)), 'the admin to see the override');
    const group = seen.groups.find((g: { id: string }) => g.id === 'duong-chinh');
    expect(group.lights.map((l: { id: string; desired: unknown }) => [l.id, l.desired])).toEqual([['den-1', { level: 40, source: 'override' }]]);
    // A run in A's zone after the override: once A has seen it, a lighting event would have come before.
    const run = await farmerA.post('/api/irrigation/run', { zone: ZONE_A, durationS: 60 });
    expect(run.status).toBe(202);
    await until(() => of(sA, 'irrigation').find((e) => hasRun(e, run.body.id)), 'farmer A to see their run');
    expect(of(sA, 'lighting')).toEqual([]);
    expect(sA.raw.some((block) => block.includes('duong-chinh') || block.includes('den-1'))).toBe(false);
    expect((await farmerA.post(`/api/irrigation/runs/${run.body.id}/stop`)).status).toBe(200);
  });

  test('a light’s own report is pushed in its group’s view', async () => {
    const s = await stream(admin);
    const den = await t.connectDevice('den-1');
    try {
      await den.publishAsync('village/xa-thu/den-1/state', JSON.stringify({ level: 40, mode: 'override' }), { qos: 1, retain: true });
      await until(
        () => of(s, 'lighting').find((e) => e.groups.some((g: { lights: { id: string; state: { level?: number } | null }[] }) => g.lights.some((l) => l.id === 'den-1' && l.state?.level === 40))),
        'the light’s reported level in a lighting event',
      );
    } finally {
      await den.endAsync();
    }
  });
});
