// Street lighting's indicators on a real InfluxDB, against answers worked out by hand. A small
// commune: Thôn A with lights den-1 and den-2, Thôn B with den-3 and den-4, Thôn C with none; all
// rated 60 W (dark below 5 % = 3 W). den-1..3 are in a light group, so the plane records their
// nights in `light_energy`; den-4 is in none. October 2026 in Asia/Ho_Chi_Minh (UTC+7): the period
// is [30 Sep 17:00Z, 31 Oct 17:00Z); a night runs 12:00 to 12:00 local and is stamped at its start.
// Readings arrive as MQTT backlogs; `light_energy` and `alert` points are written as the plane
// writes them (LightEnergy.store, Alerts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteConfig } from '../../controller/config/site.js';
import type { IndicatorSnapshot } from '../../controller/api/contract/indicators.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

/** Local wall time in 2026 (month 1..12) as UTC ms. */
const at = (month: number, day: number, hh: number, mm = 0) => Date.UTC(2026, month - 1, day, hh - 7, mm);
const oct = (day: number, hh: number, mm = 0) => at(10, day, hh, mm);
const LIGHTS = [
  { id: 'den-1', hamlet: 'thon-a' },
  { id: 'den-2', hamlet: 'thon-a' },
  { id: 'den-3', hamlet: 'thon-b' },
  { id: 'den-4', hamlet: 'thon-b' },
];

function site(): SiteConfig {
  return SiteConfig.parse({
    site: { id: 'xa-mau', name: 'Xã Mẫu', lat: 21.03, lon: 105.75, tz: 'Asia/Ho_Chi_Minh' },
    hamlets: [
      { id: 'thon-a', name: 'Thôn A' },
      { id: 'thon-b', name: 'Thôn B' },
      { id: 'thon-c', name: 'Thôn C' },
    ],
    zones: [],
    devices: LIGHTS.map((l) => ({ id: l.id, type: 'street-light', name: l.id, hamlet: l.hamlet, attributes: { ratedPowerW: 60 } })),
    lightGroups: [{ id: 'duong-lang', name: 'Đường làng', devices: ['den-1', 'den-2', 'den-3'] }],
  });
}

let t: TestVillage;
let sent = 0;
const publish = async (id: string, readings: object[]) => {
  const c = await t.connectDevice(id);
  for (let i = 0; i < readings.length; i += 50) {
    await c.publishAsync(`village/xa-mau/${id}/telemetry`, JSON.stringify(readings.slice(i, i + 50)), { qos: 1 });
  }
  await c.endAsync();
  sent += readings.length;
};
const reading = (ts: number, powerW: number) => ({ ts, powerW, energyKwh: 1, lampStatus: 'ok' });
/** n readings every 5 minutes from `from`, drawing powerW. */
const every5 = (from: number, n: number, powerW: number) => Array.from({ length: n }, (_, i) => reading(from + i * 300_000, powerW));

/** A night's record as LightEnergy.store writes it (only the fields the indicators read matter). */
const night = (device: string, date: string, onHours: number, kwh: number, savedKwh: number) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const baselineKwh = kwh + savedKwh;
  t.village.storage.write({
    measurement: 'light_energy',
    tags: { site: 'xa-mau', device },
    fields: { night: date, kwh, baselineKwh, savedKwh, savedPct: (100 * savedKwh) / baselineKwh, onHours },
    time: Date.UTC(y, m - 1, d, 12 - 7),
  });
};
/**
 * An alert's start or end as Alerts writes it, kept until writeAlerts() writes them in time order:
 * every alert of a site shares one series, and writeEvent moves a point that is not later than the
 * series' last to just after it (the plane writes alerts as they happen, so in order).
 */
const alerts: { key: string; code: string; state: 'start' | 'end'; time: number }[] = [];
const alert = (key: string, code: string, state: 'start' | 'end', time: number) => alerts.push({ key, code, state, time });
const writeAlerts = () => {
  for (const a of alerts.sort((x, y) => x.time - y.time)) {
    t.village.storage.writeEvent({ measurement: 'alert', tags: { site: 'xa-mau', severity: 'critical', state: a.state }, fields: { key: a.key, code: a.code, message: a.key }, time: a.time });
  }
};
const failure = (device: string, state: 'start' | 'end', time: number) => alert(`light.lampFailure.${device}`, 'light-lamp-failure', state, time);

beforeAll(async () => {
  t = await startTestVillage({ site: site() });

  // den-1. Night of 30 Sep (stamped 30 Sep 12:00 local, before the period): not counted, nor its
  // lit reading at 05:00 on 1 Oct. Night of 1 Oct: 24 lit readings 18:00–19:55 (2 h) and one lit
  // by day at 10:00 on 2 Oct (same night window): 2 h 5 min lit, capped at its 2 scheduled hours.
  // Night of 2 Oct: lit 18:00–18:55 (1 h), dark 19:00–19:55: 1 h of 2. den-1: 3 of 4 h.
  await publish('den-1', [reading(oct(1, 5), 60), ...every5(oct(1, 18), 24, 62.4), reading(oct(2, 10), 62.4), ...every5(oct(2, 18), 12, 62.4), ...every5(oct(2, 19), 12, 0)]);
  // den-2. Night of 1 Oct: 24 readings at 2 W, below the 3 W dark threshold: 0 h of 2. Night of
  // 2 Oct: lit 18:00–18:25 (6 readings, 0.5 h) of 2. den-2: 0.5 of 4 h.
  await publish('den-2', [...every5(oct(1, 18), 24, 2), ...every5(oct(2, 18), 6, 32.4)]);
  // den-3. Night of 31 Oct: lit 23:00 to 00:25 on 1 Nov (18 readings, 1.5 h; the night runs to
  // 12:00 on 1 Nov) of 1.5 h. A lit reading on 12 Oct 19:00 (no night recorded then: not counted
  // for availability; it ends a failure whose end was never written, below).
  await publish('den-3', [reading(oct(12, 19), 62.4), ...every5(oct(31, 23), 18, 62.4)]);
  // den-4: lit readings, but in no light group, so no night is recorded: left out.
  await publish('den-4', every5(oct(1, 18), 3, 62.4));

  // Nights as recorded. den-3's 31 Oct is stored twice (the API re-storing a night): the second wins.
  night('den-1', '2026-09-30', 2, 9, 9);
  night('den-1', '2026-10-01', 2, 0.1, 0.02);
  night('den-1', '2026-10-02', 2, 0.06, 0.06);
  night('den-2', '2026-10-01', 2, 0.01, 0.11);
  night('den-2', '2026-10-02', 2, 0.02, 0.1);
  night('den-3', '2026-10-31', 1.5, 0.5, 0);
  await t.village.storage.flush();
  night('den-3', '2026-10-31', 1.5, 0.08, 0.01);

  // Lamp failures.
  // den-1: 29 Sep 19:00 → 1 Oct 03:00: 32 h, repaired in October (started in September).
  failure('den-1', 'start', at(9, 29, 19));
  failure('den-1', 'end', oct(1, 3));
  // den-2: 5 Oct 20:00, raised again at 08:00 on the 6th (a plane restart, lamp still dead), ended
  // 7 Oct 20:00: one failure of 48 h. Fails again 30 Oct 20:00, not repaired by the month's end.
  failure('den-2', 'start', oct(5, 20));
  failure('den-2', 'start', oct(6, 8));
  failure('den-2', 'end', oct(7, 20));
  failure('den-2', 'start', oct(30, 20));
  // den-3: 10 Oct 20:00 with no end written (mended while the plane was down), seen lit 12 Oct
  // 19:00: 47 h. Again 20 Oct 19:00 → 25 Oct 19:00: 120 h.
  failure('den-3', 'start', oct(10, 20));
  failure('den-3', 'start', oct(20, 19));
  failure('den-3', 'end', oct(25, 19));
  // den-4: 30 Oct 20:30 → 31 Oct 02:30: 6 h.
  failure('den-4', 'start', oct(30, 20, 30));
  failure('den-4', 'end', oct(31, 2, 30));
  // Another lighting alert: not a lamp failure.
  alert('light.offline.den-1', 'light-offline', 'start', oct(15, 20));
  writeAlerts();

  await until(() => t.village.ingest.stats().readings >= sent, 'readings ingested');
  await t.village.storage.flush();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

let snap: IndicatorSnapshot | undefined;
const october = async () => {
  if (snap) return snap;
  const r = await (await t.as('official', 'official')).fetch('/api/indicators?period=2026-10');
  expect(r.status).toBe(200);
  return (snap = (await r.json()) as IndicatorSnapshot);
};
const fig = (s: IndicatorSnapshot, id: string) => s.indicators.find((f) => f.id === id)!;
const hamlet = (s: IndicatorSnapshot, id: string, h: string) => fig(s, id).hamlets.find((x) => x.hamlet === h)!;
const iso = (ms: number) => new Date(ms).toISOString();

describe('street lighting indicators for October 2026', () => {
  it('lamp availability: lit hours over the program’s on-hours, night by night', async () => {
    const s = await october();
    const f = fig(s, 'lighting-lamp-availability');
    // Lit 3 + 0.5 + 1.5 = 5 h of 4 + 4 + 1.5 = 9.5 h scheduled: 52.63 %.
    expect(f.numerator).toBeCloseTo(5, 9);
    expect(f.denominator).toBeCloseTo(9.5, 9);
    expect(f.value).toBeCloseTo((100 * 5) / 9.5, 9);
    expect(f.met).toBeUndefined(); // no target: the domain gives none
    // Thôn A: 3.5 of 8 h = 43.75 %; Thôn B: den-3 1.5 of 1.5 h (den-4 has no night); Thôn C none.
    expect(hamlet(s, f.id, 'thon-a')).toMatchObject({ numerator: 3.5, denominator: 8, value: 43.75 });
    expect(hamlet(s, f.id, 'thon-b')).toMatchObject({ numerator: 1.5, denominator: 1.5, value: 100 });
    expect(hamlet(s, f.id, 'thon-c')).toMatchObject({ numerator: 0, denominator: 0, value: null });
    expect(f.findings).toEqual([
      { hamlet: 'thon-a', device: 'den-1', code: 'light-dark-hours', params: { hours: 1, nights: 2 } },
      { hamlet: 'thon-a', device: 'den-2', code: 'light-dark-hours', params: { hours: 3.5, nights: 2 } },
      { hamlet: 'thon-b', device: 'den-4', code: 'light-no-nights-recorded' },
    ]);
  });

  it('lamps failed: lights with a lamp-failure alert started in October, each named', async () => {
    const s = await october();
    const f = fig(s, 'lighting-lamps-failed');
    // den-2, den-3 and den-4 of 4 lights (den-1's failure started in September): 75 %.
    expect([f.numerator, f.denominator, f.value]).toEqual([3, 4, 75]);
    expect(hamlet(s, f.id, 'thon-a')).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    expect(hamlet(s, f.id, 'thon-b')).toMatchObject({ numerator: 2, denominator: 2, value: 100 });
    expect(hamlet(s, f.id, 'thon-c')).toMatchObject({ numerator: 0, denominator: 0, value: null });
    // den-2: 5 Oct (its re-raise on the 6th is the same failure) and 30 Oct; den-3: 10 and 20 Oct.
    expect(f.findings).toEqual([
      { hamlet: 'thon-a', device: 'den-2', code: 'lamp-failed', params: { failures: 2, first: iso(oct(5, 20)) } },
      { hamlet: 'thon-b', device: 'den-3', code: 'lamp-failed', params: { failures: 2, first: iso(oct(10, 20)) } },
      { hamlet: 'thon-b', device: 'den-4', code: 'lamp-failed', params: { failures: 1, first: iso(oct(30, 20, 30)) } },
    ]);
  });

  it('mean time to repair: over the failures that ended in October', async () => {
    const s = await october();
    const f = fig(s, 'lighting-lamp-repair-time');
    // Ended in October: den-1 32 h, den-2 48 h, den-3 47 h (inferred) and 120 h, den-4 6 h:
    // 253 h over 5 = 50.6 h. den-2's failure of 30 Oct is still open: left out.
    expect(f.numerator).toBeCloseTo(253, 9);
    expect(f.denominator).toBe(5);
    expect(f.value).toBeCloseTo(50.6, 9);
    // Thôn A: (32 + 48) / 2 = 40 h; Thôn B: (47 + 120 + 6) / 3 = 57.67 h.
    expect(hamlet(s, f.id, 'thon-a')).toMatchObject({ numerator: 80, denominator: 2, value: 40 });
    expect(hamlet(s, f.id, 'thon-b').numerator).toBeCloseTo(173, 9);
    expect(hamlet(s, f.id, 'thon-b').value).toBeCloseTo(173 / 3, 9);
    expect(hamlet(s, f.id, 'thon-c')).toMatchObject({ numerator: 0, denominator: 0, value: null });
    // den-2 open from 30 Oct 20:00 to the month's end (1 Nov 00:00): 28 h.
    expect(f.findings).toEqual([
      { hamlet: 'thon-a', device: 'den-2', code: 'lamp-not-repaired', params: { since: iso(oct(30, 20)), hours: 28 } },
      { hamlet: 'thon-b', device: 'den-3', code: 'lamp-repair-end-inferred', params: { at: iso(oct(12, 19)) } },
    ]);
  });

  it('energy used and saved by dimming, summed from the recorded nights', async () => {
    const s = await october();
    const used = fig(s, 'lighting-energy-used');
    // October's nights: den-1 0.10 + 0.06, den-2 0.01 + 0.02, den-3 0.08 (its second record) = 0.27 kWh.
    expect(used.numerator).toBeCloseTo(0.27, 9);
    expect(used.denominator).toBe(1);
    expect(used.value).toBeCloseTo(0.27, 9);
    expect(hamlet(s, used.id, 'thon-a').value).toBeCloseTo(0.19, 9);
    expect(hamlet(s, used.id, 'thon-b').value).toBeCloseTo(0.08, 9);
    expect(hamlet(s, used.id, 'thon-c')).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    const saved = fig(s, 'lighting-energy-saved');
    // 0.02 + 0.06 + 0.11 + 0.10 + 0.01 = 0.30 kWh; Thôn A 0.29, Thôn B 0.01.
    expect(saved.value).toBeCloseTo(0.3, 9);
    expect(hamlet(s, saved.id, 'thon-a').value).toBeCloseTo(0.29, 9);
    expect(hamlet(s, saved.id, 'thon-b').value).toBeCloseTo(0.01, 9);
  });

  it('energy per light per night: kWh over the light-nights recorded', async () => {
    const s = await october();
    const f = fig(s, 'lighting-energy-per-light-night');
    // 0.27 kWh over 5 light-nights = 0.054; Thôn A 0.19 / 4 = 0.0475; Thôn B 0.08 / 1.
    expect(f.numerator).toBeCloseTo(0.27, 9);
    expect(f.denominator).toBe(5);
    expect(f.value).toBeCloseTo(0.054, 9);
    expect(hamlet(s, f.id, 'thon-a').denominator).toBe(4);
    expect(hamlet(s, f.id, 'thon-a').value).toBeCloseTo(0.0475, 9);
    expect(hamlet(s, f.id, 'thon-b').value).toBeCloseTo(0.08, 9);
    expect(hamlet(s, f.id, 'thon-c')).toMatchObject({ numerator: 0, denominator: 0, value: null });
  });
});
