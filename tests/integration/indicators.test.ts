// The commune's indicators on a real InfluxDB, against answers worked out by hand. A small commune:
// three hamlets; a loudspeaker cluster in Thôn A that works, one in Thôn B whose amplifier is
// faulty, none in Thôn C; ten street lights (four in A, six in B), nine of which report on the
// month's last day. The month is October 2026 in Asia/Ho_Chi_Minh (UTC+7).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localParts } from '../../devices/local-time.js';
import type { IndicatorSnapshot } from '../../controller/api/contract/indicators.js';
import { commune, lampReading, sendBacklogs, speakerReading, vnTime } from '../helpers/commune.js';
import { startTestVillage, type TestVillage } from '../helpers/village.js';

const oct = (day: number, hh: number, mm = 0) => vnTime(2026, 10, day, hh, mm);
const LIGHTS = Array.from({ length: 10 }, (_, i) => ({ id: `den-${i + 1}`, hamlet: i < 4 ? 'thon-a' : 'thon-b' }));

const site = () =>
  commune({
    id: 'xa-mau',
    name: 'Xã Mẫu',
    hamlets: ['thon-a', 'thon-b', 'thon-c'],
    devices: [
      { id: 'loa-a', type: 'loudspeaker', hamlet: 'thon-a' },
      { id: 'loa-b', type: 'loudspeaker', hamlet: 'thon-b' },
      ...LIGHTS.map((l) => ({ id: l.id, type: 'street-light', hamlet: l.hamlet })),
    ],
  });

let t: TestVillage;
beforeAll(async () => {
  t = await startTestVillage({ site: site() });
  // Thôn A's cluster: 3 readings, amplifier fine. Thôn B's: 2 readings, amplifier faulty.
  // Lights 1–9: a reading on the 10th and one on the 31st at 20:00. Light 10: only the 10th.
  await sendBacklogs(t, {
    'loa-a': [speakerReading(oct(3, 9), true), speakerReading(oct(15, 9), true), speakerReading(oct(30, 9), true)],
    'loa-b': [speakerReading(oct(3, 9), false), speakerReading(oct(20, 9), false)],
    ...Object.fromEntries(LIGHTS.map((l) => [l.id, l.id === 'den-10' ? [lampReading(oct(10, 20))] : [lampReading(oct(10, 20)), lampReading(oct(31, 20))]])),
  });
  // Commands light 1 settled in October: 4 applied, 1 rejected; 1 still pending (not settled).
  const audit = (status: string, day: number) =>
    t.village.storage.writeEvent({ measurement: 'command_audit', tags: { site: 'xa-mau', device: 'den-1', type: 'street-light', action: 'set', status }, fields: { id: `c-${status}-${day}`, issuer: 'test', params: '{}', attempts: 1 }, time: oct(day, 12) });
  for (const d of [2, 4, 6, 8]) audit('applied', d);
  audit('rejected', 9);
  audit('pending', 11);
  await t.village.storage.flush();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const get = async (q: string) => {
  const r = await (await t.as('official', 'official')).fetch(`/api/indicators?${q}`);
  return { status: r.status, body: (await r.json()) as IndicatorSnapshot };
};
/** RFC 4180 rows: quoted fields may hold commas and doubled quotes. */
function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split(/\r?\n/)
    .map((line) => [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : (m[2] ?? ''))));
}
const fig = (s: IndicatorSnapshot, id: string) => s.indicators.find((f) => f.id === id)!;
const hamlet = (s: IndicatorSnapshot, id: string, h: string) => fig(s, id).hamlets.find((x) => x.hamlet === h)!;

describe('indicators for October 2026', () => {
  it('Criterion 8.3: one hamlet of three has a working cluster heard from', async () => {
    const { status, body: s } = await get('period=2026-10');
    expect(status).toBe(200);
    expect(s.version).toBe(1);
    expect(s.complete).toBe(true);
    const f = fig(s, 'radio-hamlets-reached');
    // Thôn A reached; Thôn B's only cluster has a faulty amplifier; Thôn C has none: 1 / 3.
    expect([f.numerator, f.denominator]).toEqual([1, 3]);
    expect(f.value).toBeCloseTo(100 / 3, 9);
    expect(f.met).toBe(false); // target ≥ 100 %
    expect(hamlet(s, 'radio-hamlets-reached', 'thon-a').value).toBe(100);
    expect(hamlet(s, 'radio-hamlets-reached', 'thon-b').value).toBe(0);
    expect(f.findings).toEqual(expect.arrayContaining([{ hamlet: 'thon-b', device: 'loa-b', code: 'cluster-not-heard' }, { hamlet: 'thon-c', code: 'no-cluster' }]));
    const d = s.definitions.find((x) => x.id === 'radio-hamlets-reached')!;
    expect(d.mapsTo?.vi).toMatch(/8\.3/);
  });

  it('lights managed remotely: 9 of 10 reported on the last day', async () => {
    const { body: s } = await get('period=2026-10');
    const f = fig(s, 'lighting-remotely-managed');
    expect([f.numerator, f.denominator]).toEqual([9, 10]);
    expect(f.value).toBeCloseTo(90, 9);
    expect(f.met).toBe(true); // target ≥ 90 %
    // Thôn A: 4 of 4; Thôn B: 5 of 6 (light 10 last reported on the 10th); Thôn C has no light.
    expect(hamlet(s, 'lighting-remotely-managed', 'thon-a')).toMatchObject({ numerator: 4, denominator: 4, value: 100 });
    expect(hamlet(s, 'lighting-remotely-managed', 'thon-b')).toMatchObject({ numerator: 5, denominator: 6 });
    expect(hamlet(s, 'lighting-remotely-managed', 'thon-c')).toMatchObject({ numerator: 0, denominator: 0, value: null });
    expect(f.findings).toEqual([{ hamlet: 'thon-b', device: 'den-10', code: 'light-not-heard' }]);
  });

  it('telemetry completeness: the readings sent over those expected from each reporting interval', async () => {
    const { body: s } = await get('period=2026-10');
    const f = fig(s, 'plane-telemetry-completeness');
    // October has 31 days = 2,678,400 s. A light reports every 300 s: 8,928 expected each, 89,280
    // for ten. A cluster every 60 s: 44,640 each, 89,280 for two. Received: 3 + 2 + 9 × 2 + 1 = 24.
    expect(f.denominator).toBe(89_280 + 89_280);
    expect(f.numerator).toBe(24);
    expect(hamlet(s, 'plane-telemetry-completeness', 'thon-a')).toMatchObject({ numerator: 3 + 4 * 2, denominator: 44_640 + 4 * 8_928 });
  });

  it('command success: 4 applied of 5 settled (the pending one does not count)', async () => {
    const { body: s } = await get('period=2026-10');
    const f = fig(s, 'plane-command-success');
    expect([f.numerator, f.denominator]).toEqual([4, 5]);
    expect(f.value).toBeCloseTo(80, 9);
    expect(hamlet(s, 'plane-command-success', 'thon-b')).toMatchObject({ numerator: 0, denominator: 0, value: null });
  });

  it('keeps the finished month in InfluxDB: read back the same, recomputed on an admin’s request, filtered by hamlet', async () => {
    const first = (await get('period=2026-10')).body;
    const again = (await get('period=2026-10')).body;
    expect(again.computeMs).toBe(0); // read back, not computed
    expect(again.indicators).toEqual(first.indicators);
    expect((await get('period=2026-10&recompute=1')).status).toBe(403); // an official may not
    const admin = await (await t.as('admin')).fetch('/api/indicators?period=2026-10&recompute=1');
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as IndicatorSnapshot).indicators).toEqual(first.indicators);
    const onlyB = (await get('period=2026-10&hamlet=thon-b')).body;
    expect(fig(onlyB, 'lighting-remotely-managed').hamlets.map((h) => h.hamlet)).toEqual(['thon-b']);
    expect((await get('period=2026-10&hamlet=no-such')).status).toBe(404);
    expect((await get('period=2026-13')).status).toBe(400);
  });

  it('gives every figure as CSV: the commune and each hamlet, with names, numerator, denominator and target', async () => {
    const r = await (await t.as('official', 'official')).fetch('/api/indicators/report/csv?period=2026-10');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM spreadsheet programs need for UTF-8
    const [head, ...rows] = parseCsv(new TextDecoder().decode(bytes));
    const col = (name: string) => head!.indexOf(name);
    const line = (id: string, scope: string) => rows.find((x) => x[col('indicator')] === id && x[col('scope')] === scope)!;
    const lights = line('lighting-remotely-managed', 'commune');
    expect([lights[col('numerator')], lights[col('denominator')], lights[col('value')], lights[col('target')], lights[col('met')]]).toEqual(['9', '10', '90', '>= 90', 'true']);
    expect(line('lighting-remotely-managed', 'thon-b')[col('scope_name')]).toBe('Thôn B');
    expect(line('radio-hamlets-reached', 'thon-c')[col('numerator')]).toBe('0');
    // One row per indicator for the commune, and one per hamlet for each hamlet-scoped one.
    const snap = (await get('period=2026-10')).body;
    expect(rows.length).toBe(snap.indicators.reduce((n, f) => n + 1 + f.hamlets.length, 0));
  });

  it('gives the month under way up to now, not stored', async () => {
    // This month at the site (not in UTC: the two differ for seven hours at a month's turn).
    const now = localParts(new Date(), 'Asia/Ho_Chi_Minh');
    const p = `${now.year}-${String(now.month).padStart(2, '0')}`;
    const s = (await get(`period=${p}`)).body;
    expect(s.complete).toBe(false);
    expect(Date.parse(s.to)).toBeLessThanOrEqual(Date.now());
    expect(s.computeMs).toBeGreaterThanOrEqual(0);
  });
});
