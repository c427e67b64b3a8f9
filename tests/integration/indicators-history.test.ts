// The indicators' history (GET /api/indicators/history) on a real InfluxDB: a small commune over
// two past months, September and October 2026 in Asia/Ho_Chi_Minh (UTC+7), each month's figures
// worked out by hand; months missing from storage computed on demand up to a bound, the month
// under way absent. Two hamlets: Thôn A with loudspeaker cluster loa-a and lights den-1, den-2;
// Thôn B with loa-b and den-3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorHistory } from '../../controller/api/contract/indicators.js';
import { localParts } from '../../devices/local-time.js';
import { twoMonths } from '../helpers/commune.js';
import { startTestVillage, type TestVillage } from '../helpers/village.js';

const at = twoMonths.at;
// The commune of tests/helpers/commune.ts's twoMonths: see there what each month holds.
const site = () => twoMonths.site('xa-lich', 'Xã Lịch');

let t: TestVillage;
beforeAll(async () => {
  t = await startTestVillage({ site: site() });
  await twoMonths.seed(t);
  // den-1's commands: September 3 applied; October 1 applied, 1 rejected.
  const audit = (status: string, month: number, day: number) =>
    t.village.storage.writeEvent({ measurement: 'command_audit', tags: { site: 'xa-lich', device: 'den-1', type: 'street-light', action: 'set', status }, fields: { id: `c-${month}-${day}`, issuer: 'test', params: '{}', attempts: 1 }, time: at(month, day, 12) });
  for (const d of [2, 3, 4]) audit('applied', 9, d);
  audit('applied', 10, 2);
  audit('rejected', 10, 3);
  await t.village.storage.flush();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const get = async (q: string) => {
  const r = await (await t.as('official', 'official')).fetch(`/api/indicators/history?${q}`);
  return { status: r.status, body: (await r.json()) as IndicatorHistory };
};
const points = (h: IndicatorHistory, id: string) => h.series.find((s) => s.id === id)!.points;
const point = (h: IndicatorHistory, id: string, period: string) => points(h, id).find((p) => p.period === period);
/** This month at the site: under way, so never in the history. */
const now = localParts(new Date(), 'Asia/Ho_Chi_Minh');
const thisMonth = `${now.year}-${String(now.month).padStart(2, '0')}`;

describe('indicator history', () => {
  it('gives each finished month’s commune figures; the month under way is absent', async () => {
    const { status, body: h } = await get(`from=2026-09&to=${thisMonth}`);
    expect(status).toBe(200);
    expect(h.version).toBe(1);
    expect(h.months[0]).toBe('2026-09');
    expect(h.months.at(-1)).toBe(thisMonth);
    // Hamlets reached: September both (2 / 2); October only Thôn A (loa-b's amplifier faulty): 1 / 2.
    expect(point(h, 'radio-hamlets-reached', '2026-09')).toMatchObject({ numerator: 2, denominator: 2, value: 100, met: true });
    expect(point(h, 'radio-hamlets-reached', '2026-10')).toMatchObject({ numerator: 1, denominator: 2, value: 50, met: false });
    // Lights heard in the month's last 24 h: September 3 / 3; October den-1 and den-3: 2 / 3.
    expect(point(h, 'lighting-remotely-managed', '2026-09')).toMatchObject({ numerator: 3, denominator: 3, value: 100, met: true });
    const oct = point(h, 'lighting-remotely-managed', '2026-10')!;
    expect([oct.numerator, oct.denominator, oct.met]).toEqual([2, 3, false]); // target ≥ 90 %
    expect(oct.value).toBeCloseTo(200 / 3, 9);
    // Commands: September 3 applied of 3; October 1 applied of 2 settled.
    expect(point(h, 'plane-command-success', '2026-09')).toMatchObject({ numerator: 3, denominator: 3, value: 100 });
    expect(point(h, 'plane-command-success', '2026-10')).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    // The month under way has no point in any series; every finished month has one.
    for (const s of h.series) {
      expect(s.points.map((p) => p.period)).not.toContain(thisMonth);
      expect(s.points.map((p) => p.period)).toEqual(h.months.slice(0, -1));
    }
  });

  it('agrees with the month’s snapshot, and reads the stored months back the same', async () => {
    const first = (await get('from=2026-09&to=2026-10')).body;
    const again = (await get('from=2026-09&to=2026-10')).body;
    expect(again).toEqual(first);
    const snap = (await (await (await t.as('official', 'official')).fetch('/api/indicators?period=2026-10')).json()) as { indicators: { id: string; numerator: number; denominator: number }[] };
    for (const f of snap.indicators) expect(point(first, f.id, '2026-10')).toMatchObject({ numerator: f.numerator, denominator: f.denominator });
  });

  it('gives one hamlet’s figures', async () => {
    const { body: h } = await get('from=2026-09&to=2026-10&hamlet=thon-b');
    expect(h.hamlet).toBe('thon-b');
    // Thôn B: loa-b heard fine in September (1 / 1), faulty in October (0 / 1); den-3 reported both months.
    expect(point(h, 'radio-hamlets-reached', '2026-09')).toMatchObject({ numerator: 1, denominator: 1, value: 100 });
    expect(point(h, 'radio-hamlets-reached', '2026-10')).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    expect(point(h, 'lighting-remotely-managed', '2026-10')).toMatchObject({ numerator: 1, denominator: 1, value: 100 });
    // No command for Thôn B's devices: nothing to divide by.
    expect(point(h, 'plane-command-success', '2026-10')).toMatchObject({ numerator: 0, denominator: 0, value: null });
    // Thôn A in October: den-1 heard, den-2 not: 1 / 2.
    const a = (await get('from=2026-10&to=2026-10&hamlet=thon-a')).body;
    expect(point(a, 'lighting-remotely-managed', '2026-10')).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
  });

  it('computes at most twelve missing months a call, the latest first; older ones come back absent until asked again', async () => {
    // January 2025 to August 2026: 20 finished months, none stored.
    const months = (from: number, n: number) => Array.from({ length: n }, (_, i) => `${Math.floor((from + i) / 12)}-${String(((from + i) % 12) + 1).padStart(2, '0')}`);
    const jan2025 = 2025 * 12;
    // All of them over before the commune's first data (September 5): nothing to measure, no point.
    const before = (await get('from=2025-01&to=2026-08')).body;
    expect(before.series.every((x) => x.points.length === 0)).toBe(true);
    // A cluster reported offline on New Year's Day 2025: from then on the months are measured.
    await t.village.storage.writeEvent({ measurement: 'availability', tags: { site: 'xa-lich', device: 'loa-a', hamlet: 'thon-a', type: 'loudspeaker' }, fields: { online: false, why: 'test' }, time: Date.UTC(2025, 0, 1) });
    await t.village.storage.flush();
    const h = (await get('from=2025-01&to=2026-08')).body;
    expect(h.months).toEqual(months(jan2025, 20));
    expect(points(h, 'radio-hamlets-reached').map((p) => p.period)).toEqual(months(jan2025 + 8, 12)); // 2025-09 … 2026-08
    // Nothing was heard then: no hamlet reached (0 / 2).
    expect(point(h, 'radio-hamlets-reached', '2026-08')).toMatchObject({ numerator: 0, denominator: 2, value: 0 });
    const next = (await get('from=2025-01&to=2026-08')).body;
    expect(points(next, 'radio-hamlets-reached').map((p) => p.period)).toEqual(months(jan2025, 20));
  });

  it('keeps the figures in the long retention policy, apart from the raw data', async () => {
    const count = async (rp: string) => (await t.village.storage.influx.query<{ n: number }>(`SELECT count("numerator") AS n FROM "${rp}"."indicator"`))[0]?.n ?? 0;
    const rps = await t.village.storage.influx.showRetentionPolicies('village');
    expect(rps.find((r) => r.name === 'village_10y')).toMatchObject({ duration: '87360h0m0s', default: false });
    expect(await count('village_10y')).toBeGreaterThan(0);
    expect(await count('village_2y')).toBe(0);
  });

  it('refuses a bad range or an unknown hamlet', async () => {
    expect((await get('from=2026-10&to=2026-09')).status).toBe(400);
    expect((await get('from=2020-01&to=2026-10')).status).toBe(400); // more than 60 months
    expect((await get('from=2026-13&to=2026-14')).status).toBe(400);
    expect((await get('from=2026-09')).status).toBe(400);
    expect((await get('from=2026-09&to=2026-10&hamlet=no-such')).status).toBe(404);
  });
});
