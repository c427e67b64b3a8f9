// Water accounting from valve meters on a real InfluxDB: counter increases per zone, a counter
// reset, the split into local days (Asia/Ho_Chi_Minh, UTC+7), litres per m² and per water source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, zonedTimeToUtc } from '../../devices/local-time.js';
import { SiteConfig } from '../../controller/config/site.js';
import { WaterAccounting } from '../../controller/irrigation/accounting.js';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const TZ = 'Asia/Ho_Chi_Minh';
// A local day D three days ago; at(n, hh, mm) is D + n days at hh:mm local time.
const D = localDate(new Date(), TZ, -3);
const at = (n: number, hh: number, mm = 0) => zonedTimeToUtc(D.year, D.month, D.day + n, hh, mm, TZ);
const day = (n: number) => {
  const d = localDate(at(n, 12), TZ);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
};

let t: TestVillage;
let water: WaterAccounting;

beforeAll(async () => {
  const base = testSite();
  const site = SiteConfig.parse({
    ...base,
    waterSources: [{ id: 'gieng-1', name: 'Giếng 1', kind: 'well', maxValves: 2 }],
    zones: [
      ...base.zones.map((z) => ({ ...z, waterSource: 'gieng-1' })),
      { id: 'ruong-2', name: 'Ruộng 2', hamlet: 'thon-b', kind: 'field', areaM2: 500, crop: 'lúa', waterSource: 'gieng-1' },
    ],
    devices: [
      ...base.devices,
      { id: 'valve-02', type: 'irrigation-valve', name: 'Van 2', hamlet: 'thon-a', zone: 'nha-mang-1', attributes: { kind: 'drip' } },
      { id: 'valve-03', type: 'irrigation-valve', name: 'Van 3', hamlet: 'thon-b', zone: 'ruong-2', attributes: { kind: 'sprinkler' } },
    ],
  });
  t = await startTestVillage({ site });
  water = new WaterAccounting({ storage: t.village.storage, site: t.village.site });

  const meter = (ts: Date, totalLiters: number) => ({ ts: ts.getTime(), flowLpm: 0, totalLiters });
  const backlogs = {
    'valve-01': [
      meter(at(0, 21), 1000), // before the window: its baseline
      meter(at(0, 22, 30), 1100),
      meter(at(0, 23, 30), 1250),
      meter(at(1, 0, 30), 1400),
      meter(at(1, 1), 20), // meter reset: 20 L since
      meter(at(1, 2), 220),
      meter(at(1, 4), 500), // after the window
    ],
    'valve-02': [
      meter(at(0, 22, 10), 0), // no earlier reading: the first in the window is the baseline
      meter(at(0, 23), 50),
      meter(at(1, 0), 80), // exactly local midnight: closes day D
      meter(at(1, 0, 20), 90),
    ],
    'valve-03': [meter(at(0, 23), 5000), meter(at(1, 1), 5040)],
  };
  for (const [id, backlog] of Object.entries(backlogs)) {
    const c = await t.connectDevice(id);
    await c.publishAsync(`village/xa-thu/${id}/telemetry`, JSON.stringify(backlog), { qos: 1 });
    await c.endAsync();
  }
  const total = Object.values(backlogs).reduce((n, b) => n + b.length, 0);
  await until(async () => {
    await t.village.storage.flush();
    const rows = await t.village.storage.influx.query<{ n: number }>(`SELECT count("totalLiters") AS n FROM "village_2y"."valve"`);
    return rows[0]?.n === total;
  }, 'valve backlogs stored');
});
afterAll(async () => {
  await t?.stop();
});

describe('WaterAccounting', () => {
  it('sums each valve’s counter increases over the window, counting through a reset', async () => {
    const r = await water.zoneLiters('nha-mang-1', at(0, 22), at(1, 3));
    // valve-01: 100 + 150 + 150 + 20 (after the reset) + 200; valve-02: 50 + 30 + 10
    expect(r.byValve).toEqual({ 'valve-01': 620, 'valve-02': 90 });
    expect(r.liters).toBe(710);
  });

  it('takes the last reading at or before `from` as the baseline', async () => {
    expect((await water.zoneLiters('nha-mang-1', at(1, 0, 45), at(1, 3))).byValve).toEqual({ 'valve-01': 220, 'valve-02': 0 });
    // A reading exactly at `from` is the baseline, not usage: adjacent windows add up.
    const a = await water.zoneLiters('nha-mang-1', at(0, 22), at(0, 23, 30));
    const b = await water.zoneLiters('nha-mang-1', at(0, 23, 30), at(1, 3));
    expect(a.byValve['valve-01']).toBe(250);
    expect(b.byValve['valve-01']).toBe(370);
    expect(a.liters + b.liters).toBe(710);
  });

  it('splits use into local days across local midnight (UTC+7), with litres per m²', async () => {
    const daily = await water.zoneDaily('nha-mang-1', at(0, 22), at(1, 3), TZ);
    // Day D: valve-01 100 + 150, valve-02 50 + 30 (the reading at 00:00 closes D); D + 1: 150 + 20 + 200 and 10.
    expect(daily).toEqual([
      { day: day(0), liters: 330, litersPerM2: 0.33 },
      { day: day(1), liters: 380, litersPerM2: 0.38 },
    ]);
    // Local midnight is 17:00 UTC: split by UTC dates, the whole window would be one day.
    expect(at(1, 0).toISOString()).toMatch(/T17:00:00\.000Z$/);
  });

  it('lists days without water as 0 and treats [00:00, 24:00] as one day', async () => {
    expect(await water.zoneDaily('nha-mang-1', at(-1, 12), at(1, 3), TZ)).toEqual([
      { day: day(-1), liters: 0, litersPerM2: 0 },
      { day: day(0), liters: 330, litersPerM2: 0.33 },
      { day: day(1), liters: 380, litersPerM2: 0.38 },
    ]);
    expect(await water.zoneDaily('nha-mang-1', at(0, 0), at(1, 0))).toEqual([{ day: day(0), liters: 330, litersPerM2: 0.33 }]);
  });

  it('sums a water source over the zones it feeds', async () => {
    expect(await water.sourceLiters('gieng-1', at(0, 22), at(1, 3))).toEqual({ liters: 750, byZone: { 'nha-mang-1': 710, 'ruong-2': 40 } });
    expect(await water.sourceLiters('ho-2', at(0, 22), at(1, 3))).toEqual({ liters: 0, byZone: {} });
  });

  it('refuses an unknown zone', async () => {
    await expect(water.zoneLiters('nope', at(0, 0), at(1, 0))).rejects.toThrow(/unknown zone nope/);
  });
});
