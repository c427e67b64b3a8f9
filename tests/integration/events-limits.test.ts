// Live streams are bounded per user and in all, and a closed one frees its place.
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
