// A demo's simulated indicator history on a real InfluxDB: three months seeded for a small commune
// (June to August 2026) come back flagged simulated, in the history and in the month's snapshot;
// seeding again, or over a month already computed, writes nothing; an admin's recompute makes the
// month computed again and clears the mark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorHistory, IndicatorSnapshot } from '../../controller/api/contract/indicators.js';
import { indicators } from '../../controller/indicators/index.js';
import { localParts } from '../../devices/local-time.js';
import { simulateIndicatorHistory, type SimulatedMonth } from '../../firmware-sim/indicator-history.js';
import { twoMonths } from '../helpers/commune.js';
import { startTestVillage, type TestVillage } from '../helpers/village.js';

const months = [6, 7, 8].map((month) => ({ year: 2026, month }));
let t: TestVillage;
let sim: SimulatedMonth[];
let written: string[];

beforeAll(async () => {
  t = await startTestVillage({ site: twoMonths.site('xa-mo-phong', 'Xã Mô Phỏng') });
  sim = simulateIndicatorHistory({ site: t.village.site.config, indicators, months, seed: 1 });
  written = await t.village.indicators.seedSimulated(sim);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const official = () => t.as('official', 'official');
const history = async (q: string) => (await (await (await official()).fetch(`/api/indicators/history?${q}`)).json()) as IndicatorHistory;
const snapshot = async (period: string) => {
  const r = await (await official()).fetch(`/api/indicators?period=${period}`);
  expect(r.status).toBe(200);
  return (await r.json()) as IndicatorSnapshot;
};
const simulated = (period: string, id: string) => sim.find((m) => m.period === period)!.indicators.find((f) => f.id === id)!;

describe('simulated indicator history', () => {
  it('stores the months seeded, and the history gives each of them flagged simulated', async () => {
    expect(written).toEqual(['2026-06', '2026-07', '2026-08']);
    const h = await history('from=2026-06&to=2026-08');
    for (const s of h.series) {
      expect(s.points.map((p) => [p.period, p.simulated])).toEqual([
        ['2026-06', true],
        ['2026-07', true],
        ['2026-08', true],
      ]);
      for (const p of s.points) expect(p).toMatchObject({ numerator: simulated(p.period, s.id).commune.numerator, denominator: simulated(p.period, s.id).commune.denominator });
    }
    // One hamlet's figures too.
    const b = await history('from=2026-07&to=2026-07&hamlet=thon-b');
    const reached = b.series.find((s) => s.id === 'radio-hamlets-reached')!.points[0]!;
    expect(reached).toMatchObject({ simulated: true, ...simulated('2026-07', 'radio-hamlets-reached').hamlets!['thon-b'] });
  });

  it('says a seeded month is simulated in its snapshot, with the simulated finding and every hamlet', async () => {
    const s = await snapshot('2026-07');
    expect(s).toMatchObject({ period: '2026-07', complete: true, simulated: true, computeMs: 0 });
    for (const f of s.indicators) {
      expect(f.findings).toEqual([{ code: 'simulated' }]);
      const want = simulated('2026-07', f.id);
      expect([f.numerator, f.denominator]).toEqual([want.commune.numerator, want.commune.denominator]);
      for (const h of f.hamlets) expect([h.numerator, h.denominator]).toEqual([want.hamlets![h.hamlet]!.numerator, want.hamlets![h.hamlet]!.denominator]);
    }
  });

  it('says so in the CSV of every figure', async () => {
    const csv = await (await (await official()).fetch('/api/indicators/report/csv?period=2026-07')).text();
    const [head, ...rows] = csv.replace(/^\ufeff/, '').trim().split('\n').map((l) => l.split(','));
    const col = head!.indexOf('simulated');
    expect(col).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThan(indicators.length);
    // Definitions' labels hold no comma in their last columns, so the flag is always the last field.
    expect(new Set(rows.map((r) => r.at(-1)))).toEqual(new Set(['true']));
  });

  it('seeds nothing again: not over seeded months, not over a computed one, not the month under way', async () => {
    const before = await history('from=2026-06&to=2026-08');
    const other = simulateIndicatorHistory({ site: t.village.site.config, indicators, months, seed: 2 });
    expect(await t.village.indicators.seedSimulated(other)).toEqual([]);
    expect(await history('from=2026-06&to=2026-08')).toEqual(before);
    // September is computed (and stored) when first asked for: seeding it afterwards leaves it computed.
    expect((await snapshot('2026-09')).simulated).toBeUndefined();
    const sept = simulateIndicatorHistory({ site: t.village.site.config, indicators, months: [{ year: 2026, month: 9 }], seed: 1 });
    expect(await t.village.indicators.seedSimulated(sept)).toEqual([]);
    expect((await snapshot('2026-09')).simulated).toBeUndefined();
    // The month under way is never stored, simulated or not.
    const now = localParts(new Date(), 'Asia/Ho_Chi_Minh');
    const current = simulateIndicatorHistory({ site: t.village.site.config, indicators, months: [{ year: now.year, month: now.month }], seed: 1 });
    expect(await t.village.indicators.seedSimulated(current)).toEqual([]);
    expect(await t.village.indicators.storedMonths(months)).toEqual(['2026-06', '2026-07', '2026-08']);
  });

  it('clears the mark when an admin recomputes the month, which then reads as computed', async () => {
    const admin = await (await t.as('admin')).fetch('/api/indicators?period=2026-07&recompute=1');
    expect(admin.status).toBe(200);
    const recomputed = (await admin.json()) as IndicatorSnapshot;
    expect(recomputed.simulated).toBeUndefined();
    // Nothing was heard in July: no hamlet reached, computed from the (empty) data.
    expect(recomputed.indicators.find((f) => f.id === 'radio-hamlets-reached')).toMatchObject({ numerator: 0, denominator: 2, findings: expect.any(Array) });
    const s = await snapshot('2026-07');
    expect(s.simulated).toBeUndefined();
    expect(s.computeMs).toBe(0); // read back
    expect(s.indicators.map((f) => [f.id, f.numerator, f.denominator])).toEqual(recomputed.indicators.map((f) => [f.id, f.numerator, f.denominator]));
    const h = await history('from=2026-06&to=2026-08');
    for (const series of h.series) expect(series.points.map((p) => p.simulated ?? false)).toEqual([true, false, true]);
  });
});
