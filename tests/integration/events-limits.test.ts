// Live streams are bounded per user and in all, and a closed one frees its place.
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ApiClient } from '../helpers/api.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
const open: AbortController[] = [];
beforeAll(async () => {
  t = await startTestVillage({ options: { streams: { perActor: 2, total: 3 } } });
});
afterAll(async () => {
  for (const a of open) a.abort();
  await t?.stop();
});

async function stream(c: ApiClient): Promise<{ status: number; body: any; ac: AbortController }> {
  const ac = new AbortController();
  open.push(ac);
  const res = await fetch(new URL('/api/events', t.village.url), { headers: { cookie: c.cookie }, signal: ac.signal });
  return { status: res.status, body: res.status === 200 ? null : await res.json(), ac };
}

test('a user holds at most perActor streams, the plane at most total; closing one frees its place', async () => {
  const viewer = await t.as('viewer');
  const op = await t.as('operator');
  const a = await stream(viewer);
  const b = await stream(viewer);
  expect([a.status, b.status]).toEqual([200, 200]);
  const third = await stream(viewer);
  expect(third.status).toBe(429);
  expect(third.body.code).toBe('too-many-streams');
  expect((await stream(op)).status).toBe(200);
  const full = await stream(op);
  expect(full.status).toBe(503);
  expect(full.body.code).toBe('too-many-streams');
  a.ac.abort();
  await until(async () => (await stream(viewer)).status === 200, 'the closed stream’s place to be free');
});

test('closed streams give back what they held: no listener, no entry, no timer left behind', async () => {
  // The streams of the test above are closed first; this one counts from a quiet plane.
  for (const a of open.splice(0)) a.abort();
  await until(() => t.village.api.openStreams === 0, 'earlier streams closed');
  const events = ['device', 'command', 'alert', 'alertChanged', 'radio', 'irrigation', 'lighting'] as const;
  const baseline = events.map((e) => t.village.bus.listenerCount(e));
  const viewer = await t.as('viewer2', 'viewer');
  const op = await t.as('operator2', 'operator');
  const a = await stream(viewer);
  const b = await stream(op);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect(events.map((e) => t.village.bus.listenerCount(e))).toEqual(baseline.map((n) => n + 2));
  a.ac.abort();
  // Signed out everywhere (an admin disables the user): the server ends that stream itself.
  const admin = await t.as('admin');
  expect((await admin.patch('/api/users/operator2', { state: 'disabled' })).status).toBe(200);
  await until(() => t.village.api.openStreams === 0, 'both streams closed');
  expect(events.map((e) => t.village.bus.listenerCount(e))).toEqual(baseline);
});

test('a page that leaves while its stream is being authorized leaves nothing open', async () => {
  const viewer = await t.as('viewer3', 'viewer');
  const url = new URL(t.village.url);
  // The request is written and the socket closed at once: the server finds it gone by the time the handler runs.
  for (let i = 0; i < 20; i++) {
    const s = connect(Number(url.port), url.hostname);
    s.on('error', () => {});
    s.write(`GET /api/events HTTP/1.1\r\nhost: ${url.host}\r\ncookie: ${viewer.cookie}\r\n\r\n`, () => s.destroy());
  }
  // Refusals would show as 429s from the per-user cap if entries were left behind.
  await until(() => t.village.api.openStreams === 0, 'no stream left open', 5000);
  const ok = await stream(viewer);
  expect(ok.status).toBe(200);
  ok.ac.abort();
});
