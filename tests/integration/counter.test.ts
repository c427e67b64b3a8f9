// A counter's increase through resets on a real InfluxDB (storage/counter.ts): known answers worked
// out by hand for a reset mid-window, a window with no reading before it, readings exactly at the
// window's edges, an empty window, the split into local days (UTC+7, and a DST day in Berlin), and
// many devices in one query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterIncrease, counterIncreases } from '../../controller/storage/counter.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const MEASUREMENT = 'test_meter';
const FIELD = 'total';
const TZ = 'Asia/Ho_Chi_Minh';
/** Hours after 2026-01-10 12:00 UTC, which is 19:00 local (UTC+7): h(5) is local midnight, 17:00 UTC. */
const h = (n: number) => new Date(Date.UTC(2026, 0, 10, 12 + n));

const readings: Record<string, [Date, number][]> = {
  // 100 before any window; 180 → 190 at local midnight; the meter restarts from 0 before h(6).
  reset: [[h(0), 100], [h(2), 130], [h(4), 180], [h(5), 190], [h(6), 30], [h(8), 70], [h(12), 500]],
  // Two restarts, read back in one request.
  twice: [[h(0), 5], [h(2), 8], [h(3), 2], [h(4), 6], [h(6), 1], [h(8), 3]],
  // Nothing before h(3): the first reading in a window from before it is the baseline.
  late: [[h(3), 10], [h(7), 25]],
  // Replaced between the last reading before the window and the first in it.
  swapped: [[h(0), 500], [h(3), 20], [h(7), 50]],
  // Europe/Berlin, 2026-03-29 has 23 hours (clocks go 02:00 → 03:00 CET → CEST).
  dst: [
    [new Date('2026-03-28T12:00:00Z'), 0],
    [new Date('2026-03-28T23:30:00Z'), 1], // 00:30 on the 29th (UTC+1)
    [new Date('2026-03-29T21:30:00Z'), 3], // 23:30 on the 29th (UTC+2)
    [new Date('2026-03-29T22:30:00Z'), 7], // 00:30 on the 30th
  ],
};

let t: TestVillage;
const window = (from: Date, to: Date) => ({ storage: t.village.storage, measurement: MEASUREMENT, field: FIELD, from, to });

beforeAll(async () => {
  t = await startTestVillage();
  for (const [device, rs] of Object.entries(readings)) {
    for (const [at, v] of rs) t.village.storage.write({ measurement: MEASUREMENT, tags: { site: 'xa-thu', device }, fields: { [FIELD]: v }, time: at.getTime() });
  }
  const n = Object.values(readings).reduce((s, rs) => s + rs.length, 0);
  await until(async () => {
    await t.village.storage.flush();
    const rows = await t.village.storage.influx.query<{ n: number }>(`SELECT count("${FIELD}") AS n FROM "village_2y"."${MEASUREMENT}"`);
    return rows[0]?.n === n;
  }, 'readings stored');
});
afterAll(async () => {
  await t?.stop();
});

describe('counterIncrease', () => {
  it('counts through a reset in the middle', async () => {
    // (h1, h10]: baseline 100 (h0); +30 (130), +50 (180), +10 (190), reset → +30 (the new 30), +40 (70) = 160.
    expect((await counterIncrease({ ...window(h(1), h(10)), device: 'reset' })).total).toBe(160);
    // (h1, h10]: baseline 5; +3 (8), reset +2, +4 (6), reset +1, +2 (3) = 12.
    expect((await counterIncrease({ ...window(h(1), h(10)), device: 'twice' })).total).toBe(12);
  });

  it('takes the first reading as the baseline when there is none before the window', async () => {
    // (h1, h10]: 10 at h3 is the baseline, 25 at h7: +15.
    expect((await counterIncrease({ ...window(h(1), h(10)), device: 'late' })).total).toBe(15);
    // A reset between the baseline before the window and the first reading in it counts too:
    // 500 (h0) → 20 (h3) is a restart, +20; then +30 (50) = 50.
    expect((await counterIncrease({ ...window(h(1), h(10)), device: 'swapped' })).total).toBe(50);
  });

  it('takes a reading at `from` as the baseline and counts one at `to`', async () => {
    // (h2, h8]: 130 at h2 is the baseline; +50 (180), +10 (190), reset +30, +40 (70 at h8) = 130.
    expect((await counterIncrease({ ...window(h(2), h(8)), device: 'reset' })).total).toBe(130);
    // (h4, h5]: 180 → 190 at h5 exactly: +10.
    expect((await counterIncrease({ ...window(h(4), h(5)), device: 'reset' })).total).toBe(10);
    // (h5, h6]: the reading at h5 is the baseline, the reset at h6 counts its new value: +30.
    expect((await counterIncrease({ ...window(h(5), h(6)), device: 'reset' })).total).toBe(30);
  });

  it('counts nothing over an empty window', async () => {
    // (h9, h11]: a reading before (70 at h8) but none in the window.
    expect(await counterIncrease({ ...window(h(9), h(11)), device: 'reset', tz: TZ })).toEqual({ total: 0, byDay: new Map() });
    // (h3, h6]: `late` has its baseline (10 at h3) and no reading after it until h7.
    expect((await counterIncrease({ ...window(h(3), h(6)), device: 'late' })).total).toBe(0);
    // A device with no readings at all.
    expect((await counterIncrease({ ...window(h(0), h(12)), device: 'nobody' })).total).toBe(0);
  });

  it('splits the increase into local days, a reading at midnight closing its day', async () => {
    // UTC+7: h5 (17:00 UTC) is midnight of 2026-01-11. (h1, h10]:
    // 2026-01-10: +30 (h2, 21:00), +50 (h4, 23:00), +10 (h5, 00:00 closes the 10th) = 90;
    // 2026-01-11: reset +30 (h6, 01:00), +40 (h8, 03:00) = 70.
    const r = await counterIncrease({ ...window(h(1), h(10)), device: 'reset', tz: TZ });
    expect(r.total).toBe(160);
    expect(Object.fromEntries(r.byDay)).toEqual({ '2026-01-10': 90, '2026-01-11': 70 });
    // (h4, h10]: the step to 190 at midnight is now the step into the window, dated the same way.
    const edge = await counterIncrease({ ...window(h(4), h(10)), device: 'reset', tz: TZ });
    expect(Object.fromEntries(edge.byDay)).toEqual({ '2026-01-10': 10, '2026-01-11': 70 });
    // By UTC days, (h1, h12] is all 2026-01-10: 160, and +430 (500) at h12, which is 00:00 UTC and closes the 10th.
    const utc = await counterIncrease({ ...window(h(1), h(12)), device: 'reset', tz: 'UTC' });
    expect(Object.fromEntries(utc.byDay)).toEqual({ '2026-01-10': 590 });
  });

  it('follows a DST change in the day split', async () => {
    // Berlin: 2026-03-29 runs 28T23:00Z–29T22:00Z. +1 (00:30) and +2 (23:30) fall on the 29th, +4 (00:30) on the 30th.
    const r = await counterIncrease({ ...window(new Date('2026-03-28T12:00:00Z'), new Date('2026-03-30T12:00:00Z')), device: 'dst', tz: 'Europe/Berlin' });
    expect(r.total).toBe(7);
    expect(Object.fromEntries(r.byDay)).toEqual({ '2026-03-29': 3, '2026-03-30': 4 });
  });

  it('answers for many devices in one call, each as if asked alone', async () => {
    // 2026-01-10 / -11 for `late`: +15 at h7 (02:00 on the 11th); `swapped`: +20 at h3 (22:00 on the 10th), +30 at h7.
    const all = await counterIncreases({ ...window(h(1), h(10)), devices: ['reset', 'late', 'swapped', 'twice', 'nobody'], tz: TZ });
    expect([...all.keys()]).toEqual(['reset', 'late', 'swapped', 'twice', 'nobody']);
    const days = (id: string) => Object.fromEntries(all.get(id)!.byDay);
    expect(all.get('reset')!.total).toBe(160);
    expect(days('reset')).toEqual({ '2026-01-10': 90, '2026-01-11': 70 });
    expect(all.get('late')!.total).toBe(15);
    expect(days('late')).toEqual({ '2026-01-11': 15 });
    expect(all.get('swapped')!.total).toBe(50);
    expect(days('swapped')).toEqual({ '2026-01-10': 20, '2026-01-11': 30 });
    // `twice`: +3 (h2), +2 (h3), +4 (h4) on the 10th; +1 (h6), +2 (h8) on the 11th.
    expect(days('twice')).toEqual({ '2026-01-10': 9, '2026-01-11': 3 });
    expect(all.get('nobody')).toEqual({ total: 0, byDay: new Map() });
    expect(await counterIncreases({ ...window(h(1), h(10)), devices: [] })).toEqual(new Map());
  });
});
