// The province's simulated communes (firmware-sim/commune-snapshots.ts): names and ids a
// province would register, pushes the province's contract accepts, figures that are plausible
// and spread (some communes below the targets, most near them), day snapshots that grow through
// the month, and the same output for the same seed.
import { describe, expect, it } from 'vitest';
import { NewCommune, PushedSnapshot, SnapshotPush } from '../../controller/api/contract/province.js';
import { ID_PATTERN } from '../../devices/index.js';
import { indicators, meets, valueOf } from '../../controller/indicators/index.js';
import { communePush, communeSite, daysOf, simulatedProvince, slug } from '../../firmware-sim/commune-snapshots.js';

const province = simulatedProvince({ seed: 14, communes: 100, districts: 8 });
const MONTH = '2026-10';
const months = province.communes.map((c) => communePush(c, { kind: 'month', month: MONTH }));
const snap = (p: SnapshotPush) => PushedSnapshot.parse(p.snapshot);
const figure = (p: SnapshotPush, id: string) => snap(p).indicators.find((f) => f.id === id)!;

describe('simulated province', () => {
  it('has 100 communes with unique ids a province registers, Vietnamese names, over 8 districts each with some', () => {
    const { communes, districts } = province;
    expect(communes).toHaveLength(100);
    expect(new Set(communes.map((c) => c.id)).size).toBe(100);
    expect(new Set(communes.map((c) => c.name)).size).toBe(100);
    for (const c of communes) {
      expect(c.id).toMatch(ID_PATTERN);
      expect(c.id).toMatch(/^[a-z0-9][a-z0-9-]{1,62}$/);
      expect(c.name).toMatch(/^Xã /);
      expect(c.id).toBe(slug(c.name));
      expect(NewCommune.safeParse({ id: c.id, name: c.name, district: c.district }).success).toBe(true);
    }
    expect(districts).toHaveLength(8);
    for (const d of districts) {
      expect(d).toMatch(/^Huyện /);
      expect(communes.filter((c) => c.district === d).length, d).toBeGreaterThan(0);
    }
    expect(communes.every((c) => districts.includes(c.district))).toBe(true);
    expect(slug('Xã Đồng Thắng')).toBe('xa-dong-thang');
  });

  it('gives every commune a valid site of its own size', () => {
    const sizes = province.communes.map((c) => communeSite(c).hamlets.length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(3);
    expect(new Set(sizes).size).toBeGreaterThan(3);
  });

  it('is the same for a seed, and different for another', () => {
    const again = simulatedProvince({ seed: 14, communes: 100, districts: 8 });
    expect(again).toEqual(province);
    expect(again.communes.map((c) => communePush(c, { kind: 'month', month: MONTH }))).toEqual(months);
    expect(communePush(again.communes[3]!, { kind: 'day', day: '2026-10-12' })).toEqual(communePush(province.communes[3]!, { kind: 'day', day: '2026-10-12' }));
    const other = simulatedProvince({ seed: 15, communes: 100, districts: 8 });
    expect(other.communes.map((c) => c.id)).not.toEqual(province.communes.map((c) => c.id));
  });
});

describe('commune pushes', () => {
  it('parse as the contract says, month and day alike, with one figure per indicator, value and met from the definition', () => {
    const c = province.communes[0]!;
    const days = daysOf(MONTH);
    expect(days).toHaveLength(31);
    for (const p of [...months, ...days.map((day) => communePush(c, { kind: 'day', day }))]) {
      expect(SnapshotPush.parse(p)).toEqual(p);
      const s = snap(p);
      expect(s).toMatchObject({ version: 1, period: MONTH, complete: p.kind === 'month', simulated: true });
      if (p.kind === 'day') expect(s.site).toBe(c.id);
      expect(s.indicators.map((f) => f.id)).toEqual(indicators.map((d) => d.id));
      for (const d of indicators) {
        const f = s.indicators.find((x) => x.id === d.id)!;
        expect(f.value, `${s.site} ${d.id}`).toBe(valueOf(d, f));
        expect(f.met).toBe(meets(d, f.value));
        expect(f.hamlets).toEqual([]);
        expect(f.findings).toEqual([]);
      }
    }
    expect(months.map((p) => snap(p).site)).toEqual(province.communes.map((c) => c.id));
  });

  it('covers the month (local time), a day push the month through that day', () => {
    const c = province.communes[0]!;
    expect(snap(months[0]!)).toMatchObject({ from: '2026-09-30T17:00:00.000Z', to: '2026-10-31T17:00:00.000Z' });
    const d = communePush(c, { kind: 'day', day: '2026-10-12' });
    expect(d).toMatchObject({ kind: 'day', day: '2026-10-12' });
    expect(snap(d)).toMatchObject({ from: '2026-09-30T17:00:00.000Z', to: '2026-10-12T17:00:00.000Z' });
    expect(snap(d).computedAt > snap(d).to).toBe(true);
    expect(() => communePush(c, { kind: 'day', day: '2026-11-31' })).toThrow();
  });

  it('keeps shares within 0–100 % and every figure finite and non-negative', () => {
    for (const p of months)
      for (const d of indicators) {
        const f = figure(p, d.id);
        expect(Number.isFinite(f.numerator) && f.numerator >= 0 && f.denominator >= 0, `${snap(p).site} ${d.id}`).toBe(true);
        if (d.unit !== '%' || f.value === null) continue;
        expect(f.value).toBeGreaterThanOrEqual(0);
        expect(f.value).toBeLessThanOrEqual(100);
      }
  });

  it('spreads the communes: no indicator the same everywhere, some communes below each target and most near it', () => {
    for (const d of indicators) {
      const values = months.map((p) => figure(p, d.id).value).filter((v) => v !== null);
      expect(values.length, d.id).toBeGreaterThan(90);
      // Counts (open alerts) and airtime (a month's bulletins; one or two emergencies) take few values.
      const coarse = d.unit === 'count' || d.id.startsWith('radio-airtime');
      expect(new Set(values).size, d.id).toBeGreaterThan(d.id === 'radio-airtime-emergency' ? 1 : coarse ? 3 : 10);
      if (!d.target) continue;
      const met = months.map((p) => figure(p, d.id).met);
      expect(met.filter((m) => m === false).length, `${d.id} below target`).toBeGreaterThan(0);
      // Near: within a tenth of the target, for most communes (one hamlet of seven unheard is 86 %).
      const near = values.filter((v) => v >= d.target!.value * 0.9).length;
      expect(near, `${d.id} near target`).toBeGreaterThan(50);
    }
    // Some communes far behind: a fifth below the telemetry target.
    const far = months.filter((p) => figure(p, 'plane-telemetry-completeness').value! < 95 * 0.85);
    expect(far.length).toBeGreaterThan(2);
    expect(far.length).toBeLessThan(30);
  });

  it('grows day by day: what adds up scales with the days elapsed and reaches the month on its last day; shares stay shares', () => {
    for (const c of province.communes.slice(0, 10)) {
      const days = daysOf(MONTH).map((day) => communePush(c, { kind: 'day', day }));
      const month = communePush(c, { kind: 'month', month: MONTH });
      for (const id of ['lighting-energy-used', 'radio-cluster-availability', 'plane-telemetry-completeness', 'radio-airtime-normal']) {
        const nums = days.map((p) => figure(p, id).numerator);
        for (let i = 1; i < nums.length; i++) expect(nums[i]!, `${c.id} ${id} day ${i + 1}`).toBeGreaterThanOrEqual(nums[i - 1]!);
        expect(nums[30]!).toBeGreaterThan(nums[0]! * 20);
        expect(figure(days[30]!, id).numerator).toBe(figure(month, id).numerator);
        // About half the month's total by the 15th.
        expect(nums[14]! / figure(month, id).numerator).toBeCloseTo(15 / 31, 1);
      }
      for (const id of ['radio-cluster-availability', 'plane-device-availability']) {
        const m = figure(month, id).value!;
        for (const p of days.slice(4)) expect(figure(p, id).value!, `${c.id} ${id}`).toBeCloseTo(m, 0);
      }
      // A count over a fixed population does not grow with the days.
      expect(figure(days[0]!, 'lighting-remotely-managed')).toEqual(figure(month, 'lighting-remotely-managed'));
    }
  });
});
