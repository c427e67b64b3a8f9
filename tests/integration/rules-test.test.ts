// "Test this rule" (POST /api/rules/test) on a real InfluxDB: a greenhouse's air temperature seeded
// minute by minute over two hours, and a rule not yet saved replayed over it. Every firing and
// clearing is worked out by hand below; nothing is saved, no alert is raised, no command sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleTestResult } from '../../controller/api/contract/rules.js';
import { MIN, seedGreenhouseHours, twoGreenhouses } from '../helpers/greenhouse-history.js';
import { startTestVillage, type TestVillage } from '../helpers/village.js';

// 2026-11-10 08:00 in Asia/Ho_Chi_Minh.
const T0 = Date.UTC(2026, 10, 10, 1, 0);
// gh-01's air temperature minute by minute: tempAt in tests/helpers/greenhouse-history.ts
// (0–19 at 30 °C; 20–39 at 39; 40–44 at 37; 45–54 at 35; 55–59 at 39; 60–119 at 30).

let t: TestVillage;
beforeAll(async () => {
  t = await startTestVillage({ site: twoGreenhouses() });
  await seedGreenhouseHours(t, T0);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const rule = (when: object, extra: object = {}) => ({ name: 'Nóng', when: { kind: 'metric', select: { devices: ['gh-01'] }, metric: 'airTempC', ...when }, then: [{ kind: 'alert', severity: 'warning', message: '{device} {value} °C' }], ...extra });
const range = { from: new Date(T0).toISOString(), to: new Date(T0 + 120 * MIN).toISOString() };

async function test(body: object, as: [string, ('admin' | 'farmer')?, string[]?] = ['admin']): Promise<{ status: number; body: RuleTestResult & { code?: string } }> {
  const c = await t.as(...as);
  const r = await c.post('/api/rules/test', body);
  return { status: r.status, body: r.body as RuleTestResult & { code?: string } };
}

describe('testing a rule against history', () => {
  it('replays `for` and hysteresis: fires at minute 30, clears at minute 50, fires again at 65 only with a shorter for', async () => {
    // > 38 °C for 10 min, clear below 36 °C held 5 min.
    // Minute 20 starts the pending; 30 fires (39 °C). 40–44 at 37 °C: not below 36, still active.
    // 45 starts clearing (35 °C); 50 clears (5 min). 55–59 at 39 °C: pending from 55, but 60 drops to
    // 30 °C before 10 min: no second firing.
    const r = await test({ rule: rule({ op: '>', value: 38, forS: 600, clear: { value: 36, forS: 300 } }), ...range });
    expect(r.status).toBe(200);
    expect(r.body.readings).toBe(120);
    expect(r.body.truncated).toBe(false);
    expect(r.body.fired).toEqual([{ at: T0 + 30 * MIN, target: 'gh-01', device: 'gh-01', value: 39, repeat: 0, clearedAt: T0 + 50 * MIN }]);
    expect(r.body.open).toEqual([]);

    // The same with a 3-minute for: 23 fires; clears at 50 as before; 55 starts again, 58 fires;
    // 60 at 30 °C starts clearing, 65 clears.
    const short = await test({ rule: rule({ op: '>', value: 38, forS: 180, clear: { value: 36, forS: 300 } }), ...range });
    expect(short.body.fired.map((f) => [(f.at - T0) / MIN, (f.clearedAt! - T0) / MIN])).toEqual([
      [23, 50],
      [58, 65],
    ]);
  });

  it('without hysteresis a value around the threshold fires each time it crosses; a range ending inside an activation leaves it open', async () => {
    // > 36 °C, no for, no clear band: 20 fires (39), 45 clears (35 is not > 36), 55 fires, 60 clears.
    const r = await test({ rule: rule({ op: '>', value: 36 }), ...range });
    expect(r.body.fired.map((f) => [(f.at - T0) / MIN, (f.clearedAt! - T0) / MIN])).toEqual([
      [20, 45],
      [55, 60],
    ]);
    // Up to minute 30 only: the first activation is still on at the end.
    const half = await test({ rule: rule({ op: '>', value: 36 }), from: range.from, to: new Date(T0 + 30 * MIN).toISOString() });
    expect(half.body.fired).toHaveLength(1);
    expect(half.body.fired[0]!.clearedAt).toBeUndefined();
    expect(half.body.open).toEqual([{ target: 'gh-01', phase: 'active' }]);
  });

  it('replays `stale` on the deadlines between readings: gh-02 never reported, gh-01 went quiet after minute 119', async () => {
    // Stale after 15 min without a reading, over both greenhouses, in the range to minute 150:
    // gh-02 has no reading at all: stale 15 min after the range starts (minute 15);
    // gh-01's last reading is minute 119: stale at 134.
    const to = new Date(T0 + 150 * MIN).toISOString();
    const r = await test({ rule: { ...rule({}), when: { kind: 'metric', select: { type: 'greenhouse-sensor' }, metric: 'airTempC', op: 'stale', staleMin: 15 } }, from: range.from, to });
    expect(r.status).toBe(200);
    expect(r.body.fired.map((f) => [f.target, (f.at - T0) / MIN]).sort()).toEqual([
      ['gh-01', 134],
      ['gh-02', 15],
    ]);
  });

  it('has no side effects: nothing saved, no alert raised', async () => {
    await test({ rule: rule({ op: '>', value: 36 }), ...range });
    expect((await (await t.as('admin')).get('/api/rules')).body.rules).toEqual([]);
    expect(t.village.alerts.list({}).filter((a) => a.what.code === 'rule')).toEqual([]);
  });

  it('refuses what a save would: a bad rule, a bad range, and a farmer watching another zone', async () => {
    const bad = await test({ rule: rule({ op: 'between', min: 40, max: 30 }), ...range });
    expect(bad.status).toBe(400);
    expect((await test({ rule: rule({ op: '>', value: 36 }), from: range.to, to: range.from })).status).toBe(400);
    expect((await test({ rule: rule({ op: '>', value: 36 }), from: range.from, to: new Date(T0 + 100 * 86_400_000).toISOString() })).status).toBe(400);
    // A farmer of greenhouse 2 may test a rule on it, not on greenhouse 1.
    const farmer: [string, 'farmer', string[]] = ['nong-dan-2', 'farmer', ['nha-mang-2']];
    const other = await test({ rule: rule({ op: '>', value: 36 }), ...range }, farmer);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('zone-out-of-scope');
    const own = await test({ rule: { ...rule({ op: '>', value: 36 }), when: { kind: 'metric', select: { devices: ['gh-02'] }, metric: 'airTempC', op: '>', value: 36 } }, ...range }, farmer);
    expect(own.status).toBe(200);
    expect(own.body.fired).toEqual([]);
  });
});
