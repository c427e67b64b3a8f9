// The pure evaluator with a fake clock: every input carries its own time, so these are also what a
// replay over history would do.
import { describe, expect, test } from 'vitest';
import { step, nextDeadline, render, replay, type EvalContext, type Effect, type Input } from '../../controller/rules/evaluate.js';
import { Rule, type RuleInput, type RuleState } from '../../controller/rules/schema.js';

const T0 = Date.UTC(2026, 5, 1, 3, 0); // 10:00 in Hà Nội, a Monday
const S = 1000;
const MIN = 60_000;
const place = { lat: 21.03, lon: 105.75, tz: 'Asia/Ho_Chi_Minh' };
const ctx = (devices: string[] = ['gh-01'], more: Partial<EvalContext> = {}): EvalContext => ({ devices, selected: true, place, ...more });

function rule(when: Partial<Extract<RuleInput['when'], { kind: 'metric' }>> | RuleInput['when'], more: Partial<RuleInput> = {}): Rule {
  const w = 'kind' in when && when.kind !== 'metric' ? when : { kind: 'metric' as const, select: { devices: ['gh-01'] }, metric: 'airTempC', op: '>' as const, value: 38, ...when };
  return Rule.parse({ id: 'r1', name: 'Nóng', owner: 'admin', when: w, then: [{ kind: 'alert', severity: 'warning', message: '{device} {value}' }], ...more });
}

/** Drives a rule through inputs; returns every effect with the time it came at, and the last state. */
function run(r: Rule, inputs: Input[], c = ctx(), start?: RuleState) {
  let s = start;
  const effects: (Effect & { at: number })[] = [];
  for (const i of inputs) {
    const out = step(r, s, i, c);
    s = out.state;
    effects.push(...out.effects.map((e) => ({ ...e, at: i.at })));
  }
  return { effects, state: s! };
}
const reading = (at: number, airTempC: number, deviceId = 'gh-01'): Extract<Input, { kind: 'reading' }> => ({ kind: 'reading', deviceId, values: { airTempC }, at });
const tick = (at: number): Input => ({ kind: 'tick', at });

describe('metric rules', () => {
  test('for: pending holds until forS, and a dip before it resets the wait', () => {
    const r = rule({ forS: 600 });
    const { effects } = run(r, [reading(T0, 39), reading(T0 + 5 * MIN, 37), reading(T0 + 6 * MIN, 39), tick(T0 + 15 * MIN), tick(T0 + 16 * MIN)]);
    // Pending from minute 6 (the dip at 5 reset it): fires at the tick at minute 16, not 10 or 15.
    expect(effects.map((e) => [e.kind, (e.at - T0) / MIN])).toEqual([['fire', 16]]);
    expect(effects[0]).toMatchObject({ target: 'gh-01', device: 'gh-01', value: 39 });
  });

  test('a value oscillating around the threshold gives ONE activation with a clear band', () => {
    const r = rule({ clear: { value: 36, forS: 0 } });
    const values = [38.1, 37.9, 38.2, 37.8, 38.4, 37.5, 38.1, 36.5, 38.3];
    const { effects } = run(r, values.map((v, i) => reading(T0 + i * MIN, v)));
    expect(effects.map((e) => e.kind)).toEqual(['fire']);
    // Below the clear value it ends once, and a new crossing is a new activation.
    const more = run(r, [reading(T0 + 20 * MIN, 35.9), reading(T0 + 21 * MIN, 38.5)], ctx(), run(r, values.map((v, i) => reading(T0 + i * MIN, v))).state);
    expect(more.effects.map((e) => e.kind)).toEqual(['clear', 'fire']);
  });

  test('without a clear band the same oscillation flaps: the band is what stops it', () => {
    const r = rule({});
    const { effects } = run(r, [38.1, 37.9, 38.2, 37.8].map((v, i) => reading(T0 + i * MIN, v)));
    expect(effects.map((e) => e.kind)).toEqual(['fire', 'clear', 'fire', 'clear']);
  });

  test('clear has its own for: a short dip does not end it', () => {
    const r = rule({ clear: { value: 36, forS: 300 } });
    const { effects, state } = run(r, [reading(T0, 39), reading(T0 + MIN, 35), reading(T0 + 3 * MIN, 37), reading(T0 + 4 * MIN, 35), tick(T0 + 8 * MIN), tick(T0 + 9 * MIN)]);
    expect(effects.map((e) => [e.kind, (e.at - T0) / MIN])).toEqual([
      ['fire', 0],
      ['clear', 9],
    ]);
    expect(state.targets).toEqual({});
  });

  test('stale: no reading for N minutes, seen on a tick; a reading ends it', () => {
    const r = rule({ op: 'stale', staleMin: 10, value: undefined });
    const { effects } = run(r, [reading(T0, 30), tick(T0 + 9 * MIN), tick(T0 + 10 * MIN), tick(T0 + 11 * MIN), reading(T0 + 12 * MIN, 30)]);
    expect(effects.map((e) => [e.kind, (e.at - T0) / MIN])).toEqual([
      ['fire', 10],
      ['clear', 12],
    ]);
    // A device never heard counts from when the rule started.
    const never = run(r, [tick(T0), tick(T0 + 10 * MIN)], ctx(['gh-01', 'gh-02']));
    expect(never.effects.map((e) => e.target)).toEqual(['gh-01', 'gh-02']);
    expect(nextDeadline(r, run(r, [reading(T0, 30)]).state, place, ['gh-01'])).toBe(T0 + 10 * MIN);
  });

  test('aggregates: any per device, all over the selection, avg of the latest values', () => {
    const two = ctx(['gh-01', 'gh-02']);
    const any = run(rule({ select: { devices: ['gh-01', 'gh-02'] } }), [reading(T0, 39, 'gh-01'), reading(T0, 39, 'gh-02')], two);
    expect(any.effects.map((e) => e.target)).toEqual(['gh-01', 'gh-02']);
    const all = run(rule({ select: { devices: ['gh-01', 'gh-02'] }, aggregate: 'all' }), [reading(T0, 39, 'gh-01'), reading(T0 + MIN, 37, 'gh-02'), reading(T0 + 2 * MIN, 39, 'gh-02')], two);
    expect(all.effects.map((e) => [e.kind, e.target, (e.at - T0) / MIN])).toEqual([['fire', '*', 2]]);
    const avg = run(rule({ select: { devices: ['gh-01', 'gh-02'] }, aggregate: 'avg' }), [reading(T0, 40, 'gh-01'), reading(T0 + MIN, 35, 'gh-02'), reading(T0 + 2 * MIN, 42, 'gh-02')], two);
    expect(avg.effects.map((e) => [e.kind, e.value])).toEqual([
      ['fire', 40],
      ['clear', 37.5],
      ['fire', 41],
    ]);
  });

  test('between / outside / changed', () => {
    const out = run(rule({ op: 'outside', value: undefined, min: 18, max: 35 }), [reading(T0, 20), reading(T0 + MIN, 36), reading(T0 + 2 * MIN, 30)]);
    expect(out.effects.map((e) => e.kind)).toEqual(['fire', 'clear']);
    const ch = run(rule({ op: 'changed', value: undefined }), [reading(T0, 20), reading(T0 + MIN, 20), reading(T0 + 2 * MIN, 21)]);
    expect(ch.effects.map((e) => [e.kind, (e.at - T0) / MIN])).toEqual([['fire', 2]]);
  });

  test('cooldown: an activation inside it does not act; after it, one does', () => {
    const r = rule({}, { cooldownS: 1800 });
    const { effects } = run(r, [reading(T0, 39), reading(T0 + MIN, 30), reading(T0 + 2 * MIN, 39), reading(T0 + 3 * MIN, 30), reading(T0 + 40 * MIN, 39)]);
    expect(effects.filter((e) => e.kind === 'fire').map((e) => (e.at - T0) / MIN)).toEqual([0, 40]);
  });

  test('repeatEvery / maxRepeats while active', () => {
    const r = rule({}, { repeatEveryS: 600, maxRepeats: 2 });
    const { effects } = run(r, [reading(T0, 39), tick(T0 + 5 * MIN), tick(T0 + 10 * MIN), tick(T0 + 20 * MIN), tick(T0 + 30 * MIN), tick(T0 + 40 * MIN)]);
    expect(effects.map((e) => [e.kind === 'fire' && e.repeat, (e.at - T0) / MIN])).toEqual([
      [0, 0],
      [1, 10],
      [2, 20],
    ]);
  });

  test('escalation: after afterMin unacknowledged, once; not when acknowledged', () => {
    const r = rule({}, { escalate: { afterMin: 15, severity: 'critical', roles: ['official'] } });
    const unacked = run(r, [reading(T0, 39), tick(T0 + 14 * MIN), tick(T0 + 15 * MIN), tick(T0 + 30 * MIN)]);
    expect(unacked.effects.map((e) => [e.kind, (e.at - T0) / MIN])).toEqual([
      ['fire', 0],
      ['escalate', 15],
    ]);
    const acked = run(r, [reading(T0, 39), tick(T0 + 15 * MIN)], ctx(['gh-01'], { acknowledged: () => true }));
    expect(acked.effects.map((e) => e.kind)).toEqual(['fire']);
  });

  test('only: outside the time window a met condition waits as pending and fires when the window opens', () => {
    // 10:00 local at T0; window 10:30–11:00 on Mondays.
    const r = rule({}, { only: { windows: [{ days: [1], ranges: [{ from: '10:30', to: '11:00' }] }] } });
    const { effects } = run(r, [reading(T0, 39), tick(T0 + 20 * MIN), tick(T0 + 30 * MIN)]);
    expect(effects.map((e) => (e.at - T0) / MIN)).toEqual([30]);
    // Another metric's state as a guard.
    const g = rule({}, { only: { metric: { select: { devices: ['w-01'] }, metric: 'rainMm', op: '<', value: 1 } } });
    const c = (rain: number) => ctx(['gh-01'], { guardDevices: ['w-01'], latest: () => rain });
    expect(run(g, [reading(T0, 39)], c(5)).effects).toEqual([]);
    expect(run(g, [reading(T0, 39)], c(0)).effects).toHaveLength(1);
  });

  test('a pending that began before a restart fires at since + for, and a past deadline at the first reading', () => {
    const r = rule({ forS: 600 });
    const before = run(r, [reading(T0, 39), reading(T0 + 4 * MIN, 39)]).state;
    // The state as the store reloads it: the same since.
    const saved = JSON.parse(JSON.stringify(before)) as RuleState;
    expect(nextDeadline(r, saved, place, ['gh-01'])).toBe(T0 + 10 * MIN);
    expect(run(r, [tick(T0 + 9 * MIN), tick(T0 + 10 * MIN)], ctx(), saved).effects.map((e) => (e.at - T0) / MIN)).toEqual([10]);
    expect(run(r, [reading(T0 + 25 * MIN, 39)], ctx(), saved).effects.map((e) => (e.at - T0) / MIN)).toEqual([25]);
    expect(run(r, [reading(T0 + 25 * MIN, 30)], ctx(), saved).effects).toEqual([]);
  });
});

describe('event and time rules', () => {
  const offline = (at: number, deviceId = 'spk-01'): Input => ({ kind: 'event', event: 'offline', deviceId, at });
  const online = (at: number, deviceId = 'spk-01'): Input => ({ kind: 'event', event: 'online', deviceId, at });

  test('device-offline for N minutes; online before that starts nothing', () => {
    const r = rule({ kind: 'event', event: 'device-offline', forMin: 60 });
    const c = ctx(['spk-01'], { selected: false });
    const { effects } = run(r, [offline(T0), online(T0 + 30 * MIN), offline(T0 + 40 * MIN), tick(T0 + 99 * MIN), tick(T0 + 100 * MIN), online(T0 + 120 * MIN)], c);
    expect(effects.map((e) => [e.kind, (e.at - T0) / MIN])).toEqual([
      ['fire', 100],
      ['clear', 120],
    ]);
  });

  test('the grace period: offline during it starts nothing', () => {
    const r = rule({ kind: 'event', event: 'device-offline', forMin: 0 });
    const c = ctx(['spk-01'], { selected: false, graceUntil: T0 + 2 * MIN });
    expect(run(r, [offline(T0 + MIN)], c).effects).toEqual([]);
    expect(run(r, [offline(T0 + 3 * MIN)], c).effects).toHaveLength(1);
  });

  test('command-failed fires per failure, limited to the selection', () => {
    const r = rule({ kind: 'event', event: 'command-failed', select: { devices: ['valve-01'] } });
    const c = ctx(['valve-01']);
    const ev = (d: string, at: number): Input => ({ kind: 'event', event: 'command-failed', deviceId: d, subject: 'c1', at });
    expect(run(r, [ev('valve-01', T0), ev('light-01', T0 + MIN), ev('valve-01', T0 + 2 * MIN)], c).effects).toHaveLength(2);
  });

  test('time: fixed HH:MM in the site zone, on the given days; the first tick only starts the count', () => {
    const r = rule({ kind: 'time', at: '10:30', days: [1] });
    const c = ctx([]);
    const { effects } = run(r, [tick(T0), tick(T0 + 29 * MIN), tick(T0 + 31 * MIN), tick(T0 + 24 * 60 * MIN + 31 * MIN)], c);
    // Monday 10:30 fires; Tuesday is not in days.
    expect(effects.map((e) => (e.at - T0) / MIN)).toEqual([31]);
    const sun = rule({ kind: 'time', astro: 'sunset', offsetMin: -30 });
    const s = run(sun, [tick(T0), tick(T0 + 12 * 60 * MIN)], c);
    expect(s.effects).toHaveLength(1);
  });
});

test('render fills {value}, {device} and {rule}', () => {
  expect(render('{rule}: {device} at {value} °C', { rule: 'Nóng', device: 'gh-01', value: 38.456 })).toBe('Nóng: gh-01 at 38.46 °C');
});

describe('replay over history', () => {
  test('readings with their timestamps as the clock give the hand-computed firings', () => {
    const r = rule({ forS: 600, clear: { value: 36, forS: 300 } });
    // 39 °C from 10:00 (pending), still at 10:12 → fired at 10:10 by the deadline tick, not at 10:12;
    // 35 at 10:20 and 10:26 → cleared at 10:25; 39 again from 11:00 with no reading after → fired 11:10.
    const temps: [number, number][] = [[0, 39], [5, 39], [12, 39], [20, 35], [26, 35], [60, 39]];
    const out = replay(r, temps.map(([m, v]) => reading(T0 + m * MIN, v)), ctx(), { from: T0, to: T0 + 120 * MIN });
    expect(out.fired.map((f) => (f.at - T0) / MIN)).toEqual([10, 70]);
    expect(out.cleared.map((c) => (c.at - T0) / MIN)).toEqual([25]);
    // A sensor silent from 10:05 is stale at 10:35.
    const stale = replay(rule({ op: 'stale', staleMin: 30, value: undefined }), [reading(T0 + 5 * MIN, 30)], ctx(), { from: T0, to: T0 + 60 * MIN });
    expect(stale.fired.map((f) => (f.at - T0) / MIN)).toEqual([35]);
  });
});
