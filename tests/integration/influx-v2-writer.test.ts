// The v2 writer (InfluxDB 2.x/3/Cloud write API through @influxdata/influxdb-client) against
// Debian's VictoriaMetrics, which takes `/api/v2/write`, beside the 1.x writer against a real
// influxd: the same points read back equal from both, Vietnamese tag values and escaping included;
// and the v2 writer spools while the server is down and replays all of it when it is back.
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../controller/bus.js';
import type { InfluxdProcess } from '../../controller/storage/influxd.js';
import { Storage, type StorageOptions, type StoredPoint } from '../../controller/storage/storage.js';
import { startVictoria } from '../helpers/victoria.js';
import { captureLog, startInfluxd, until } from '../helpers/village.js';

const cleanup: (() => Promise<unknown>)[] = [];
let dir: string;
let influxd: InfluxdProcess;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'influx-v2-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  influxd = await startInfluxd(dir, captureLog().log);
  cleanup.push(() => influxd.stop());
}, 60_000);
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function victoria(dataDir: string) {
  const vm = await startVictoria(dataDir);
  cleanup.push(() => vm.stop());
  return vm;
}

function storage(o: Pick<StorageOptions, 'url' | 'database' | 'spoolDir'> & Partial<StorageOptions>): Storage {
  const s = new Storage({
    retention: { name: 'two_weeks', duration: '2w' },
    archive: { name: 'ten_weeks', duration: '10w' },
    maxSpoolBytes: 16 * 1024 * 1024,
    batchSize: 200,
    flushMs: 50,
    probeMs: 100,
    log: pino({ level: 'silent' }),
    bus: new Bus(pino({ level: 'silent' })),
    ...o,
  });
  cleanup.push(() => s.stop());
  return s;
}

const v2 = { token: 'test-token-not-checked-by-victoria', org: 'xa-thu', bucket: 'village' };

describe('the same points through both writers', () => {
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
  // Tags and strings that need escaping in line protocol (space, comma, `=`, quotes) and Vietnamese.
  // The measurement is an identifier, as device types name them: the 1.x `influx` client (5.12)
  // sends a space in a measurement name unescaped.
  const hamlets = ['Thôn Đông', 'Xóm Mới, Bản=Cũ', 'Làng "Hạ"'];
  const points: StoredPoint[] = Array.from({ length: 30 }, (_, i) => ({
    measurement: 'soil_probe',
    tags: { site: 'xã-thu', device: `đầu dò ${i % 3}`, hamlet: hamlets[i % 3]!, zone: 'vườn a,b=c' },
    fields: { moisturePct: 20 + i * 0.25, tempC: -1.5 + i, ok: i % 2 === 0, note: `Mưa to, gió = mạnh "${i}" \\ ở ${hamlets[i % 3]}` },
    time: t0 + i * 1000,
  }));
  const key = (tags: Record<string, string>, time: number) => JSON.stringify([tags.site, tags.device, tags.hamlet, tags.zone, time]);

  it('reads back equal values and tags from influxd (1.x, InfluxQL) and VictoriaMetrics (v2 write, export)', async () => {
    const s1 = storage({ url: () => influxd.url, database: 'both_v1', spoolDir: join(dir, 'spool-both-v1') });
    await s1.start();
    // The v2 writer's request bodies, recorded on their way to VictoriaMetrics (which keeps no
    // string fields): parsed again by influxd below, so the string escaping is checked too.
    const vm = await victoria(join(dir, 'vm-both'));
    const bodies: string[] = [];
    const archived: string[] = [];
    const relay = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      // The client gzips bodies over 1 kB.
      const gzip = req.headers['content-encoding'] === 'gzip';
      const text = (gzip ? gunzipSync(body) : body).toString('utf8');
      if (req.url?.startsWith('/api/v2/write')) (new URLSearchParams(req.url.split('?')[1]).get('bucket') === 'village-archive' ? archived : bodies).push(text);
      const headers = { 'content-type': req.headers['content-type'] ?? 'text/plain', ...(gzip && { 'content-encoding': 'gzip' }) };
      const r = await fetch(vm.url + req.url, { method: req.method!, headers, ...(req.method === 'POST' && { body }) });
      res.writeHead(r.status).end(Buffer.from(await r.arrayBuffer()));
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => relay.close(r)));
    const s2 = storage({ url: () => `http://127.0.0.1:${(relay.address() as AddressInfo).port}`, database: 'both_v2', spoolDir: join(dir, 'spool-both-v2'), v2: { ...v2, archiveBucket: 'village-archive' } });
    await s2.start();

    for (const p of points) {
      s1.write(p);
      s2.write(p);
    }
    // An archive point (1.x: the archive retention policy) goes to the archive bucket, alone.
    s2.write({ measurement: 'indicator_month', tags: { site: 'xã-thu' }, fields: { value: 0.5 }, time: t0, archive: true });
    await Promise.all([s1.flush(), s2.flush()]);
    expect(s1.stats()).toMatchObject({ written: 30, spooled: 0 });
    expect(s2.stats()).toMatchObject({ up: true, written: 31, spooled: 0 });
    expect(archived).toEqual([`indicator_month,site=xã-thu value=0.5 ${t0}`]);
    expect(bodies.join('\n')).not.toContain('indicator_month');

    // 1.x: InfluxQL on influxd.
    const rows = await s1.range('soil_probe', t0, t0 + 60_000);
    expect(rows).toHaveLength(30);
    const fromV1 = new Map(rows.map((r) => [key(r as Record<string, string>, Date.parse(r.time as string)), r]));

    // v2: numbers and booleans per series from VictoriaMetrics (`measurement_field`, tags as labels;
    // it keeps a string field as 0, so `note` is checked below).
    type Series = Awaited<ReturnType<typeof vm.export>>;
    const series: Series = await until(async () => {
      const s = await vm.export('{__name__=~"soil_probe_(moisturePct|tempC|ok)"}');
      return s.reduce((n, x) => n + x.values.length, 0) === 90 ? s : undefined;
    }, 'all 90 numeric samples in VictoriaMetrics');
    const fromV2 = new Map<string, Record<string, number>>();
    for (const s of series) {
      const { __name__: name, ...tags } = s.metric;
      expect(Object.keys(tags).sort()).toEqual(['device', 'hamlet', 'site', 'zone']);
      s.timestamps.forEach((t, i) => {
        const k = key(tags, t);
        fromV2.set(k, { ...fromV2.get(k), [name!.slice('soil_probe_'.length)]: s.values[i]! });
      });
    }

    for (const p of points) {
      const k = key(p.tags, p.time);
      const r1 = fromV1.get(k);
      expect(r1, `influxd has ${k}`).toMatchObject({ ...p.tags, moisturePct: p.fields.moisturePct, tempC: p.fields.tempC, ok: p.fields.ok, note: p.fields.note });
      expect(fromV2.get(k), `VictoriaMetrics has ${k}`).toEqual({ moisturePct: p.fields.moisturePct, tempC: p.fields.tempC, ok: p.fields.ok ? 1 : 0 });
    }

    // The v2 bodies, written as they were sent into influxd's (1.x) line-protocol parser: every
    // string field comes back as it was.
    expect(bodies.length).toBeGreaterThan(0);
    const w = await fetch(`${influxd.url}/query?${new URLSearchParams({ q: 'CREATE DATABASE v2_bodies' })}`, { method: 'POST' });
    expect(w.status).toBe(200);
    for (const b of bodies) {
      const r = await fetch(`${influxd.url}/write?db=v2_bodies&precision=ms`, { method: 'POST', body: b });
      expect(r.status, await r.text()).toBe(204);
    }
    const res = await fetch(`${influxd.url}/query?${new URLSearchParams({ db: 'v2_bodies', epoch: 'ms', q: 'SELECT "note", "device", "hamlet", "zone", "site" FROM "soil_probe"' })}`);
    const [{ values }] = ((await res.json()) as { results: [{ series: [{ values: [number, string, string, string, string, string][] }] }] }).results[0].series;
    expect(values).toHaveLength(30);
    for (const [time, note, device, hamlet, zone, site] of values) {
      const p = points.find((x) => x.time === time)!;
      expect({ note, device, hamlet, zone, site }).toEqual({ note: p.fields.note, ...p.tags });
    }
  }, 90_000);
});

describe('outage on the v2 writer', () => {
  it('spools while VictoriaMetrics is stopped and replays every point once it is back', async () => {
    const vm = await victoria(join(dir, 'vm-outage'));
    const s = storage({ url: () => vm.url, database: 'outage', spoolDir: join(dir, 'spool-outage'), v2 });
    await s.start();
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
    const point = (i: number): StoredPoint => ({ measurement: 'flow', tags: { site: 'xã-thu', device: 'đồng hồ 1' }, fields: { liters: i }, time: t0 + i });

    for (let i = 0; i < 500; i++) s.write(point(i));
    await s.flush();
    expect(s.stats()).toMatchObject({ up: true, written: 500, spooled: 0 });

    await vm.stop();
    for (let i = 500; i < 2000; i++) s.write(point(i));
    await s.flush();
    const down = s.stats();
    expect(down.up).toBe(false);
    expect(down.failures).toBeGreaterThan(0);
    expect(down.spool.points).toBe(1500);
    expect(down.written + down.spooled).toBe(2000);

    await vm.start();
    await until(() => s.stats().spool.points === 0, 'spool replayed', 30_000);
    expect(s.stats()).toMatchObject({ up: true, replayed: 1500 });

    const samples = await until(async () => {
      const [series] = await vm.export('{__name__="flow_liters"}');
      return series?.values.length === 2000 ? series : undefined;
    }, '2000 samples in VictoriaMetrics', 15_000);
    expect(samples.metric).toEqual({ __name__: 'flow_liters', site: 'xã-thu', device: 'đồng hồ 1' });
    const byTime = new Map(samples.timestamps.map((t, i) => [t, samples.values[i]]));
    expect(byTime.size).toBe(2000);
    for (let i = 0; i < 2000; i++) expect(byTime.get(t0 + i)).toBe(i);
  }, 90_000);
});

describe('reads with v2 settings', () => {
  it('go to /query as InfluxQL with the token (no Basic credentials over it)', async () => {
    // influxd 1.x stands in for the server's v1-compatible /query (it ignores the token); the relay
    // records what the v2-configured storage sends.
    const s1 = storage({ url: () => influxd.url, database: 'reads_v2', spoolDir: join(dir, 'spool-reads-v1') });
    await s1.start();
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    s1.write({ measurement: 'weather', tags: { site: 'xã-thu', device: 'trạm 1' }, fields: { airTempC: 24.5 }, time: t0 });
    await s1.flush();
    const seen: { url: string; authorization: string | undefined }[] = [];
    const target = new URL(influxd.url);
    const relay = createServer(async (req, res) => {
      seen.push({ url: req.url!, authorization: req.headers.authorization });
      const r = await fetch(`http://${target.host}${req.url}`, { method: req.method!, headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' } });
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await r.arrayBuffer()));
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => relay.close(r)));
    const s2 = storage({ url: () => `http://127.0.0.1:${(relay.address() as AddressInfo).port}`, database: 'reads_v2', spoolDir: join(dir, 'spool-reads-v2'), v2 });
    await s2.start();

    const rows = await s2.range('weather', t0, t0 + 1000);
    expect(rows).toMatchObject([{ site: 'xã-thu', device: 'trạm 1', airTempC: 24.5 }]);
    const queries = seen.filter((s) => s.url.startsWith('/query'));
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) expect(q.authorization).toBe(`Token ${v2.token}`);
    // The probe asked /health, with the token.
    expect(seen.find((s) => s.url === '/health')).toEqual({ url: '/health', authorization: `Token ${v2.token}` });
  }, 60_000);
});
