// The commune radio's indicators on a real InfluxDB, against answers worked out by hand. A small
// commune: Thôn A with two loudspeaker clusters (loa-a1, loa-a2), Thôn B with one (loa-b), Thôn C
// with none (only a street light, which no radio figure may count). October 2026 at UTC+7: 31 days
// = 744 h, from 2026-09-30T17:00Z to 2026-10-31T17:00Z. The points are those the plane writes:
// `availability` (storage/sink.ts) and `radio_delivery` (radio/radio.ts), written directly at
// October times. Last, a real emergency through a simulated speaker shows the plane writing the
// fields these figures read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorSnapshot } from '../../controller/api/contract/indicators.js';
import { SiteConfig } from '../../controller/config/site.js';
import type { SimulatedDevice } from '../../firmware-sim/device.js';
import { localParts } from '../../devices/local-time.js';
import { radioApi, startSpeakers } from '../helpers/radio-site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

/** Local wall time at UTC+7 as UTC ms (month 1..12; day may run past the month's end). */
const local = (month: number, day: number, hh: number, mm = 0) => Date.UTC(2026, month - 1, day, hh - 7, mm);
const oct = (day: number, hh: number, mm = 0) => local(10, day, hh, mm);
const HAMLET: Record<string, string> = { 'loa-a1': 'thon-a', 'loa-a2': 'thon-a', 'loa-b': 'thon-b', 'den-c': 'thon-c' };

function site(): SiteConfig {
  return SiteConfig.parse({
    site: { id: 'xa-loa', name: 'Xã Loa', lat: 19.8, lon: 105.77, tz: 'Asia/Ho_Chi_Minh' },
    hamlets: [
      { id: 'thon-a', name: 'Thôn A' },
      { id: 'thon-b', name: 'Thôn B' },
      { id: 'thon-c', name: 'Thôn C' },
    ],
    zones: [],
    devices: [
      { id: 'loa-a1', type: 'loudspeaker', name: 'Loa A1', hamlet: 'thon-a', attributes: {} },
      { id: 'loa-a2', type: 'loudspeaker', name: 'Loa A2', hamlet: 'thon-a', attributes: {} },
      { id: 'loa-b', type: 'loudspeaker', name: 'Loa B', hamlet: 'thon-b', attributes: {} },
      { id: 'den-c', type: 'street-light', name: 'Đèn C', hamlet: 'thon-c', attributes: { ratedPowerW: 60 } },
    ],
  });
}

let t: TestVillage;
let sims: Map<string, SimulatedDevice> | undefined;

const availability = (device: string, online: boolean, time: number) =>
  t.village.storage.writeEvent({
    measurement: 'availability',
    tags: { site: 'xa-loa', type: device.startsWith('loa') ? 'loudspeaker' : 'street-light', device, hamlet: HAMLET[device]! },
    fields: { online, why: online ? 'message' : 'silence' },
    time,
  });

/** A `radio_delivery` point as radio.ts writes it; a final one carries plays, airedS and (if begun) reachS. */
const delivery = (bulletin: string, device: string, level: string, status: string, time: number, fields: { plays?: number; airedS?: number; reachS?: number; reason?: string } = {}) =>
  t.village.storage.writeEvent({
    measurement: 'radio_delivery',
    tags: { site: 'xa-loa', bulletin, device, hamlet: HAMLET[device]!, level, status },
    fields: { title: bulletin, attempts: 1, ...fields },
    time,
  });

beforeAll(async () => {
  t = await startTestVillage({ site: site() });

  // Availability. loa-a1: online since 20 Sep; offline 10 Oct 08:00 → 12 Oct 08:00 (48 h); a
  // repeated "online" on the 20th changes nothing. Online 744 − 48 = 696 h.
  availability('loa-a1', true, local(9, 20, 8));
  availability('loa-a1', false, oct(10, 8));
  availability('loa-a1', true, oct(12, 8));
  availability('loa-a1', true, oct(20, 8));
  // loa-a2: offline 25 Sep, online 29 Sep (the last change before October: online); offline
  // 31 Oct 12:00 to the month's end (12 h). Online 744 − 12 = 732 h.
  availability('loa-a2', false, local(9, 25, 8));
  availability('loa-a2', true, local(9, 29, 8));
  availability('loa-a2', false, oct(31, 12));
  // loa-b: never heard of before October (offline); online 2 Oct 00:00 (24 h offline); the change
  // on 1 Nov is after the month. Online 744 − 24 = 720 h.
  availability('loa-b', true, oct(2, 0));
  availability('loa-b', false, local(11, 1, 3));
  // The street light is offline all month: not a cluster, counted nowhere.
  availability('den-c', false, local(9, 1, 0));

  // Normal bulletins.
  // n1, 5 Oct 06:00, 120 s: played on a1 and a2, missed on b. Queued points are not final: ignored.
  for (const d of ['loa-a1', 'loa-a2', 'loa-b']) delivery('n1', d, 'normal', 'queued', oct(5, 6));
  delivery('n1', 'loa-a1', 'normal', 'finished', oct(5, 6, 2), { plays: 1, airedS: 120, reachS: 3 });
  delivery('n1', 'loa-a2', 'normal', 'finished', oct(5, 6, 2), { plays: 1, airedS: 120, reachS: 5 });
  delivery('n1', 'loa-b', 'normal', 'missed', oct(5, 7), { plays: 0, airedS: 0, reason: 'offline' });
  // n2, 31 Oct 17:00, 300 s twice: a1 played both (600 s); a2 played once then no end report (a
  // play begun: played, 300 s); b was cancelled before it began (not due).
  delivery('n2', 'loa-a1', 'normal', 'finished', oct(31, 17, 10), { plays: 2, airedS: 600, reachS: 2 });
  delivery('n2', 'loa-a2', 'normal', 'failed', oct(31, 17, 9), { plays: 1, airedS: 300, reachS: 4, reason: 'no end report' });
  delivery('n2', 'loa-b', 'normal', 'cancelled', oct(31, 17, 1), { plays: 0, airedS: 0, reason: 'cancelled' });
  // n3, 3 Oct: a finished point from before the plane wrote plays/airedS/reachS: still played.
  delivery('n3', 'loa-b', 'normal', 'finished', oct(3, 6, 2));
  // Outside October: one ended 30 Sep 23:00, one 1 Nov 00:10 (local).
  delivery('n0', 'loa-a1', 'normal', 'missed', local(9, 30, 23), { plays: 0, airedS: 0 });
  delivery('n9', 'loa-b', 'normal', 'missed', local(11, 1, 0, 10), { plays: 0, airedS: 0 });

  // Priority bulletins. p1, 15 Oct, 60 s: played on a1 and b. p2, 16 Oct, 90 s: b played it (an
  // operator stopped it at the cluster: still finished), a1 expired.
  delivery('p1', 'loa-a1', 'priority', 'finished', oct(15, 6, 1), { plays: 1, airedS: 60, reachS: 1 });
  delivery('p1', 'loa-b', 'priority', 'finished', oct(15, 6, 1), { plays: 1, airedS: 60, reachS: 2 });
  delivery('p2', 'loa-b', 'priority', 'finished', oct(16, 6, 2), { plays: 1, airedS: 90, reachS: 1, reason: 'stopped' });
  delivery('p2', 'loa-a1', 'priority', 'expired', oct(16, 12), { plays: 0, airedS: 0, reason: 'bulletin expired' });

  // Emergencies. e1, 8 Oct 10:00, 30 s: every cluster, begun after 4, 10 and 50 s.
  delivery('e1', 'loa-a1', 'emergency', 'started', oct(8, 10, 0)); // not final: ignored
  delivery('e1', 'loa-a1', 'emergency', 'finished', oct(8, 10, 1), { plays: 1, airedS: 30, reachS: 4 });
  delivery('e1', 'loa-a2', 'emergency', 'finished', oct(8, 10, 1), { plays: 1, airedS: 30, reachS: 10 });
  delivery('e1', 'loa-b', 'emergency', 'finished', oct(8, 10, 2), { plays: 1, airedS: 30, reachS: 50 });
  // e2, 11 Oct 14:00, 40 s twice: a1 offline (10–12 Oct) until its window closed; a2 after 6 s;
  // b after an hour (its first tries went unanswered).
  delivery('e2', 'loa-a1', 'emergency', 'missed', oct(11, 20), { plays: 0, airedS: 0, reason: 'offline' });
  delivery('e2', 'loa-a2', 'emergency', 'finished', oct(11, 14, 2), { plays: 2, airedS: 80, reachS: 6 });
  delivery('e2', 'loa-b', 'emergency', 'finished', oct(11, 15, 2), { plays: 2, airedS: 80, reachS: 3600 });
  // e3, 25 Oct 09:00, 20 s, cancelled mid-play: a1 had begun (after 7 s: due and played, 0 plays
  // finished), a2 had not (not due); b could not fetch the audio (due, not played).
  delivery('e3', 'loa-a1', 'emergency', 'cancelled', oct(25, 9, 1), { plays: 0, airedS: 0, reachS: 7, reason: 'cancelled' });
  delivery('e3', 'loa-a2', 'emergency', 'cancelled', oct(25, 9, 1), { plays: 0, airedS: 0, reason: 'cancelled' });
  delivery('e3', 'loa-b', 'emergency', 'failed', oct(25, 9, 0), { plays: 0, airedS: 0, reason: 'audio unavailable: 404' });
  await t.village.storage.flush();
}, 60_000);

afterAll(async () => {
  await Promise.all([...(sims?.values() ?? [])].map((s) => s.stop()));
  await t?.stop();
});

const get = async (period: string) => {
  const r = await (await t.as('official', 'official')).fetch(`/api/indicators?period=${period}`);
  expect(r.status).toBe(200);
  return (await r.json()) as IndicatorSnapshot;
};
const fig = (s: IndicatorSnapshot, id: string) => s.indicators.find((f) => f.id === id)!;
const hamlet = (s: IndicatorSnapshot, id: string, h: string) => fig(s, id).hamlets.find((x) => x.hamlet === h)!;
/** Numerator, denominator and value per hamlet, for one indicator. */
const perHamlet = (s: IndicatorSnapshot, id: string) => Object.fromEntries(fig(s, id).hamlets.map((h) => [h.hamlet, [h.numerator, h.denominator, h.value]]));
const close = (v: number | null | undefined, x: number) => {
  expect(v).not.toBeNull();
  expect(v!).toBeCloseTo(x, 9);
};

describe('radio indicators for October 2026', () => {
  let s: IndicatorSnapshot;
  beforeAll(async () => {
    s = await get('2026-10');
  });

  it('cluster availability, time-weighted from the changes and the state before the month', () => {
    const f = fig(s, 'radio-cluster-availability');
    // Thôn A: (696 + 732) / (2 × 744) = 1428 / 1488; Thôn B: 720 / 744; commune 2148 / 2232.
    close(f.numerator, 2148);
    close(f.denominator, 2232);
    close(f.value, (2148 / 2232) * 100); // 96.24 %
    const a = hamlet(s, 'radio-cluster-availability', 'thon-a');
    close(a.numerator, 1428);
    close(a.denominator, 1488);
    close(a.value, (1428 / 1488) * 100); // 95.97 %
    close(hamlet(s, 'radio-cluster-availability', 'thon-b').value, (720 / 744) * 100); // 96.77 %
    expect(hamlet(s, 'radio-cluster-availability', 'thon-c')).toMatchObject({ numerator: 0, denominator: 0, value: null });
    // 48 h and 24 h reach the 24 h mark; loa-a2's 12 h does not.
    expect(f.findings).toEqual([
      { hamlet: 'thon-a', device: 'loa-a1', code: 'cluster-offline', params: { hours: 48 } },
      { hamlet: 'thon-b', device: 'loa-b', code: 'cluster-offline', params: { hours: 24 } },
    ]);
  });

  it('delivery of normal bulletins: played over due, counted in the month they ended', () => {
    const f = fig(s, 'radio-delivery-normal');
    // Due: n1 ×3, n2 a1 and a2 (b cancelled before it began), n3 b = 6. Played: n1 a1, a2; n2 a1,
    // a2 (begun, then no end report); n3 b (an older point without reachS) = 5. n0 and n9 ended
    // outside October.
    expect([f.numerator, f.denominator]).toEqual([5, 6]);
    close(f.value, (5 / 6) * 100);
    // Thôn A 4 / 4; Thôn B 1 / 2 (n1 missed, n3 played); Thôn C nothing due.
    expect(perHamlet(s, 'radio-delivery-normal')).toEqual({ 'thon-a': [4, 4, 100], 'thon-b': [1, 2, 50], 'thon-c': [0, 0, null] });
    expect(f.findings).toEqual([{ hamlet: 'thon-b', device: 'loa-b', code: 'delivery-missed', params: { count: 1 } }]);
  });

  it('delivery of priority and emergency bulletins, each its own figure', () => {
    // Priority: p1 a1, b; p2 b (stopped at the cluster: finished) played; p2 a1 expired: 3 / 4.
    const p = fig(s, 'radio-delivery-priority');
    expect([p.numerator, p.denominator, p.value]).toEqual([3, 4, 75]);
    expect(perHamlet(s, 'radio-delivery-priority')).toEqual({ 'thon-a': [1, 2, 50], 'thon-b': [2, 2, 100], 'thon-c': [0, 0, null] });
    expect(p.findings).toEqual([{ hamlet: 'thon-a', device: 'loa-a1', code: 'delivery-expired', params: { count: 1 } }]);
    // Emergency: due e1 ×3, e2 ×3, e3 a1 (begun before the cancel) and b = 8; played e1 ×3, e2 a2
    // and b, e3 a1 = 6. Thôn A: due 5 (e1 a1, a2; e2 a1, a2; e3 a1), played 4; Thôn B: 2 of 3.
    const e = fig(s, 'radio-delivery-emergency');
    expect([e.numerator, e.denominator, e.value]).toEqual([6, 8, 75]);
    expect(perHamlet(s, 'radio-delivery-emergency')).toMatchObject({ 'thon-a': [4, 5, 80], 'thon-b': [2, 3, expect.closeTo(200 / 3, 9)] });
    expect(e.findings).toEqual([
      { hamlet: 'thon-a', device: 'loa-a1', code: 'delivery-missed', params: { count: 1 } },
      { hamlet: 'thon-b', device: 'loa-b', code: 'delivery-failed', params: { count: 1 } },
    ]);
  });

  it('emergencies on air within 60 s, and the median and 95th percentile of the time it took', () => {
    // Begun after 4, 10, 50 (e1), 6, 3600 (e2), 7 (e3) s; five within 60 s, of 8 due: 62.5 %.
    // Thôn A: 4, 10, 6, 7 all within, of 5 due: 80 %. Thôn B: 50 only, of 3 due.
    const w = fig(s, 'radio-emergency-within-60s');
    expect([w.numerator, w.denominator, w.value]).toEqual([5, 8, 62.5]);
    expect(perHamlet(s, 'radio-emergency-within-60s')).toMatchObject({ 'thon-a': [4, 5, 80], 'thon-b': [1, 3, expect.closeTo(100 / 3, 9)], 'thon-c': [0, 0, null] });
    expect(w.findings).toEqual([
      { hamlet: 'thon-a', device: 'loa-a1', code: 'emergency-not-played', params: { count: 1 } },
      { hamlet: 'thon-b', device: 'loa-b', code: 'emergency-late', params: { count: 1 } },
      { hamlet: 'thon-b', device: 'loa-b', code: 'emergency-not-played', params: { count: 1 } },
    ]);
    // Sorted: 4, 6, 7, 10, 50, 3600. Median (7 + 10) / 2 = 8.5. InfluxDB's percentile is the
    // nearest rank: index floor(6 × 0.95 + 0.5) − 1 = 5, so 3600.
    // Thôn A: 4, 6, 7, 10 → median 6.5, p95 index floor(4.3) − 1 = 3 → 10.
    // Thôn B: 50, 3600 → median 1825, p95 index floor(2.4) − 1 = 1 → 3600. Thôn C: none.
    expect(perHamlet(s, 'radio-emergency-reach-median')).toEqual({ 'thon-a': [6.5, 1, 6.5], 'thon-b': [1825, 1, 1825], 'thon-c': [0, 0, null] });
    expect(fig(s, 'radio-emergency-reach-median')).toMatchObject({ numerator: 8.5, denominator: 1, value: 8.5 });
    expect(perHamlet(s, 'radio-emergency-reach-p95')).toEqual({ 'thon-a': [10, 1, 10], 'thon-b': [3600, 1, 3600], 'thon-c': [0, 0, null] });
    expect(fig(s, 'radio-emergency-reach-p95')).toMatchObject({ numerator: 3600, denominator: 1, value: 3600 });
  });

  it('hours on air by level, each bulletin once however many clusters played it', () => {
    // Normal: n1 120 s (a1 and a2 each 120: once) + n2 600 s (a1's two plays; a2's 300 is less) =
    // 720 s = 0.2 h, all in Thôn A. Thôn B's only normal play (n3) has no length: 0 h. Thôn C has
    // no cluster: no figure.
    expect(fig(s, 'radio-airtime-normal')).toMatchObject({ numerator: expect.closeTo(0.2, 9), denominator: 1 });
    expect(perHamlet(s, 'radio-airtime-normal')).toEqual({ 'thon-a': [expect.closeTo(0.2, 9), 1, expect.closeTo(0.2, 9)], 'thon-b': [0, 1, 0], 'thon-c': [0, 0, null] });
    // Priority: p1 60 s + p2 90 s = 150 s; Thôn A 60 s (p1), Thôn B 150 s.
    close(fig(s, 'radio-airtime-priority').value, 150 / 3600);
    close(hamlet(s, 'radio-airtime-priority', 'thon-a').value, 60 / 3600);
    close(hamlet(s, 'radio-airtime-priority', 'thon-b').value, 150 / 3600);
    // Emergency: e1 30 s + e2 80 s (two plays of 40) = 110 s; e3 finished no play. Both hamlets heard both.
    close(fig(s, 'radio-airtime-emergency').value, 110 / 3600);
    close(hamlet(s, 'radio-airtime-emergency', 'thon-a').value, 110 / 3600);
    close(hamlet(s, 'radio-airtime-emergency', 'thon-b').value, 110 / 3600);
    expect(s.definitions.find((d) => d.id === 'radio-airtime-emergency')).toMatchObject({ unit: 'h', scope: 'hamlet' });
  });

  it('reads the stored month back with the same figures', async () => {
    const again = await get('2026-10');
    expect(again.computeMs).toBe(0);
    expect(again.indicators.filter((f) => f.id.startsWith('radio-'))).toEqual(s.indicators.filter((f) => f.id.startsWith('radio-')));
  });
});

describe('what the plane writes for these figures', () => {
  it('a real emergency’s last delivery point carries plays, airedS and reachS, and counts this month', async () => {
    sims = startSpeakers(t, ['loa-b']);
    await until(() => t.village.live.snapshot('loa-b')?.availability === 'online', 'loa-b online');
    const chief = radioApi(t, 'chu-tich', 'official');
    const sent = await chief.post('/api/radio/emergency', { title: 'Thử khẩn cấp', zones: ['thon-b'], content: { kind: 'text', text: 'Thông báo thử.' } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const id = sent.body.id as string;
    const durationS = sent.body.audio.durationS as number;
    await until(async () => (await chief.get(`/api/radio/bulletins/${id}`)).body.deliveries[0]?.status === 'finished', 'emergency played', 30_000);
    await t.village.storage.flush();
    const rows = await t.village.storage.influx.query<{ status: string; plays?: number; airedS?: number; reachS?: number }>(
      `SELECT "plays", "airedS", "reachS", "status" FROM "village_2y"."radio_delivery" WHERE "bulletin" = '${id}'`,
    );
    const last = rows.find((r) => r.status === 'finished')!;
    expect(last).toMatchObject({ plays: 1, airedS: durationS });
    expect(last.reachS).toBeGreaterThanOrEqual(0);
    expect(last.reachS).toBeLessThan(30);
    // Points before the last carry none of them.
    expect(rows.filter((r) => r.status !== 'finished').every((r) => r.plays === null && r.reachS === null)).toBe(true);

    // This month (at the site) so far: one emergency delivery, played, within 60 s.
    const now = localParts(new Date(), 'Asia/Ho_Chi_Minh');
    const m = await get(`${now.year}-${String(now.month).padStart(2, '0')}`);
    expect(fig(m, 'radio-delivery-emergency')).toMatchObject({ numerator: 1, denominator: 1 });
    expect(fig(m, 'radio-emergency-within-60s')).toMatchObject({ numerator: 1, denominator: 1 });
    close(fig(m, 'radio-emergency-reach-median').value, last.reachS!);
    close(hamlet(m, 'radio-airtime-emergency', 'thon-b').value, durationS / 3600);
  }, 60_000);
});
