// Irrigation's indicators and the plane's availability and alert indicators on a real InfluxDB,
// against answers worked out by hand. A small commune, October 2026 in Asia/Ho_Chi_Minh (UTC+7):
//   Thôn A: nha-mang-1 (greenhouse, 2,000 m² = 0.2 ha, valve van-1, drip at 20 L/min, soil sensor cb-1)
//           ruong-1   (field, 8,000 m² = 0.8 ha, valve van-2, sprinkler: 60 L/min by default)
//   Thôn B: ruong-2   (field, 5,000 m² = 0.5 ha, valve van-3, drip: 15 L/min by default)
//   Thôn C: vuon-c    (parcel, 1,000 m², no valve, so no meter)
// October has 31 days: 744 h, from 2026-09-30T17:00Z to 2026-10-31T17:00Z.
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorSnapshot } from '../../controller/api/contract/indicators.js';
import { SiteConfig } from '../../controller/config/site.js';
import { Irrigation } from '../../controller/irrigation/irrigation.js';
import type { Storage } from '../../controller/storage/storage.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

/** Local wall time (UTC+7) on a day of October 2026 as UTC ms; day 0 is 30 September, 32 is 1 November. */
const oct = (day: number, hh = 0, mm = 0) => Date.UTC(2026, 9, day, hh - 7, mm);

function site(): SiteConfig {
  return SiteConfig.parse({
    site: { id: 'xa-tuoi', name: 'Xã Tưới', lat: 21.03, lon: 105.75, tz: 'Asia/Ho_Chi_Minh' },
    hamlets: [
      { id: 'thon-a', name: 'Thôn A' },
      { id: 'thon-b', name: 'Thôn B' },
      { id: 'thon-c', name: 'Thôn C' },
    ],
    zones: [
      { id: 'nha-mang-1', name: 'Nhà màng 1', hamlet: 'thon-a', kind: 'greenhouse', areaM2: 2000, crop: 'dưa lưới' },
      { id: 'ruong-1', name: 'Ruộng 1', hamlet: 'thon-a', kind: 'field', areaM2: 8000, crop: 'rau' },
      { id: 'ruong-2', name: 'Ruộng 2', hamlet: 'thon-b', kind: 'field', areaM2: 5000, crop: 'lúa' },
      { id: 'vuon-c', name: 'Vườn C', hamlet: 'thon-c', kind: 'parcel', areaM2: 1000, crop: 'cam' },
    ],
    devices: [
      { id: 'van-1', type: 'irrigation-valve', name: 'Van 1', hamlet: 'thon-a', zone: 'nha-mang-1', attributes: { kind: 'drip', nominalLpm: 20 } },
      { id: 'van-2', type: 'irrigation-valve', name: 'Van 2', hamlet: 'thon-a', zone: 'ruong-1', attributes: { kind: 'sprinkler' } },
      { id: 'van-3', type: 'irrigation-valve', name: 'Van 3', hamlet: 'thon-b', zone: 'ruong-2', attributes: { kind: 'drip' } },
      { id: 'cb-1', type: 'greenhouse-sensor', name: 'Cảm biến 1', hamlet: 'thon-a', zone: 'nha-mang-1', attributes: {} },
    ],
  });
}

let t: TestVillage;
let sent = 0;
const meter = (ts: number, totalLiters: number) => ({ ts, flowLpm: 0, totalLiters });

beforeAll(async () => {
  t = await startTestVillage({ site: site() });
  const s = t.village.storage;

  // Valve meters (MQTT backlogs, as the valves send them).
  //   van-1: 1,000 L before the month (the baseline), 1,600 on the 5th, 2,000 on the 20th; 3,000 in
  //          November does not count. October: 600 + 400 = 1,000 L = 1 m³.
  //   van-2: no reading before the month (its first, 500 on the 3rd, is the baseline), 4,500 on the
  //          10th, a reset to 1,000 on the 15th (1,000 L since), 3,000 on the 25th.
  //          October: 4,000 + 1,000 + 2,000 = 7,000 L = 7 m³.
  //   van-3: 200 on the 2nd and 200 on the 28th: no water.
  const backlogs: Record<string, object[]> = {
    'van-1': [meter(oct(0, 12), 1000), meter(oct(5, 12), 1600), meter(oct(20, 12), 2000), meter(oct(33, 12), 3000)],
    'van-2': [meter(oct(3, 12), 500), meter(oct(10, 12), 4500), meter(oct(15, 12), 1000), meter(oct(25, 12), 3000)],
    'van-3': [meter(oct(2, 12), 200), meter(oct(28, 12), 200)],
  };
  for (const [id, backlog] of Object.entries(backlogs)) {
    const c = await t.connectDevice(id);
    await c.publishAsync(`village/xa-tuoi/${id}/telemetry`, JSON.stringify(backlog), { qos: 1 });
    await c.endAsync();
    sent += backlog.length;
  }

  // Runs as the plane records them at their end (irrigation_run: tags zone, reason; fields ranS).
  const run = (zone: string, reason: string, ranS: number, at: number, status = 'done') =>
    s.writeEvent({ measurement: 'irrigation_run', tags: { site: 'xa-tuoi', zone, source: 'none', reason, status }, fields: { run: `r-${zone}-${at}`, durationS: Math.max(ranS, 1), ranS }, time: at });
  run('nha-mang-1', 'program', 1200, oct(4, 6));
  run('nha-mang-1', 'sensor', 600, oct(8, 14));
  run('ruong-1', 'program', 1800, oct(6, 6));
  run('ruong-1', 'manual', 600, oct(9, 17));
  run('ruong-2', 'manual', 900, oct(12, 7));
  run('vuon-c', 'manual', 0, oct(14, 7), 'failed'); // never opened: vuon-c was not watered
  run('vuon-c', 'manual', 600, oct(0, 7)); // 30 September: another month

  // Program events as the plane writes them (irrigation_program; fields code, nominalLiters, plannedLiters).
  const prog = (program: string, outcome: string, at: number, f: Record<string, number | string> = {}) =>
    s.writeEvent({ measurement: 'irrigation_program', tags: { site: 'xa-tuoi', program, outcome }, fields: { startAt: at, ...f }, time: at });
  // (writeEvent keeps each series in time order, nudging an earlier time past the last: so in order.)
  prog('sang', 'skipped', oct(0, 6), { code: 'rain', nominalLiters: 5000 }); // 30 September
  prog('sang', 'started', oct(1, 6), { levelPct: 100, nominalLiters: 300, plannedLiters: 300 });
  prog('chieu', 'started', oct(2, 17), { code: 'et0', levelPct: 60, nominalLiters: 1000, plannedLiters: 600 }); // saves 400
  prog('chieu', 'started', oct(3, 17), { code: 'et0', levelPct: 120, nominalLiters: 1000, plannedLiters: 1200 }); // adds 200
  prog('sang', 'skipped', oct(4, 6), { code: 'rain', nominalLiters: 300 }); // saves 300
  prog('sang', 'skipped', oct(5, 6), { code: 'rain-delay', nominalLiters: 300 }); // saves 300
  prog('sang', 'skipped', oct(6, 6), { code: 'missed' }); // missed while the plane was down: neither
  prog('sang', 'started', oct(7, 6), { levelPct: 100 }); // written before the estimate existed

  // Availability (as the storage sink writes it: tags device, type, hamlet; field online).
  const avail = (device: string, type: string, hamlet: string, online: boolean, at: number) =>
    s.writeEvent({ measurement: 'availability', tags: { site: 'xa-tuoi', type, device, hamlet }, fields: { online, why: 'message' }, time: at });
  avail('van-1', 'irrigation-valve', 'thon-a', true, oct(-1, 9)); // online all month: 744 h
  avail('van-1', 'irrigation-valve', 'thon-a', true, oct(5, 9)); //   (a repeated report changes nothing)
  avail('van-2', 'irrigation-valve', 'thon-a', true, oct(-1, 9));
  avail('van-2', 'irrigation-valve', 'thon-a', false, oct(10)); // offline 10th–12th: 48 h; 696 h online
  avail('van-2', 'irrigation-valve', 'thon-a', true, oct(12));
  avail('van-3', 'irrigation-valve', 'thon-b', true, oct(16)); // first ever report on the 16th: 16 days = 384 h
  avail('cb-1', 'greenhouse-sensor', 'thon-a', true, oct(-1, 9));
  avail('cb-1', 'greenhouse-sensor', 'thon-a', false, oct(31, 12)); // last 12 h offline: 732 h

  // Alerts (tags state start|end; fields key, code, message), written in time order.
  const alerts: [string, string, 'start' | 'end', number][] = [
    ['old', 'device-offline', 'start', oct(-29)], // ended in September: not counted
    ['old', 'device-offline', 'end', oct(-28)],
    ['offline.van-3', 'device-offline', 'start', oct(-5)], // 25 Sep 00:00 → 16 Oct 00:00: 21 days = 504 h
    ['offline.van-3', 'device-offline', 'end', oct(16)],
    ['run-failed.ruong-1', 'irrigation-run-failed', 'start', oct(10, 8)], // 2 h
    ['run-failed.ruong-1', 'irrigation-run-failed', 'end', oct(10, 10)],
    ['run-failed.ruong-1', 'irrigation-run-failed', 'start', oct(20, 8)], // 1 h
    ['run-failed.ruong-1', 'irrigation-run-failed', 'end', oct(20, 9)],
    ['leak.van-2', 'leak', 'start', oct(28, 6)], // open at the month's end, since the 28th
    ['leak.van-2', 'leak', 'start', oct(29, 6)], //   raised again after a restart: still the first start
    ['offline.cb-1', 'device-offline', 'start', oct(31, 12)], // open at the month's end…
    ['offline.cb-1', 'device-offline', 'end', oct(32, 6)], //   …ended in November
  ];
  for (const [key, code, state, at] of alerts.sort((x, y) => x[3] - y[3]))
    s.writeEvent({ measurement: 'alert', tags: { site: 'xa-tuoi', severity: 'warning', state }, fields: { key, code, message: key }, time: at });
  // Acknowledgements (state ack; field sinceS: seconds since that occurrence was raised).
  const acks: [string, string, number, number][] = [
    ['old', 'device-offline', oct(-28, 12), 999_999], // September: not counted
    ['run-failed.ruong-1', 'irrigation-run-failed', oct(10, 8, 30), 1800], // 0.5 h
    ['leak.van-2', 'leak', oct(28, 9), 3 * 3600], // 3 h
    ['offline.cb-1', 'device-offline', oct(32, 7), 19 * 3600], // November: not counted
  ];
  for (const [key, code, at, sinceS] of acks)
    s.writeEvent({ measurement: 'alert', tags: { site: 'xa-tuoi', severity: 'warning', state: 'ack' }, fields: { key, code, message: key, by: 'admin', sinceS }, time: at });

  await until(() => t.village.ingest.stats().readings >= sent, 'readings ingested');
  await s.flush();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const get = async () => {
  const r = await (await t.as('official', 'official')).fetch('/api/indicators?period=2026-10');
  expect(r.status).toBe(200);
  return (await r.json()) as IndicatorSnapshot;
};
let snap: IndicatorSnapshot | undefined;
const fig = async (id: string) => (snap ??= await get()).indicators.find((f) => f.id === id)!;
const hamlet = async (id: string, h: string) => (await fig(id)).hamlets.find((x) => x.hamlet === h)!;

describe('irrigation indicators for October 2026', () => {
  it('water per hectare: 8 m³ over the 1.5 ha of metered zones', async () => {
    const f = await fig('irrigation-water-per-hectare');
    // Thôn A: (1 + 7) m³ over 0.2 + 0.8 ha = 8 m³/ha; Thôn B: 0 m³ over 0.5 ha; Thôn C: no meter.
    expect(f.numerator).toBeCloseTo(8, 9);
    expect(f.denominator).toBeCloseTo(1.5, 9);
    expect(f.value).toBeCloseTo(8 / 1.5, 9);
    expect(await hamlet('irrigation-water-per-hectare', 'thon-a')).toMatchObject({ numerator: 8, denominator: 1, value: 8 });
    expect(await hamlet('irrigation-water-per-hectare', 'thon-b')).toMatchObject({ numerator: 0, denominator: 0.5, value: 0 });
    expect(await hamlet('irrigation-water-per-hectare', 'thon-c')).toMatchObject({ numerator: 0, denominator: 0, value: null });
    expect(f.findings).toEqual([
      { hamlet: 'thon-c', code: 'zone-no-meter', params: { zone: 'vuon-c' } },
      { hamlet: 'thon-b', code: 'zone-no-water', params: { zone: 'ruong-2' } },
    ]);
  });

  it('automated share: each watered zone’s area by the share of its watering time started by a program or sensor', async () => {
    const f = await fig('irrigation-automated-share');
    // nha-mang-1: 1,200 + 600 s, all automated: 0.2 ha. ruong-1: 1,800 of 2,400 s: 0.75 × 0.8 = 0.6 ha.
    // ruong-2: by hand only: 0 of 0.5 ha. vuon-c: not watered (a failed run of 0 s; September's run).
    // Thôn A: 0.8 / 1.0 = 80 %; Thôn B: 0 / 0.5 = 0 %; commune 0.8 / 1.5 = 53.3 %.
    expect(f.numerator).toBeCloseTo(0.8, 9);
    expect(f.denominator).toBeCloseTo(1.5, 9);
    expect(f.value).toBeCloseTo(160 / 3, 9);
    const a = await hamlet('irrigation-automated-share', 'thon-a');
    expect([a.numerator, a.denominator]).toEqual([expect.closeTo(0.8, 9), 1]);
    expect(a.value).toBeCloseTo(80, 9);
    expect(await hamlet('irrigation-automated-share', 'thon-b')).toMatchObject({ numerator: 0, denominator: 0.5, value: 0 });
    expect(await hamlet('irrigation-automated-share', 'thon-c')).toMatchObject({ numerator: 0, denominator: 0, value: null });
    expect(f.findings).toEqual([
      { hamlet: 'thon-a', code: 'zone-watered-by-hand', params: { zone: 'ruong-1', handPct: 25 } },
      { hamlet: 'thon-b', code: 'zone-watered-by-hand', params: { zone: 'ruong-2', handPct: 100 } },
    ]);
  });

  it('water saved: rain skips and net ET scaling over the programs’ nominal water', async () => {
    const f = await fig('irrigation-water-saved');
    // Nominal: 300 + 1,000 + 1,000 + 300 + 300 = 2,900 L (the missed start and the one without an
    // estimate carry none; September's is outside). Saved: rain 300 + rain delay 300, ET
    // (1,000 − 600) + (1,000 − 1,200) = 200: 800 L. 0.8 / 2.9 m³ = 27.6 %.
    expect(f.numerator).toBeCloseTo(0.8, 9);
    expect(f.denominator).toBeCloseTo(2.9, 9);
    expect(f.value).toBeCloseTo((100 * 0.8) / 2.9, 9);
    expect(f.hamlets).toEqual([]);
    expect(f.findings).toEqual([
      { code: 'rain-skips', params: { starts: 2, m3: 0.6 } },
      { code: 'et-scaled', params: { starts: 2, m3: 0.2 } },
      { code: 'starts-not-estimated', params: { starts: 1 } },
    ]);
  });
});

describe('plane indicators for October 2026', () => {
  it('device availability: online hours over the month’s hours, per hamlet and per trait', async () => {
    const f = await fig('plane-device-availability');
    // van-1 744, van-2 696, van-3 384 (offline before its first report), cb-1 732: 2,556 of 4 × 744.
    expect(f.numerator).toBeCloseTo(2556, 6);
    expect(f.denominator).toBeCloseTo(2976, 6);
    expect(f.value).toBeCloseTo((100 * 2556) / 2976, 6);
    // Thôn A: 744 + 696 + 732 = 2,172 of 2,232; Thôn B: 384 of 744.
    const a = await hamlet('plane-device-availability', 'thon-a');
    expect(a.numerator).toBeCloseTo(2172, 6);
    expect(a.denominator).toBeCloseTo(2232, 6);
    const b = await hamlet('plane-device-availability', 'thon-b');
    expect(b.value).toBeCloseTo((100 * 384) / 744, 6);
    expect(await hamlet('plane-device-availability', 'thon-c')).toMatchObject({ numerator: 0, denominator: 0, value: null });
    expect(f.findings).toEqual([
      // soil sensors: 732 / 744 = 98.4 %; valves: (744 + 696 + 384) / 2,232 = 81.7 %
      { code: 'trait-availability', params: { trait: 'soil-sensor', devices: 1, pct: 98.4 } },
      { code: 'trait-availability', params: { trait: 'valve', devices: 3, pct: 81.7 } },
      { hamlet: 'thon-a', device: 'van-2', code: 'device-offline', params: { hours: 48 } },
      { hamlet: 'thon-b', device: 'van-3', code: 'device-offline', params: { hours: 360 } },
      { hamlet: 'thon-a', device: 'cb-1', code: 'device-offline', params: { hours: 12 } },
    ]);
  });

  it('open alerts at the month’s end: the leak (since its first start) and the sensor offline', async () => {
    const f = await fig('plane-open-alerts');
    expect([f.numerator, f.denominator, f.value]).toEqual([2, 1, 2]);
    expect(f.findings).toEqual([
      { code: 'alert-open', params: { key: 'leak.van-2', alert: 'leak', since: new Date(oct(28, 6)).toISOString() } },
      { code: 'alert-open', params: { key: 'offline.cb-1', alert: 'device-offline', since: new Date(oct(31, 12)).toISOString() } },
    ]);
  });

  it('mean time to resolve: 504 + 2 + 1 h over 3 alerts ended in October', async () => {
    const f = await fig('plane-alert-resolve-time');
    expect(f.numerator).toBeCloseTo(507, 9);
    expect(f.denominator).toBe(3);
    expect(f.value).toBeCloseTo(169, 9);
    expect(f.findings).toEqual([
      { code: 'alert-resolve-time', params: { alert: 'irrigation-run-failed', alerts: 2, meanH: 1.5 } },
      { code: 'alert-resolve-time', params: { alert: 'device-offline', alerts: 1, meanH: 504 } },
    ]);
  });

  it('mean time to acknowledge: 0.5 + 3 h over the 2 acknowledgements given in October; ack points leave the other alert figures alone', async () => {
    const f = await fig('plane-alert-ack-time');
    expect(f.numerator).toBeCloseTo(3.5, 9);
    expect(f.denominator).toBe(2);
    expect(f.value).toBeCloseTo(1.75, 9);
    expect(f.findings).toEqual([
      { code: 'alert-ack-time', params: { alert: 'irrigation-run-failed', alerts: 1, meanH: 0.5 } },
      { code: 'alert-ack-time', params: { alert: 'leak', alerts: 1, meanH: 3 } },
    ]);
  });
});

describe('program events carry what the water-saved estimate needs', () => {
  it('records the nominal and planned litres of a weather-adjusted start, and the nominal of a rain skip', async () => {
    const written: { measurement: string; fields: Record<string, unknown> }[] = [];
    let clock = oct(5, 5);
    let et0Mm = 2; // against the reference 4 mm: factor 0.5, level 50 %
    let rainMm = 0;
    const irr = new Irrigation({
      site: t.village.site,
      bus: t.village.bus,
      live: t.village.live,
      commands: t.village.commands,
      storage: { writeEvent: (p: { measurement: string; fields: Record<string, unknown> }) => written.push(p) } as unknown as Storage,
      weather: { rainLast24h: async () => ({ mm: rainMm }), et0Last24h: async () => ({ et0Mm }) },
      file: join(t.dir, 'irrigation-indicators.json'),
      log: pino({ level: 'silent' }),
      now: () => clock,
      tickMs: 3600_000,
    });
    await irr.start();
    try {
      await irr.pause('test'); // queue only: no valve is told anything
      await irr.putProgram({
        id: 'sang',
        name: 'Sáng',
        calendar: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7] },
        starts: [{ at: '06:00' }],
        steps: [
          { zone: 'nha-mang-1', durationS: 600 },
          { zone: 'ruong-1', durationS: 300 },
        ],
        weatherAdjust: true,
      });
      clock = oct(5, 6, 1);
      await irr.tick();
      // Nominal (own level 100 %): 600 s × 20 L/min + 300 s × 60 L/min = 200 + 300 = 500 L.
      // Planned at 50 %: 300 s × 20 + 150 s × 60 L/min = 100 + 150 = 250 L.
      const started = written.find((p) => p.measurement === 'irrigation_program' && p.fields.code === 'et0');
      expect(started?.fields).toMatchObject({ code: 'et0', levelPct: 50, nominalLiters: 500, plannedLiters: 250 });
      rainMm = 12;
      clock = oct(6, 6, 1);
      await irr.tick();
      const skipped = written.find((p) => p.measurement === 'irrigation_program' && p.fields.code === 'rain');
      expect(skipped?.fields).toMatchObject({ code: 'rain', nominalLiters: 500 });
      expect(skipped?.fields.plannedLiters).toBeUndefined();
    } finally {
      await irr.cancelAll('test');
      await irr.stop();
    }
  });
});
