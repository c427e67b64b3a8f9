// The province roll-up on a real province (its own influxd): communes registered with push
// tokens, pushes taken once per commune and period, older snapshots kept out, the table's
// district and province totals, history, the CSV, and every refusal.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../controller/storage/influxd.js';
import { clientFor, signIn } from '../helpers/api.js';
import { seedAdmin } from '../helpers/controller-process.js';
import { start } from '../helpers/proc.js';
import { until } from '../helpers/village.js';
import type { SnapshotPush } from '../../controller/api/contract/province.js';
import { indicators, valueOf } from '../../controller/indicators/index.js';
import { startTestProvince, type TestProvince } from '../helpers/province.js';

let p: TestProvince;
const tokens: Record<string, string> = {};

/** A snapshot of every indicator, each ratio made by `ratio` from the indicator's index. */
function push(site: string, o: { day?: string; month: string; computedAt: string; ratio: (i: number) => [number, number]; version?: number }): SnapshotPush {
  const [y, m] = o.month.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1) - 7 * 3600_000).toISOString();
  const to = o.day ? new Date(Date.parse(`${o.day}T17:00:00Z`)).toISOString() : new Date(Date.UTC(y, m, 1) - 7 * 3600_000).toISOString();
  const snapshot = {
    version: o.version ?? 1,
    site,
    period: o.month,
    from,
    to,
    complete: !o.day,
    computedAt: o.computedAt,
    computeMs: 5,
    indicators: indicators.map((d, i) => {
      const [numerator, denominator] = o.ratio(i);
      return { id: d.id, numerator, denominator, value: valueOf(d, { numerator, denominator }), hamlets: [], findings: [] };
    }),
  };
  return o.day ? { kind: 'day', day: o.day, snapshot } : { kind: 'month', snapshot };
}

beforeAll(async () => {
  p = await startTestProvince();
  for (const [id, district] of [['xa-an', 'Huyện Một'], ['xa-binh', 'Huyện Một'], ['xa-cuong', 'Huyện Hai']] as const) {
    tokens[id] = await p.addCommune({ id, name: `Xã ${id.slice(3)}`, district });
  }
}, 120_000);
afterAll(() => p?.stop());

describe('registering communes', () => {
  test('the push token is shown once and kept hashed; the list never shows it', async () => {
    expect(tokens['xa-an']).toMatch(/^svt_/);
    const admin = await p.as('admin');
    const list = await admin.get('/api/province/communes');
    expect(list.status).toBe(200);
    expect(list.body.map((c: { id: string }) => c.id).sort()).toEqual(['xa-an', 'xa-binh', 'xa-cuong']);
    expect(JSON.stringify(list.body)).not.toContain(tokens['xa-an']!.split('_')[2]);
    const again = await admin.post('/api/province/communes', { id: 'xa-an', name: 'Xã an', district: 'Huyện Một' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('exists');
  });

  test('only an admin registers; an official reads; a commune token may only push', async () => {
    const official = await p.as('can-bo', 'official');
    expect((await official.post('/api/province/communes', { id: 'xa-moi', name: 'Xã mới', district: 'Huyện Hai' })).status).toBe(403);
    expect((await official.get('/api/province/communes')).status).toBe(200);
    const asCommune = await fetch(new URL('/api/province/table?period=2026-10', p.url), { headers: { authorization: `Bearer ${tokens['xa-an']}` } });
    expect(asCommune.status).toBe(403);
    const anon = await p.push('svt_nothing_here', push('xa-an', { month: '2026-10', computedAt: '2026-11-01T00:05:00Z', ratio: () => [1, 2] }));
    expect(anon.status).toBe(401);
  });
});

describe('pushes', () => {
  test('a month and days are stored once; the same snapshot again is unchanged; an older one is kept out', async () => {
    const first = await p.push(tokens['xa-an']!, push('xa-an', { month: '2026-10', computedAt: '2026-11-01T00:05:00Z', ratio: (i) => [i, 10] }));
    expect(first).toEqual({ status: 200, body: { result: 'stored', commune: 'xa-an', key: '2026-10' } });
    const retry = await p.push(tokens['xa-an']!, push('xa-an', { month: '2026-10', computedAt: '2026-11-01T00:05:00Z', ratio: (i) => [i, 10] }));
    expect(retry.body.result).toBe('unchanged');
    // A backlog's older copy arriving after a recompute must not overwrite it.
    const older = await p.push(tokens['xa-an']!, push('xa-an', { month: '2026-10', computedAt: '2026-10-31T23:00:00Z', ratio: () => [0, 10] }));
    expect(older.body.result).toBe('superseded');
    const table = (await (await p.as('admin')).get('/api/province/table?period=2026-10')).body;
    const an = table.communes.find((c: { id: string }) => c.id === 'xa-an');
    expect(an.source).toBe('month');
    expect(an.figures[indicators[3]!.id]).toMatchObject({ numerator: 3, denominator: 10 });
    expect(an.lastHeardAt).not.toBeNull();
  });

  test('a newer snapshot of the same period replaces the figures', async () => {
    const r = await p.push(tokens['xa-binh']!, push('xa-binh', { month: '2026-10', computedAt: '2026-11-01T00:05:00Z', ratio: () => [1, 4] }));
    expect(r.body.result).toBe('stored');
    const newer = await p.push(tokens['xa-binh']!, push('xa-binh', { month: '2026-10', computedAt: '2026-11-02T08:00:00Z', ratio: () => [3, 4] }));
    expect(newer.body.result).toBe('stored');
    const table = (await (await p.as('admin')).get('/api/province/table?period=2026-10')).body;
    const binh = table.communes.find((c: { id: string }) => c.id === 'xa-binh');
    expect(binh.figures[indicators[0]!.id]).toMatchObject({ numerator: 3, denominator: 4 });
  });

  test('the month under way shows each commune\'s latest day; district and province totals sum the ratios', async () => {
    for (const day of ['2026-11-01', '2026-11-02', '2026-11-03']) {
      const n = Number(day.slice(8));
      const r = await p.push(tokens['xa-cuong']!, push('xa-cuong', { month: '2026-11', day, computedAt: `${day}T17:05:00Z`, ratio: () => [n, 10] }));
      expect(r.body.result).toBe('stored');
    }
    await p.push(tokens['xa-an']!, push('xa-an', { month: '2026-11', day: '2026-11-02', computedAt: '2026-11-02T17:05:00Z', ratio: () => [5, 10] }));
    const table = (await (await p.as('can-bo', 'official')).get('/api/province/table?period=2026-11')).body;
    const row = (id: string) => table.communes.find((c: { id: string }) => c.id === id);
    expect(row('xa-cuong')).toMatchObject({ source: 'day', asOf: '2026-11-03' });
    expect(row('xa-cuong').figures[indicators[0]!.id]).toMatchObject({ numerator: 3, denominator: 10 });
    expect(row('xa-binh')).toMatchObject({ source: 'none', figures: {} });
    const one = table.districts.find((d: { district: string }) => d.district === 'Huyện Một');
    expect(one).toMatchObject({ communes: 2, reporting: 1 });
    expect(one.figures[indicators[0]!.id]).toMatchObject({ numerator: 5, denominator: 10 });
    expect(table.total.reporting).toBe(2);
    expect(table.total.figures[indicators[0]!.id]).toMatchObject({ numerator: 8, denominator: 20 });
    expect(table.definitions).toHaveLength(indicators.length);
  });

  test('bad pushes are refused with a code, and nothing is stored', async () => {
    const v2 = await p.push(tokens['xa-an']!, push('xa-an', { month: '2026-09', computedAt: '2026-10-01T00:05:00Z', ratio: () => [1, 2], version: 2 }));
    expect(v2).toMatchObject({ status: 400, body: { code: 'unsupported-version' } });
    const other = await p.push(tokens['xa-an']!, push('xa-binh', { month: '2026-09', computedAt: '2026-10-01T00:05:00Z', ratio: () => [1, 2] }));
    expect(other).toMatchObject({ status: 409, body: { code: 'site-mismatch' } });
    const wrongDay = await p.push(tokens['xa-an']!, { ...push('xa-an', { month: '2026-09', day: '2026-09-03', computedAt: '2026-10-01T00:05:00Z', ratio: () => [1, 2] }), day: '2026-08-03' } as SnapshotPush);
    expect(wrongDay.status).toBe(400);
    const table = (await (await p.as('admin')).get('/api/province/table?period=2026-09')).body;
    expect(table.total.reporting).toBe(0);
    expect(p.lines.some((l) => l.msg === 'push refused' && l.code === 'site-mismatch')).toBe(true);
  });
});

describe('history, the report, re-keying and restarts', () => {
  test('history of a district sums its communes month by month', async () => {
    const admin = await p.as('admin');
    const h = (await admin.get('/api/province/history?from=2026-09&to=2026-11&district=' + encodeURIComponent('Huyện Một'))).body;
    expect(h.months).toEqual(['2026-09', '2026-10', '2026-11']);
    const s = h.series.find((x: { id: string }) => x.id === indicators[3]!.id);
    // October: xa-an 3/10 and xa-binh 3/4; the month under way has no finished point.
    expect(s.points).toEqual([expect.objectContaining({ period: '2026-10', numerator: 6, denominator: 14, reporting: 2 })]);
    expect((await admin.get('/api/province/history?from=2026-09&to=2026-11&commune=xa-nope')).status).toBe(404);
  });

  test('the CSV has every commune, district and the province', async () => {
    const admin = await p.as('admin');
    const res = await admin.fetch('/api/province/report/csv?period=2026-10&lang=en');
    expect(res.status).toBe(200);
    const text = await res.text();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(1 + (3 + 2 + 1) * indicators.length);
    expect(text).toContain(`2026-10,district,Huyện Một,Huyện Một,Huyện Một,${indicators[0]!.id}`);
  });

  test('a re-key stops the old token at once; removing a commune stops its token and keeps its history', async () => {
    const admin = await p.as('admin');
    const r = await admin.post('/api/province/communes/xa-cuong/token');
    expect(r.status).toBe(200);
    const fresh = r.body.token as string;
    const body = push('xa-cuong', { month: '2026-11', day: '2026-11-04', computedAt: '2026-11-04T17:05:00Z', ratio: () => [4, 10] });
    expect((await p.push(tokens['xa-cuong']!, body)).status).toBe(401);
    expect((await p.push(fresh, body)).body.result).toBe('stored');
    expect((await admin.delete('/api/province/communes/xa-binh')).status).toBe(200);
    expect((await p.push(tokens['xa-binh']!, push('xa-binh', { month: '2026-11', day: '2026-11-04', computedAt: '2026-11-04T17:05:00Z', ratio: () => [1, 2] }))).status).toBe(401);
    // The province's October still counts what xa-binh reported; its district's no longer does.
    const h = (await admin.get('/api/province/history?from=2026-10&to=2026-10')).body;
    expect(h.series[0].points[0]).toMatchObject({ reporting: 2 });
    const d = (await admin.get('/api/province/history?from=2026-10&to=2026-10&district=' + encodeURIComponent('Huyện Một'))).body;
    expect(d.series[0].points[0]).toMatchObject({ reporting: 1 });
  });

  test('after a restart the receipts hold: a retry is unchanged', async () => {
    await p.restart();
    const r = await p.push(tokens['xa-an']!, push('xa-an', { month: '2026-10', computedAt: '2026-11-01T00:05:00Z', ratio: (i) => [i, 10] }));
    expect(r.body.result).toBe('unchanged');
  });
});

describe('the program in province mode', () => {
  test('PLANE_MODE=province starts from the environment: no broker, its page at /, a commune token pushing; SIGTERM stops it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'province-proc-'));
    const port = await freePort();
    const admin = await seedAdmin(dir);
    const env = { ...process.env, PLANE_MODE: 'province', PROVINCE_ID: 'tinh-moi', PROVINCE_NAME: 'Tỉnh Mới', HOST: '127.0.0.1', HTTP_PORT: String(port), DATA_DIR: dir, INFLUX_URL: p.influxUrl, INFLUX_DB: 'province_proc', LOG_LEVEL: 'info' };
    const proc = start('node', ['--import', 'tsx', 'controller/main.ts'], env);
    try {
      const url = `http://127.0.0.1:${port}`;
      await until(async () => proc.child.exitCode !== null || (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)), 'province started', 30_000);
      expect(proc.child.exitCode).toBeNull();
      const home = await fetch(`${url}/`, { redirect: 'manual' });
      expect(home.headers.get('location')).toBe('/app/province.html');
      const c = clientFor(url, { ...admin, role: 'admin', ...(await signIn(url, admin.login, admin.password)) });
      expect((await c.get('/api/site')).body).toMatchObject({ mode: 'province', site: { id: 'tinh-moi', name: 'Tỉnh Mới' } });
      const made = await c.post('/api/province/communes', { id: 'xa-mot', name: 'Xã Một', district: 'Huyện Một' });
      expect(made.status).toBe(201);
      const r = await fetch(`${url}/api/province/snapshots`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${made.body.token}` }, body: JSON.stringify(push('xa-mot', { month: '2026-10', computedAt: '2026-11-01T00:05:00Z', ratio: () => [1, 2] })) });
      expect(await r.json()).toMatchObject({ result: 'stored' });
      // No broker: nothing listens for MQTT, and the log says which mode started.
      expect(proc.lines.some((l) => l.includes('"msg":"province started"'))).toBe(true);
      expect(proc.lines.some((l) => l.includes('mqtt'))).toBe(false);
      expect(await proc.stop('SIGTERM')).toBe(0);
    } finally {
      await proc.stop('SIGKILL').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a flood of pushes', () => {
  test('one token gets its allowance a minute, then 429 with Retry-After; another commune is not held back', async () => {
    const q = await startTestProvince({ influxd: p.influxd, options: { pushPerMinute: 3, influxDb: 'province_flood' } });
    try {
      const one = await q.addCommune({ id: 'xa-an', name: 'Xã an', district: 'Huyện Một' });
      const two = await q.addCommune({ id: 'xa-binh', name: 'Xã binh', district: 'Huyện Một' });
      const body = (site: string) => push(site, { month: '2026-10', computedAt: '2026-11-01T00:05:00Z', ratio: () => [1, 2] });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await q.push(one, body('xa-an'))).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect((await q.push(two, body('xa-binh'))).status).toBe(200);
    } finally {
      await q.stop();
    }
  }, 120_000);
});

