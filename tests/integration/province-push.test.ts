// A real commune plane pushing to a real province: the days closed while the province was
// unreachable wait in the outbox and arrive in order once it answers; a retry of what arrived is
// taken once; the outbox and its cursor survive the plane's restart; a refused token waits.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { localDate } from '../../devices/local-time.js';
import { addDays, dayKeyOf, endsMonth } from '../../controller/indicators/period.js';
import { seedGreenhouseHours } from '../helpers/greenhouse-history.js';
import { startTestProvince, type TestProvince } from '../helpers/province.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';
import { testSite } from '../helpers/site.js';
import { indicators } from '../../controller/indicators/index.js';
import { simulateIndicatorHistory } from '../../firmware-sim/indicator-history.js';

const DAY = 86_400_000;
const TZ = 'Asia/Ho_Chi_Minh';
let p: TestProvince;
let v: TestVillage;
let token: string;
/** The plane's clock: the 20th of October, local morning; moved to November later. */
let clock = Date.parse('2026-10-20T01:00:00Z');

/** The closed days the plane owes, as the keys it pushes: days of this month, a finished month whole. */
function owed(firstDataAt: number, now: number): string[] {
  const yesterday = dayKeyOf(localDate(new Date(now), TZ, -1));
  const keys: string[] = [];
  for (let d = dayKeyOf(localDate(new Date(firstDataAt), TZ)); d <= yesterday; d = addDays(d, 1)) {
    const monthEnd = addDays(`${addDays(`${d.slice(0, 7)}-28`, 7).slice(0, 7)}-01`, -1);
    if (endsMonth(d)) keys.push(d.slice(0, 7));
    else if (monthEnd > yesterday) keys.push(d);
  }
  return keys;
}

/** Restarts the plane with its push cursor set back to `through`. */
async function rewind(through: string): Promise<void> {
  await v.restart(() => writeFile(join(v.dir, 'data', 'province-outbox', 'cursor.json'), JSON.stringify({ through })));
  await v.village.provincePush!.runOnce();
}

beforeAll(async () => {
  p = await startTestProvince();
  token = await p.addCommune({ id: 'xa-thu', name: 'Xã Thử', district: 'Huyện Thử' });
}, 120_000);
afterAll(async () => {
  await v?.stop();
  await p?.stop();
});

describe('store and forward', () => {
  let expected: string[];

  test('while the province is down, each closed day waits in the outbox, and the plane says so', async () => {
    await p.restart(async () => {
      v = await startTestVillage({ options: { province: { url: p.url, token, tickMs: 3600_000, retry: { minMs: 3600_000 } }, now: () => clock } });
      // The run at start found no closed day with data; readings from four days ago give it some.
      await v.village.provincePush!.runOnce();
      expect(v.village.provincePush!.status()).toMatchObject({ pending: 0, through: null });
      const t0 = clock - 6 * DAY;
      await seedGreenhouseHours(v, t0);
      expected = owed(t0, clock);
      expect(expected).toEqual(['2026-10-14', '2026-10-15', '2026-10-16', '2026-10-17', '2026-10-18', '2026-10-19']);
      await v.village.provincePush!.runOnce();
      const s = v.village.provincePush!.status();
      expect(s.pending).toBe(expected.length);
      expect(s.sent).toBe(0);
      expect(s.lastError).toMatch(/unreachable/);
      const health = await (await fetch(new URL('/api/health', v.village.url))).json();
      expect(health.degraded.join(' ')).toMatch(/province push: \d+ snapshots waiting/);
    });
  }, 120_000);

  test('when the province answers, the backlog arrives in order, each once', async () => {
    await v.village.provincePush!.runOnce();
    const s = v.village.provincePush!.status();
    expect(s).toMatchObject({ pending: 0, sent: expected.length, lastError: null });
    const pushed = v.lines.filter((l) => l.msg === 'snapshot pushed to the province').map((l) => l.key);
    expect(pushed).toEqual(expected);
    expect(v.lines.filter((l) => l.msg === 'snapshot pushed to the province').every((l) => l.result === 'stored')).toBe(true);
    const table = (await (await p.as('admin')).get('/api/province/table?period=2026-10')).body;
    const row = table.communes.find((c: { id: string }) => c.id === 'xa-thu');
    expect(row).toMatchObject({ source: 'day', asOf: '2026-10-19' });
    expect(Object.keys(row.figures).length).toBeGreaterThan(20);
  }, 120_000);

  test('a period sent again (an answer lost on the way, a rewound cursor) replaces its figures, never adds', async () => {
    const month = '2026-10';
    const admin = await p.as('admin');
    const before = (await admin.get(`/api/province/table?period=${month}`)).body;
    const through = v.village.provincePush!.status().through!;
    clock += 60_000;
    await rewind(addDays(through, -1));
    const again = v.lines.filter((l) => l.msg === 'snapshot pushed to the province').slice(expected.length);
    expect(again).toHaveLength(1);
    // The day computed anew a minute later: newer, so stored over the old, in place.
    expect(again[0]).toMatchObject({ key: '2026-10-19', result: 'stored' });
    const after = (await admin.get(`/api/province/table?period=${month}`)).body;
    expect(after.total).toEqual(before.total);
    expect(after.communes[0].figures).toEqual(before.communes[0].figures);
  }, 120_000);

  test('days closed in a finished month go as the month: the plane a fortnight later pushes October whole, then November 1', async () => {
    const sent = v.village.provincePush!.status().sent;
    clock = Date.parse('2026-11-02T01:00:00Z');
    await v.village.provincePush!.runOnce();
    expect(v.village.provincePush!.status()).toMatchObject({ pending: 0, sent: sent + 2, through: '2026-11-01' });
    const keys = v.lines.filter((l) => l.msg === 'snapshot pushed to the province').map((l) => l.key).slice(-2);
    expect(keys).toEqual(['2026-10', '2026-11-01']);
    const october = (await (await p.as('admin')).get('/api/province/table?period=2026-10')).body;
    expect(october.communes[0]).toMatchObject({ source: 'month' });
    expect(p.province.store.receipt('xa-thu', '2026-10')).toMatchObject({ kind: 'month' });
  }, 120_000);

  test('an admin\'s recompute of a finished month goes to the province and replaces it there', async () => {
    const before = p.province.store.receipt('xa-thu', '2026-10')!;
    clock += 60_000;
    const admin = await v.as('admin');
    const r = await admin.get('/api/indicators?period=2026-10&recompute=1');
    expect(r.status).toBe(200);
    await until(() => p.province.store.receipt('xa-thu', '2026-10')!.computedAt > before.computedAt, 'recomputed month at the province');
    expect(p.province.store.receipt('xa-thu', '2026-10')!.computedAt).toBe(Date.parse(r.body.computedAt));
    expect(v.village.provincePush!.status().pending).toBe(0);
  }, 120_000);

  test('the outbox and its cursor survive a restart: nothing is queued twice', async () => {
    const before = v.village.provincePush!.status().through;
    await v.restart();
    await v.village.provincePush!.runOnce();
    expect(v.village.provincePush!.status()).toMatchObject({ pending: 0, through: before, sent: 0 });
  }, 120_000);

  test('a revoked token keeps the snapshots waiting, and says why', async () => {
    const rekeyed = await (await p.as('admin')).post('/api/province/communes/xa-thu/token');
    expect(rekeyed.status).toBe(200);
    await rewind(addDays(v.village.provincePush!.status().through!, -1));
    expect(v.village.provincePush!.status()).toMatchObject({ pending: 1, lastError: expect.stringMatching(/refused the token \(401/) });
  }, 120_000);
});

describe('a plane with a seeded history (the demo)', () => {
  test('its first push sends the last finished month, marked simulated, before any closed day has data', async () => {
    const site = testSite();
    site.site.id = 'xa-hai';
    const hai = await p.addCommune({ id: 'xa-hai', name: 'Xã Hai', district: 'Huyện Thử' });
    const at = Date.parse('2026-11-02T01:00:00Z');
    const v2 = await startTestVillage({ site, options: { province: { url: p.url, token: hai, tickMs: 3600_000, retry: { minMs: 3600_000 } }, now: () => at } });
    try {
      await v2.village.provincePush!.runOnce();
      const october = { year: 2026, month: 10 };
      expect(await v2.village.indicators.seedSimulated(simulateIndicatorHistory({ site: v2.village.site.config, indicators, months: [october], seed: 3 }))).toEqual(['2026-10']);
      await v2.village.provincePush!.runOnce();
      expect(v2.village.provincePush!.status()).toMatchObject({ pending: 0, through: '2026-11-01' });
      expect(p.province.store.receipt('xa-hai', '2026-10')).toMatchObject({ kind: 'month', simulated: true });
      const table = (await (await p.as('admin')).get('/api/province/table?period=2026-10')).body;
      expect(table.communes.find((c: { id: string }) => c.id === 'xa-hai')).toMatchObject({ source: 'month', simulated: true });
    } finally {
      await v2.stop();
    }
  }, 120_000);
});

