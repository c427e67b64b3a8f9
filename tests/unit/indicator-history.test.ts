// The demo's simulated indicator history (firmware-sim/indicator-history.ts): every indicator,
// including one the generator's table does not know, gets figures for every month and hamlet;
// shares stay shares; the commune adds up its hamlets where the indicator adds up; a seed gives
// the same months every time and another seed other months.
import { describe, expect, it } from 'vitest';
import { SiteConfig } from '../../controller/config/site.js';
import { defineIndicator, indicators, valueOf, type IndicatorDefinition, type IndicatorUnit } from '../../controller/indicators/index.js';
import { demoFleet } from '../../firmware-sim/fleet.js';
import { hasOwnRule, ruleOf, simulateIndicatorHistory, type SimulatedMonth } from '../../firmware-sim/indicator-history.js';
import { commune } from '../helpers/commune.js';

const demo = SiteConfig.parse(demoFleet(42));
// A hamlet with no device at all: its figures are 0 / 0 (nothing to measure), never NaN.
const small = commune({
  id: 'xa-nho',
  name: 'Xã Nhỏ',
  hamlets: ['thon-a', 'thon-b', 'thon-c'],
  devices: [
    { id: 'loa-a', type: 'loudspeaker', hamlet: 'thon-a' },
    { id: 'den-1', type: 'street-light', hamlet: 'thon-a' },
    { id: 'den-2', type: 'street-light', hamlet: 'thon-b' },
  ],
});
const months = [7, 8, 9, 10, 11].map((month) => ({ year: 2026, month })).concat([{ year: 2025, month: 12 }]);
const run = (site: SiteConfig, seed = 42, defs: readonly IndicatorDefinition[] = indicators): SimulatedMonth[] => simulateIndicatorHistory({ site, indicators: defs, months, seed });

/** An indicator the generator's table cannot know, of each unit. */
const newcomers = (['%', 'h', 'kWh', 'm³/ha', 's', 'count'] as IndicatorUnit[]).map((unit, i) =>
  defineIndicator({
    id: `test-newcomer-${i}`,
    name: { vi: 'Mới', en: 'New' },
    definition: { vi: '', en: '' },
    numerator: { vi: '', en: '' },
    denominator: { vi: '', en: '' },
    unit,
    period: 'month',
    scope: i % 2 ? 'commune' : 'hamlet',
    ...(unit === '%' && { target: { op: '>=' as const, value: 90 } }),
    async compute() {
      return { commune: { numerator: 0, denominator: 0 } };
    },
  }),
);
const all = [...indicators, ...newcomers];

const finite = (r: { numerator: number; denominator: number }) => Number.isFinite(r.numerator) && Number.isFinite(r.denominator) && r.numerator >= 0 && r.denominator >= 0;

describe.each([
  ['the demo commune', demo],
  ['a small commune with an empty hamlet', small],
])('simulated indicator history of %s', (_name, site) => {
  const out = run(site, 42, all);

  it('has every month, and in each every indicator, defined or new, with every hamlet for a hamlet-scoped one', () => {
    expect(out.map((m) => m.period)).toEqual(['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2025-12']);
    for (const m of out) {
      expect(m.indicators.map((f) => f.id)).toEqual(all.map((d) => d.id));
      for (const d of all) {
        const f = m.indicators.find((x) => x.id === d.id)!;
        expect(finite(f.commune), `${m.period} ${d.id} commune`).toBe(true);
        if (d.scope === 'commune') {
          expect(f.hamlets).toBeUndefined();
          continue;
        }
        expect(Object.keys(f.hamlets!).sort()).toEqual(site.hamlets.map((h) => h.id).sort());
        for (const [h, r] of Object.entries(f.hamlets!)) expect(finite(r), `${m.period} ${d.id} ${h}`).toBe(true);
      }
    }
  });

  it('keeps shares within 0–100 %, numerator at most the denominator', () => {
    for (const m of out)
      for (const d of all.filter((x) => x.unit === '%')) {
        const f = m.indicators.find((x) => x.id === d.id)!;
        for (const r of [f.commune, ...Object.values(f.hamlets ?? {})]) {
          expect(r.numerator, `${m.period} ${d.id}`).toBeLessThanOrEqual(r.denominator);
          const v = valueOf(d, r);
          if (v === null) continue;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(100);
        }
      }
  });

  it('adds up the hamlets into the commune where the indicator adds up', () => {
    for (const m of out)
      for (const d of all.filter((x) => x.scope === 'hamlet')) {
        const f = m.indicators.find((x) => x.id === d.id)!;
        const rows = Object.values(f.hamlets!);
        const sum = (k: 'numerator' | 'denominator') => rows.reduce((s, r) => s + r[k], 0);
        const rule = ruleOf(d).commune;
        if (rule === 'own') continue;
        expect(f.commune.numerator, `${m.period} ${d.id}`).toBeCloseTo(sum('numerator'), 2);
        expect(f.commune.denominator, `${m.period} ${d.id}`).toBeCloseTo(rule === 'total' ? 1 : sum('denominator'), 2);
      }
  });
});

describe('simulated indicator history', () => {
  it('knows every defined indicator by name, and adds up every count, hour and share but medians and bulletins heard', () => {
    for (const d of indicators) expect(hasOwnRule(d.id), d.id).toBe(true);
    const own = indicators.filter((d) => d.scope === 'hamlet' && ruleOf(d).commune === 'own').map((d) => d.id);
    expect(own.sort()).toEqual(['radio-airtime-emergency', 'radio-airtime-normal', 'radio-airtime-priority', 'radio-emergency-reach-median', 'radio-emergency-reach-p95']);
  });

  it('gives the demo a figure for almost every indicator every month, some hamlets below target some months', () => {
    const out = run(demo);
    for (const d of indicators) {
      const known = out.filter((m) => valueOf(d, m.indicators.find((f) => f.id === d.id)!.commune) !== null);
      expect(known.length, d.id).toBeGreaterThanOrEqual(d.id === 'lighting-lamp-repair-time' ? 2 : months.length);
    }
    // Over a few seeds, some hamlet misses the telemetry target (95 %) in some month, and most do not.
    const below = [1, 2, 3].flatMap((seed) =>
      run(demo, seed).flatMap((m) => Object.values(m.indicators.find((f) => f.id === 'plane-telemetry-completeness')!.hamlets!).map((r) => r.numerator / r.denominator < 0.95)),
    );
    expect(below.some(Boolean)).toBe(true);
    expect(below.filter(Boolean).length).toBeLessThan(below.length / 2);
  });

  it('follows the site: one light-night per grouped light and day, the hours of the month', () => {
    const nov = run(demo).find((m) => m.period === '2026-11')!;
    const f = (id: string) => nov.indicators.find((x) => x.id === id)!;
    expect(f('lighting-energy-per-light-night').commune.denominator).toBe(40 * 30);
    expect(f('lighting-remotely-managed').hamlets!['thon-dong']!.denominator).toBe(14);
    expect(f('radio-cluster-availability').commune.denominator).toBe(10 * 30 * 24);
    expect(f('radio-hamlets-reached').commune.denominator).toBe(3);
    // Night in Hà Nội in November: about 13 hours scheduled per light and night, dusk and dawn offsets included.
    const perNight = f('lighting-lamp-availability').commune.denominator / (40 * 30);
    expect(perNight).toBeGreaterThan(12.5);
    expect(perNight).toBeLessThan(13.6);
  });

  it('is the same for a seed, and different for another', () => {
    expect(run(demo, 7)).toEqual(run(demo, 7));
    expect(run(demo, 7)).not.toEqual(run(demo, 8));
  });
});
