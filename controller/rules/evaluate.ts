// The pure evaluator: (rule, state, input, now) → (new state, effects, trace). Per rule and target
// (a device, or '*' for an aggregate) a state machine
//   idle → pending(since) → active(since, lastFired, repeats) → clearing(since) → idle
// with `for` (pending holds until forS), hysteresis (the clear condition with its own forS; without
// one, the negation of `when`), stale (no reading for N min, seen on a tick), any/all/avg,
// cooldown, repeatEvery/maxRepeats and escalation. No I/O and no clock of its own: the input's `at`
// is the time, so the same code runs live, after a restart, and over history (replay).
import { dayTimeInstant, localDate, localParts, zoneFormatter } from '../../devices/local-time.js';
import type { MetricGuard, MetricWhen, Rule, RuleState, TargetState } from './schema.js';

export type Input =
  | { kind: 'reading'; deviceId: string; values: Record<string, unknown>; at: number }
  | { kind: 'tick'; at: number }
  | {
      kind: 'event';
      event: 'offline' | 'online' | 'command-failed' | 'alert-raised' | 'bulletin-failed';
      /** The device it is about, when there is one. */
      deviceId?: string;
      /** What else names it (a bulletin id, an alert key), as the target when there is no device. */
      subject?: string;
      at: number;
    };

export interface EvalContext {
  /** The devices the rule's selection picks (resolved from the site by the caller). */
  devices: readonly string[];
  /** The same as a set, for large selections (the engine builds it once per rule). */
  deviceSet?: ReadonlySet<string>;
  /** Whether the rule's `when` had a selection (an event rule without one takes any device). */
  selected: boolean;
  place: { lat: number; lon: number; tz: string };
  /** The devices `only.metric` picks, and the latest value of a metric, for that guard. */
  guardDevices?: readonly string[];
  latest?(deviceId: string, metric: string): number | undefined;
  /** Whether the alert a target raised is acknowledged (escalation waits for it not to be). */
  acknowledged?(target: string): boolean;
  /** Offline events before this instant start nothing: devices reconnecting after a restart. */
  graceUntil?: number;
}

export type Effect =
  | { kind: 'fire'; target: string; device?: string; value?: number; repeat: number; why: string }
  | { kind: 'clear'; target: string; device?: string; value?: number; why: string }
  | { kind: 'escalate'; target: string; device?: string; value?: number };

export interface TraceEntry {
  at: number;
  input: Input['kind'];
  target?: string;
  phase: TargetState['phase'];
  why: string;
  value?: number;
  fired?: boolean;
}

export interface StepResult {
  state: RuleState;
  effects: Effect[];
  trace: TraceEntry[];
}

export function initialState(at: number): RuleState {
  return { startedAt: at, targets: {}, seen: {} };
}

const IDLE: TargetState = { phase: 'idle' };
const AGG = '*';

type Bounds = { value?: number | undefined; min?: number | undefined; max?: number | undefined };

function passes(op: string, v: number, b: Bounds): boolean {
  switch (op) {
    case '>':
      return v > b.value!;
    case '<':
      return v < b.value!;
    case 'between':
      return v >= b.min! && v <= b.max!;
    case 'outside':
      return v < b.min! || v > b.max!;
  }
  return false;
}

/** The clear condition for one value: the `clear` band when it has one, else not `when`. */
function clears(w: MetricWhen, v: number): boolean {
  const c = w.clear;
  const hasBand = c && (c.value !== undefined || c.min !== undefined);
  if (!hasBand) return !passes(w.op, v, w);
  switch (w.op) {
    case '>':
      return v < c.value!;
    case '<':
      return v > c.value!;
    case 'between':
      return v < c.min! || v > c.max!;
    case 'outside':
      return v >= c.min! && v <= c.max!;
  }
  return false;
}

function describe(w: MetricWhen): string {
  if (w.op === '>' || w.op === '<') return `${w.op} ${w.value}`;
  if (w.op === 'stale') return `stale ${w.staleMin} min`;
  if (w.op === 'changed') return 'changed';
  return `${w.op} ${w.min}..${w.max}`;
}

/** Mutable working copy of a state for one step; the caller's object is never changed. */
class Work {
  readonly s: RuleState;
  readonly effects: Effect[] = [];
  readonly trace: TraceEntry[] = [];
  constructor(
    readonly rule: Rule,
    prev: RuleState,
    readonly input: Input,
    readonly ctx: EvalContext,
  ) {
    this.s = { ...prev };
  }

  // Copy on write: most evaluations change one entry or none, and a selection may be large.
  /** Whether anything in the state changed (an unchanged state is returned as it came). */
  changed = false;
  private ownTargets = false;
  private ownSeen = false;

  setTarget(target: string, t: TargetState | undefined): void {
    this.changed = true;
    if (!this.ownTargets) {
      this.s.targets = { ...this.s.targets };
      this.ownTargets = true;
    }
    if (t) this.s.targets[target] = t;
    else delete this.s.targets[target];
  }

  setSeen(deviceId: string, v: number | undefined, at: number): void {
    this.changed = true;
    if (!this.ownSeen) {
      this.s.seen = { ...this.s.seen };
      this.ownSeen = true;
    }
    this.s.seen[deviceId] = v !== undefined ? { v, at } : { at };
  }

  get at(): number {
    return this.input.at;
  }

  note(target: string | undefined, phase: TargetState['phase'], why: string, value?: number, fired?: boolean): void {
    const e: TraceEntry = { at: this.at, input: this.input.kind, phase, why };
    if (target !== undefined) e.target = target;
    if (value !== undefined) e.value = value;
    if (fired) e.fired = true;
    this.trace.push(e);
  }

  /** Why the rule's guards stop it acting now, or undefined when they let it. */
  blocked(): string | undefined {
    const only = this.rule.only;
    if (!only) return undefined;
    if (only.windows?.length) {
      const tz = this.ctx.place.tz;
      const fmt = zoneFormatter(tz);
      const p = localParts(new Date(this.at), tz, fmt);
      const iso = ((new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7) + 1;
      const hm = p.hour * 60 + p.minute;
      const mins = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
      const inside = only.windows.some(
        (w) =>
          (!w.days || w.days.includes(iso)) &&
          w.ranges.some((r) => {
            const f = mins(r.from);
            const t = mins(r.to);
            return f <= t ? hm >= f && hm < t : hm >= f || hm < t;
          }),
      );
      if (!inside) return 'outside the time windows';
    }
    if (only.metric && !guardHolds(only.metric, this.ctx)) return `guard ${only.metric.metric} not met`;
    return undefined;
  }

  /** Idle or pending whose `for` is over: fire (or not, and say why). */
  activate(target: string, since: number, value: number | undefined, device: string | undefined, why: string): void {
    const block = this.blocked();
    if (block) {
      // Held as pending: it fires when the guard opens while the condition still holds.
      this.setTarget(target, { phase: 'pending', since });
      return this.note(target, 'pending', `${why}; not fired: ${block}`, value);
    }
    const cd = this.rule.cooldownS;
    if (cd && this.s.lastFiredAt !== undefined && this.at < this.s.lastFiredAt + cd * 1000) {
      this.setTarget(target, { phase: 'active', since: this.at, repeats: 0, escalated: false });
      return this.note(target, 'active', `${why}; not fired: cooldown until ${new Date(this.s.lastFiredAt + cd * 1000).toISOString()}`, value);
    }
    this.setTarget(target, { phase: 'active', since: this.at, lastFired: this.at, repeats: 0, escalated: false });
    this.s.lastFiredAt = this.at;
    this.changed = true;
    this.effects.push({ kind: 'fire', target, ...(device && { device }), ...(value !== undefined && { value }), repeat: 0, why });
    this.note(target, 'active', why, value, true);
  }

  /** An event that is over as it happens (a failed command, a time): fire, stay idle. */
  instant(target: string, device: string | undefined, why: string, value?: number): void {
    const block = this.blocked();
    if (block) return this.note(target, 'idle', `${why}; not fired: ${block}`);
    const cd = this.rule.cooldownS;
    if (cd && this.s.lastFiredAt !== undefined && this.at < this.s.lastFiredAt + cd * 1000) return this.note(target, 'idle', `${why}; not fired: cooldown`);
    this.s.lastFiredAt = this.at;
    this.changed = true;
    this.effects.push({ kind: 'fire', target, ...(device && { device }), ...(value !== undefined && { value }), repeat: 0, why });
    this.note(target, 'idle', why, value, true);
  }

  /**
   * One evaluation of a target: `cond` whether `when` holds (undefined: nothing known), `clr`
   * whether the clear condition holds, `forMs` the pending time, `quiet` no trace unless it moves.
   */
  machine(target: string, o: { cond: boolean | undefined; clr: boolean; forMs: number; clearForMs: number; value?: number; device?: string; what: string; quiet?: boolean }): void {
    const cur = this.s.targets[target] ?? IDLE;
    const { at } = this;
    const p = o.what + ': ';
    if (o.cond === undefined && cur.phase === 'idle') return;
    switch (cur.phase) {
      case 'idle':
        if (!o.cond) return o.quiet ? undefined : this.note(target, 'idle', (p + 'condition not met'), o.value);
        if (o.forMs <= 0) return this.activate(target, at, o.value, o.device, (p + 'condition met'));
        this.setTarget(target, { phase: 'pending', since: at });
        return this.note(target, 'pending', (p + `condition met; pending for ${o.forMs / 1000} s`), o.value);
      case 'pending':
        if (o.cond === false) {
          this.setTarget(target, undefined);
          return this.note(target, 'idle', (p + `condition ended after ${Math.round((at - cur.since) / 1000)} s of ${o.forMs / 1000} s`), o.value);
        }
        if (at >= cur.since + o.forMs) return this.activate(target, cur.since, o.value, o.device, (p + `held ${Math.round((at - cur.since) / 1000)} s`));
        return o.quiet ? undefined : this.note(target, 'pending', (p + `held ${Math.round((at - cur.since) / 1000)} of ${o.forMs / 1000} s`), o.value);
      case 'active':
        if (o.clr) {
          if (o.clearForMs <= 0) return this.end(target, o.device, (p + 'cleared'), o.value);
          this.setTarget(target, { phase: 'clearing', since: at, activeSince: cur.since, repeats: cur.repeats, escalated: cur.escalated, ...(cur.lastFired !== undefined && { lastFired: cur.lastFired }) });
          return this.note(target, 'clearing', (p + `clearing for ${o.clearForMs / 1000} s`), o.value);
        }
        this.repeatOrEscalate(target, cur, o.value, o.device);
        return o.quiet ? undefined : this.note(target, 'active', (p + 'still active'), o.value);
      case 'clearing':
        if (!o.clr && o.cond !== undefined) {
          this.setTarget(target, { phase: 'active', since: cur.activeSince, repeats: cur.repeats, escalated: cur.escalated, ...(cur.lastFired !== undefined && { lastFired: cur.lastFired }) });
          return this.note(target, 'active', (p + 'clear condition ended; active again'), o.value);
        }
        if (at >= cur.since + o.clearForMs) return this.end(target, o.device, (p + `cleared after ${Math.round((at - cur.since) / 1000)} s`), o.value);
        return o.quiet ? undefined : this.note(target, 'clearing', (p + `clearing ${Math.round((at - cur.since) / 1000)} of ${o.clearForMs / 1000} s`), o.value);
    }
  }

  end(target: string, device: string | undefined, why: string, value?: number): void {
    this.setTarget(target, undefined);
    this.effects.push({ kind: 'clear', target, ...(device && { device }), ...(value !== undefined && { value }), why });
    this.note(target, 'idle', why, value);
  }

  repeatOrEscalate(target: string, cur: Extract<TargetState, { phase: 'active' }>, value: number | undefined, device: string | undefined): void {
    const r = this.rule;
    const { at } = this;
    if (r.escalate && !cur.escalated && cur.lastFired !== undefined && at >= cur.since + r.escalate.afterMin * 60_000 && !this.ctx.acknowledged?.(target)) {
      this.setTarget(target, (cur = { ...cur, escalated: true }));
      this.effects.push({ kind: 'escalate', target, ...(device && { device }), ...(value !== undefined && { value }) });
      this.note(target, 'active', `unacknowledged for ${r.escalate.afterMin} min: escalated to ${r.escalate.severity}`, value);
    }
    if (!r.repeatEveryS || cur.lastFired === undefined || at < cur.lastFired + r.repeatEveryS * 1000) return;
    if (cur.repeats >= (r.maxRepeats ?? Infinity)) return;
    const block = this.blocked();
    if (block) return;
    this.setTarget(target, { ...cur, lastFired: at, repeats: cur.repeats + 1 });
    this.s.lastFiredAt = at;
    this.changed = true;
    this.effects.push({ kind: 'fire', target, ...(device && { device }), ...(value !== undefined && { value }), repeat: cur.repeats + 1, why: `repeat ${cur.repeats + 1}` });
    this.note(target, 'active', `repeat ${cur.repeats + 1}`, value, true);
  }
}

function guardHolds(g: MetricGuard, ctx: EvalContext): boolean {
  const values = (ctx.guardDevices ?? []).map((d) => ctx.latest?.(d, g.metric)).filter((v): v is number => typeof v === 'number');
  if (values.length === 0) return false;
  if (g.aggregate === 'avg') return passes(g.op, values.reduce((a, b) => a + b, 0) / values.length, g);
  if (g.aggregate === 'all') return values.length === (ctx.guardDevices ?? []).length && values.every((v) => passes(g.op, v, g));
  return values.some((v) => passes(g.op, v, g));
}

// ---- metric rules ---------------------------------------------------------------------------------

function metricTarget(w: Work, wh: MetricWhen, target: string, quiet: boolean): void {
  const { s, ctx } = w;
  const forMs = wh.forS * 1000;
  const clearForMs = (wh.clear?.forS ?? 0) * 1000;
  const what = `${wh.metric} ${describe(wh)}`;
  if (wh.op === 'stale') {
    const staleMs = wh.staleMin! * 60_000;
    const isStale = (d: string) => w.at - (s.seen[d]?.at ?? s.startedAt) >= staleMs;
    const cond = target === AGG ? ctx.devices.every(isStale) : isStale(target);
    return w.machine(target, { cond, clr: !cond, forMs: 0, clearForMs: 0, what, quiet, ...(target !== AGG && { device: target }) });
  }
  if (target !== AGG) {
    const v = s.seen[target]?.v;
    if (v === undefined) return;
    return w.machine(target, { cond: passes(wh.op, v, wh), clr: clears(wh, v), forMs, clearForMs, value: v, device: target, what, quiet });
  }
  const known: number[] = [];
  for (const d of ctx.devices) {
    const v = s.seen[d]?.v;
    if (v !== undefined) known.push(v);
  }
  if (known.length === 0) return w.machine(target, { cond: undefined, clr: false, forMs, clearForMs, what, quiet });
  if (wh.aggregate === 'avg') {
    let sum = 0;
    for (const v of known) sum += v;
    const avg = sum / known.length;
    return w.machine(target, { cond: passes(wh.op, avg, wh), clr: clears(wh, avg), forMs, clearForMs, value: avg, what: `avg ${what}`, quiet });
  }
  // all: every selected device reports and meets it; it clears when any one meets the clear condition.
  let all = known.length === ctx.devices.length;
  let anyClear = false;
  for (const v of known) {
    if (!passes(wh.op, v, wh)) all = false;
    if (clears(wh, v)) anyClear = true;
  }
  return w.machine(target, { cond: all, clr: anyClear, forMs, clearForMs, what: `all ${what}`, quiet });
}

function stepMetric(w: Work, wh: MetricWhen): void {
  const { input, s, ctx } = w;
  if (input.kind === 'reading') {
    if (!(ctx.deviceSet?.has(input.deviceId) ?? ctx.devices.includes(input.deviceId))) return;
    const raw = input.values[wh.metric];
    if (raw === undefined) return;
    const v = typeof raw === 'number' ? raw : undefined;
    const prev = s.seen[input.deviceId];
    w.setSeen(input.deviceId, v, input.at);
    if (wh.op === 'changed') {
      if (prev && prev.v !== v) w.instant(input.deviceId, input.deviceId, `${wh.metric} changed from ${prev.v} to ${v}`, v);
      return;
    }
    if (v === undefined && wh.op !== 'stale') return;
    return metricTarget(w, wh, wh.aggregate === 'any' ? input.deviceId : AGG, false);
  }
  if (input.kind !== 'tick') return;
  if (wh.op === 'stale') {
    if (wh.aggregate === 'any') for (const d of ctx.devices) metricTarget(w, wh, d, true);
    else metricTarget(w, wh, AGG, true);
    return;
  }
  // A tick moves only what is under way: pending deadlines, clearing, repeats, escalation.
  for (const target of Object.keys(s.targets)) metricTarget(w, wh, target, true);
}

// ---- event and time rules ---------------------------------------------------------------------------

function stepEvent(w: Work, rule: Rule): void {
  const wh = rule.when as Extract<Rule['when'], { kind: 'event' }>;
  const { input, ctx, s } = w;
  const inSelection = (d: string | undefined) => (d ? !ctx.selected || ctx.devices.includes(d) : !ctx.selected);
  if (wh.event === 'device-offline') {
    const forMs = wh.forMin * 60_000;
    const what = `offline${wh.forMin ? ` ${wh.forMin} min` : ''}`;
    if (input.kind === 'tick') {
      for (const target of Object.keys(s.targets)) w.machine(target, { cond: true, clr: false, forMs, clearForMs: 0, device: target, what, quiet: true });
      return;
    }
    if (input.kind !== 'event' || !input.deviceId || !inSelection(input.deviceId)) return;
    if (input.event === 'offline') {
      if (ctx.graceUntil !== undefined && input.at < ctx.graceUntil && !s.targets[input.deviceId]) {
        return w.note(input.deviceId, 'idle', `offline during the start-up grace period: ignored`);
      }
      return w.machine(input.deviceId, { cond: true, clr: false, forMs, clearForMs: 0, device: input.deviceId, what });
    }
    if (input.event === 'online') return w.machine(input.deviceId, { cond: false, clr: true, forMs, clearForMs: 0, device: input.deviceId, what, quiet: !s.targets[input.deviceId] });
    return;
  }
  if (input.kind !== 'event') return;
  const want = { 'command-failed': 'command-failed', 'alert-raised': 'alert-raised', 'bulletin-failed': 'bulletin-failed' }[wh.event];
  if (input.event !== want || !inSelection(input.deviceId)) return;
  w.instant(input.deviceId ?? input.subject ?? wh.event, input.deviceId, `${wh.event}${input.subject ? ` ${input.subject}` : ''}`);
}

/** Instants of a time rule in (fromMs, toMs], oldest first. */
export function timeInstants(wh: Extract<Rule['when'], { kind: 'time' }>, fromMs: number, toMs: number, place: EvalContext['place']): number[] {
  const fmt = zoneFormatter(place.tz);
  const out: number[] = [];
  const days = Math.ceil((toMs - fromMs) / 86_400_000) + 2;
  const t = wh.at ? { at: wh.at } : { astro: wh.astro!, offsetMin: wh.offsetMin };
  for (let i = -1; i < days; i++) {
    const date = localDate(new Date(fromMs), place.tz, i, fmt);
    const iso = ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;
    if (wh.days && !wh.days.includes(iso)) continue;
    const at = dayTimeInstant(t, date, place.lat, place.lon, place.tz, fmt)?.getTime();
    if (at !== undefined && at > fromMs && at <= toMs) out.push(at);
  }
  return out.sort((a, b) => a - b);
}

function stepTime(w: Work, rule: Rule): void {
  const wh = rule.when as Extract<Rule['when'], { kind: 'time' }>;
  const { input, s, ctx } = w;
  if (input.kind !== 'tick') return;
  // The first tick only starts the count; after a long gap a missed time fires once, not per day.
  const from = Math.max(s.checkedTo ?? input.at, input.at - 86_400_000);
  s.checkedTo = input.at;
  w.changed = true;
  const due = timeInstants(wh, from, input.at, ctx.place);
  if (due.length) w.instant('time', undefined, `time ${wh.at ?? `${wh.astro}${wh.offsetMin ? ` ${wh.offsetMin > 0 ? '+' : ''}${wh.offsetMin} min` : ''}`} (${new Date(due.at(-1)!).toISOString()})`);
}

/** One evaluation. The caller's state is not changed; an absent state starts at the input's time. */
export function step(rule: Rule, state: RuleState | undefined, input: Input, ctx: EvalContext): StepResult {
  const prev = state ?? initialState(input.at);
  const w = new Work(rule, prev, input, ctx);
  if (rule.when.kind === 'metric') stepMetric(w, rule.when);
  else if (rule.when.kind === 'event') stepEvent(w, rule);
  else stepTime(w, rule);
  // A new state when something changed, and a state the caller had not (a first evaluation).
  return { state: w.changed || !state ? w.s : state, effects: w.effects, trace: w.trace };
}

/** Whether an input can concern the rule at all (the engine's index; ticks always can). */
export function concerns(rule: Rule, input: Input, ctx: EvalContext): boolean {
  if (input.kind === 'tick') return true;
  if (input.kind === 'reading') return rule.when.kind === 'metric' && ctx.devices.includes(input.deviceId);
  return rule.when.kind === 'event';
}

/** The earliest instant at which a tick would change something: a timer is armed for it. */
export function nextDeadline(rule: Rule, s: RuleState, place: EvalContext['place'], devices: readonly string[]): number | undefined {
  const out: number[] = [];
  const w = rule.when;
  for (const t of Object.values(s.targets)) {
    if (t.phase === 'pending') {
      if (w.kind === 'metric') out.push(t.since + w.forS * 1000);
      if (w.kind === 'event') out.push(t.since + w.forMin * 60_000);
    }
    if (t.phase === 'clearing' && w.kind === 'metric') out.push(t.since + (w.clear?.forS ?? 0) * 1000);
    if (t.phase === 'active' && t.lastFired !== undefined) {
      if (rule.repeatEveryS && t.repeats < (rule.maxRepeats ?? Infinity)) out.push(t.lastFired + rule.repeatEveryS * 1000);
      if (rule.escalate && !t.escalated) out.push(t.since + rule.escalate.afterMin * 60_000);
    }
  }
  if (w.kind === 'metric' && w.op === 'stale') {
    for (const d of devices) if (s.targets[d]?.phase !== 'active') out.push((s.seen[d]?.at ?? s.startedAt) + w.staleMin! * 60_000);
  }
  if (w.kind === 'time' && s.checkedTo !== undefined) {
    const next = timeInstants(w, s.checkedTo, s.checkedTo + 8 * 86_400_000, place)[0];
    if (next !== undefined) out.push(next);
  }
  return out.length ? Math.min(...out) : undefined;
}

/** Renders a message template: {value}, {device}, {rule}. */
export function render(template: string, v: { value?: number | undefined; device?: string | undefined; rule: string }): string {
  return template.replace(/\{(value|device|rule)\}/g, (_, k: 'value' | 'device' | 'rule') => {
    const x = v[k];
    if (x === undefined) return '';
    return typeof x === 'number' ? String(Math.round(x * 100) / 100) : x;
  });
}

export interface Replayed {
  fired: { at: number; target: string; value?: number; repeat: number }[];
  cleared: { at: number; target: string }[];
  state: RuleState;
}

/**
 * The rule over history, without side effects: readings and events in time order, with a tick at
 * each deadline between them and up to `to`, so a `for` or a stale check ends exactly when it would
 * have live. What a "test this rule" call answers from.
 */
export function replay(
  rule: Rule,
  inputs: readonly Exclude<Input, { kind: 'tick' }>[],
  ctx: EvalContext,
  o: { from: number; to: number; /** Told each input's time before it is evaluated (a guard's "latest" then). */ at?: (ms: number) => void },
): Replayed {
  let state = initialState(o.from);
  const out: Replayed = { fired: [], cleared: [], state };
  const apply = (i: Input) => {
    o.at?.(i.at);
    const r = step(rule, state, i, ctx);
    state = r.state;
    for (const e of r.effects) {
      if (e.kind === 'fire') out.fired.push({ at: i.at, target: e.target, repeat: e.repeat, ...(e.value !== undefined && { value: e.value }) });
      if (e.kind === 'clear') out.cleared.push({ at: i.at, target: e.target });
    }
  };
  const ticksUntil = (until: number) => {
    // A time rule's first tick starts its count.
    if (rule.when.kind === 'time' && state.checkedTo === undefined) apply({ kind: 'tick', at: o.from });
    for (let n = 0; n < 100_000; n++) {
      const d = nextDeadline(rule, state, ctx.place, ctx.devices);
      if (d === undefined || d > until) return;
      apply({ kind: 'tick', at: Math.max(d, o.from) });
    }
  };
  for (const i of [...inputs].sort((a, b) => a.at - b.at)) {
    if (i.at < o.from || i.at > o.to) continue;
    ticksUntil(i.at);
    apply(i);
  }
  ticksUntil(o.to);
  out.state = state;
  return out;
}
