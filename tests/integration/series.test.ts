// History for charts: GET /api/series over 30 days of a 60 s metric, downsampled in InfluxDB to
// about `points` buckets of mean, min and max, with gaps as nulls, scoped like the device itself.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
const DAY = 24 * 3600_000;
const now = Math.floor(Date.now() / 60_000) * 60_000;
const start = now - 30 * DAY;
// Soil moisture rises by 0.001 % a minute from 20 %, one reading a minute for 30 days, with the
// 10th day missing (the sensor was away): 41,760 readings.
const gapFrom = start + 9 * DAY;
const gapTo = start + 10 * DAY;
const value = (ts: number) => 20 + (ts - start) / 60_000 / 1000;

beforeAll(async () => {
  t = await startTestVillage();
  const c = await t.connectDevice('gh-01');
  const readings: { ts: number; airTempC: number; airHumidityPct: number; soilMoisturePct: number; lightLux: number }[] = [];
  for (let ts = start; ts < now; ts += 60_000) {
    if (ts >= gapFrom && ts < gapTo) continue;
    readings.push({ ts, airTempC: 25, airHumidityPct: 80, soilMoisturePct: Number(value(ts).toFixed(3)), lightLux: 100 });
  }
  // Uploaded as backlogs of 500 (under the 64 KiB packet limit).
  for (let i = 0; i < readings.length; i += 500) await c.publishAsync('village/xa-thu/gh-01/telemetry', JSON.stringify(readings.slice(i, i + 500)), { qos: 1 });
  await c.endAsync();
  await until(() => t.village.ingest.stats().readings >= readings.length, 'every reading ingested', 60_000);
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

describe('GET /api/series', () => {
  it('gives 30 days of a 60 s metric as about 1,000 buckets of mean, min and max, the gap as nulls', async () => {
    const farmer = await t.as('nong-dan', 'farmer', ['nha-mang-1']);
    const t0 = performance.now();
    const r = await farmer.get(`/api/series?device=gh-01&metric=soilMoisturePct&from=${start}&to=${now}&points=1000`);
    console.log(`30-day series of a 60 s metric (41,760 readings → ${(r.body as { t?: unknown[] }).t?.length} buckets): ${(performance.now() - t0).toFixed(0)} ms over HTTP`);
    expect(r.status).toBe(200);
    const s = r.body as { stepMs: number; unit: string; t: number[]; mean: (number | null)[]; min: (number | null)[]; max: (number | null)[] };
    expect(s.unit).toBe('%');
    expect(s.stepMs).toBe(Math.ceil((30 * DAY) / 1000 / 1000) * 1000);
    expect(s.t.length).toBeGreaterThanOrEqual(1000);
    expect(s.t.length).toBeLessThanOrEqual(1002);
    expect([s.mean.length, s.min.length, s.max.length]).toEqual([s.t.length, s.t.length, s.t.length]);
    // Every full bucket: min is its first reading, max its last, the mean between.
    const full = s.t.map((b, i) => i).filter((i) => s.t[i]! >= start && s.t[i]! + s.stepMs <= now && (s.t[i]! + s.stepMs <= gapFrom || s.t[i]! >= gapTo));
    expect(full.length).toBeGreaterThan(950);
    for (const i of full) {
      const first = Math.ceil(s.t[i]! / 60_000) * 60_000;
      const last = Math.ceil((s.t[i]! + s.stepMs) / 60_000) * 60_000 - 60_000;
      expect(s.min[i]).toBeCloseTo(value(first), 2);
      expect(s.max[i]).toBeCloseTo(value(last), 2);
      expect(s.mean[i]!).toBeGreaterThan(s.min[i]!);
      expect(s.mean[i]!).toBeLessThan(s.max[i]!);
    }
    // The missing day is empty buckets, not a line drawn across.
    const inGap = s.t.map((b, i) => i).filter((i) => s.t[i]! >= gapFrom && s.t[i]! + s.stepMs <= gapTo);
    expect(inGap.length).toBeGreaterThan(30);
    for (const i of inGap) expect([s.mean[i], s.min[i], s.max[i]]).toEqual([null, null, null]);
  });

  it('answers a short range at its own resolution: one reading per bucket', async () => {
    const admin = await t.as('admin');
    const r = await admin.get(`/api/series?device=gh-01&metric=soilMoisturePct&from=${new Date(now - 3600_000).toISOString()}&to=${new Date(now).toISOString()}&points=60`);
    expect(r.status).toBe(200);
    const s = r.body as { stepMs: number; t: number[]; mean: number[]; min: number[]; max: number[] };
    expect(s.stepMs).toBe(60_000);
    expect(s.t.length).toBe(60);
    s.t.forEach((ts, i) => expect([s.min[i], s.max[i]]).toEqual([s.mean[i], s.mean[i]]));
    expect(s.mean.at(-1)).toBeCloseTo(value(now - 60_000), 3);
  });

  it('refuses what it cannot chart with a code, and a farmer another zone’s device', async () => {
    const admin = await t.as('admin');
    const bad = async (q: string, status: number, code: string) => {
      const r = await admin.get(`/api/series?${q}`);
      expect([r.status, (r.body as { code: string }).code]).toEqual([status, code]);
    };
    await bad('device=nope-01&metric=airTempC', 404, 'not-found');
    await bad('device=gh-01&metric=flowLpm', 400, 'unknown-metric');
    await bad('device=light-01&metric=lampStatus', 400, 'metric-not-numeric');
    await bad(`device=gh-01&metric=airTempC&from=${now}&to=${now - 1000}`, 400, 'invalid');
    await bad('device=gh-01&metric=airTempC&from=yesterday', 400, 'invalid');
    await bad(`device=gh-01&metric=airTempC&from=${now - 500 * DAY}&to=${now}`, 400, 'invalid');
    const other = await t.as('nong-dan-2', 'farmer', ['khac']);
    expect((await other.get('/api/series?device=gh-01&metric=airTempC')).status).toBe(403);
  });
});
