// The rule engine: hears the bus (readings, availability, settled commands, alerts, bulletins),
// runs the pure evaluator for the rules each input concerns, keeps their states in the store, arms
// a timer per deadline (a `for` that began before a restart ends at since + for), and acts through
// the existing services as the rule's owner, checked against the policy when saved and again when
// acting. Each rule keeps its last evaluations as a trace.
import type { Logger } from 'pino';
import { authorize, type Action as PolicyAction, type Actor, type Decision, type Resource } from '../auth/policy.js';
import type { Bus, BusEvents } from '../bus.js';
import type { CommandService } from '../commands/commands.js';
import type { SiteConfig, SiteStore } from '../config/site.js';
import { DomainError, issuesOf, type Issue } from '../errors.js';
import type { Irrigation } from '../irrigation/irrigation.js';
import type { Lighting } from '../lighting/lighting.js';
import type { LiveState } from '../state/live-state.js';
import { nextDeadline, render, replay, step, type Effect, type EvalContext, type Input, type TraceEntry } from './evaluate.js';
import type { HistoryInputs } from './history.js';
import { checkRule, Rule, selectDevices, type Action, type RuleInput, type RuleState } from './schema.js';
import { RuleStore } from './store.js';
import { deliver } from './webhook.js';
import { actionNeeds, isServiceAction, performServiceAction, runnerNeeds } from './actions.js';
import type { Radio } from '../radio/radio.js';
import type { Scenes } from '../scenes/scenes.js';

export interface RuleEngineOptions {
  site: SiteStore;
  bus: Bus;
  live: LiveState;
  commands: CommandService;
  irrigation: Pick<Irrigation, 'setRainDelay' | 'pause' | 'resume' | 'runNow'>;
  lighting: Pick<Lighting, 'override' | 'overrides'>;
  /** For bulletin actions (an emergency as the owner, or a draft submitted for approval). */
  radio?: Pick<Radio, 'sendEmergency' | 'draft' | 'submit'>;
  /** For scene actions: the scene's own actions are checked as the owner too. */
  scenes?: Pick<Scenes, 'get' | 'run' | 'refusal'>;
  /** The user a rule acts as, by login; undefined when gone or disabled (the rule then does nothing). */
  actorOf: (login: string) => Actor | undefined;
  /** Whether a bulletin has a failed delivery (for `bulletin-failed`). */
  bulletinFailed?: (bulletinId: string) => boolean;
  /** Whether the alert with this key is acknowledged; nothing is until the alert lifecycle says so. */
  isAcknowledged?: (alertKey: string) => boolean;
  file: string;
  log: Logger;
  now?: () => number;
  /** After start, offline events start no `device-offline` pending for this long (120 s). */
  graceS?: number;
  /** How often every rule is ticked besides its own deadline timer (5 s). */
  tickMs?: number;
  webhook?: { attempts?: number; backoffMs?: number; timeoutMs?: number };
  /** Evaluations kept per rule (50). */
  traceSize?: number;
  /** What a rule would have seen over a past range (controller/rules/history.ts), for `test`. */
  history?: (rule: Rule, from: number, to: number) => Promise<HistoryInputs>;
}

/** What a rule would have done over a past range. */
export interface RuleTest {
  from: number;
  to: number;
  readings: number;
  events: number;
  truncated: boolean;
  /** Each firing (repeats included), with when its target cleared after it, if it did in the range. */
  fired: { at: number; target: string; device?: string; value?: number; repeat: number; clearedAt?: number }[];
  /** Targets still pending or active at the range's end. */
  open: { target: string; phase: 'pending' | 'active' | 'clearing' }[];
}

/** A rule's run under way (for its mode), and the firings waiting behind it (queued). */
interface Run {
  abort: AbortController;
  queue: (Effect & { kind: 'fire' })[];
}

interface Compiled {
  rule: Rule;
  ctx: EvalContext;
  timer?: NodeJS.Timeout;
  /** The deadline the timer is set for: re-armed only when it moves (a reading rarely moves it). */
  armedAt?: number;
  trace: TraceEntry[];
}

export interface RuleView {
  rule: Rule;
  state?: RuleState;
  trace: TraceEntry[];
  nextDeadlineAt?: number;
}

const FAILED = new Set(['rejected', 'timeout', 'expired']);
const MAX_QUEUE = 10;

export class RuleEngine {
  private readonly store: RuleStore;
  private compiled = new Map<string, Compiled>();
  private byDevice = new Map<string, Compiled[]>();
  private eventRules: Compiled[] = [];
  private siteSeen?: SiteConfig;
  private readonly offs: (() => void)[] = [];
  private tickTimer?: NodeJS.Timeout;
  private graceUntil = 0;
  private graceChecked = false;
  private readonly firedBulletins = new Set<string>();
  /** By rule id: a run outlives a recompile of the rules (a save, a site change). */
  private readonly runs = new Map<string, Run>();
  private stopped = false;

  constructor(private readonly o: RuleEngineOptions) {
    this.store = new RuleStore({ file: o.file, log: o.log });
  }

  now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    await this.store.load();
    this.graceUntil = this.now() + (this.o.graceS ?? 120) * 1000;
    this.rebuild();
    const { bus } = this.o;
    this.offs.push(
      // A backlog's older items are history: rules look at the present (its last item), or an hour
      // of readings uploaded after an outage would run `for`s and clear bands in a blink.
      bus.on('reading', (r) => r.backlog || this.input({ kind: 'reading', deviceId: r.deviceId, values: r.values, at: this.now() })),
      bus.on('availability', (a) => this.input({ kind: 'event', event: a.availability, deviceId: a.deviceId, at: this.now() })),
      bus.on('command', (c) => {
        if (FAILED.has(c.status)) this.input({ kind: 'event', event: 'command-failed', deviceId: c.deviceId, subject: c.id, at: this.now() });
      }),
      bus.on('alert', (a) => this.alertRaised(a)),
      bus.on('radio', ({ bulletinId }) => {
        if (this.firedBulletins.has(bulletinId) || !this.o.bulletinFailed?.(bulletinId)) return;
        this.firedBulletins.add(bulletinId);
        this.input({ kind: 'event', event: 'bulletin-failed', subject: bulletinId, at: this.now() });
      }),
    );
    // Deadlines that passed while the plane was down are due now: the first tick evaluates them.
    this.tick();
    this.tickTimer = setInterval(() => this.tick(), this.o.tickMs ?? 5000);
  }

  /** The plane is going down: inputs from then on (devices dropping because of it) are not taken. */
  quiesce(): void {
    this.stopped = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.tickTimer);
    for (const off of this.offs.splice(0)) off();
    for (const c of this.compiled.values()) clearTimeout(c.timer);
    for (const r of this.runs.values()) r.abort.abort();
    await this.store.flush();
  }

  // ---- rules as the API sees them ---------------------------------------------------------------

  /** Rules the actor may see: a farmer only their own. */
  list(actor: Actor): RuleView[] {
    return this.store
      .rules()
      .filter((r) => actor.role !== 'farmer' || r.owner === actor.id)
      .map((r) => this.view(r.id)!);
  }

  view(id: string): RuleView | undefined {
    const rule = this.store.rule(id);
    if (!rule) return undefined;
    const c = this.compiled.get(id);
    const state = this.store.state(id);
    const at = state && c ? nextDeadline(rule, state, c.ctx.place, c.ctx.devices) : undefined;
    return { rule, ...(state && { state }), trace: (c?.trace ?? []).slice(-(this.o.traceSize ?? 50)), ...(at !== undefined && { nextDeadlineAt: at }) };
  }

  /** One the actor may see, or not-found (a farmer is not told another's rule exists). */
  visible(id: string, actor: Actor): RuleView {
    const v = this.view(id);
    if (!v || (actor.role === 'farmer' && v.rule.owner !== actor.id)) throw new DomainError('not-found', `no rule ${id}`, 404);
    return v;
  }

  /** Creates or replaces a rule: validated as a whole, against the site, and for what its owner may touch. */
  async put(input: RuleInput, by: Actor): Promise<RuleView> {
    const parsed = this.parse(input);
    const existing = this.store.rule(parsed.id);
    if (existing) this.mayChange(existing, by);
    if (parsed.owner !== by.id && by.role !== 'admin') throw new DomainError('forbidden', 'only an admin may save a rule for another owner', 403);
    const rule = this.fits(parsed, (r) => r.then.flatMap((a, i) => (a.kind === 'scene' && !this.o.scenes?.get(a.scene) ? [{ path: `then.${i}.scene`, message: `unknown scene ${a.scene}` }] : [])));
    const owner = this.o.actorOf(rule.owner);
    if (!owner) throw new DomainError('invalid', `unknown owner ${rule.owner}`, 400, [{ path: 'owner', message: `no active user ${rule.owner}` }]);
    const d = this.access(rule, owner);
    if (!d.ok) throw new DomainError(d.code, d.reason, 403);
    // A changed condition starts afresh; a changed name or action keeps what is under way.
    const reset = !existing || JSON.stringify(existing.when) !== JSON.stringify(rule.when) || JSON.stringify(existing.only) !== JSON.stringify(rule.only);
    if (existing && reset) this.endAlerts(existing);
    await this.store.put(rule, reset);
    this.rebuild();
    return this.view(rule.id)!;
  }

  /**
   * The rule over a past range, read from InfluxDB and replayed through the same evaluator, without
   * saving it or acting: checked like a save (schema, site, what the caller may watch and do).
   */
  async test(input: RuleInput, by: Actor, from: number, to: number): Promise<RuleTest> {
    const rule = this.fits(this.parse(input));
    const d = this.access(rule, by);
    if (!d.ok) throw new DomainError(d.code, d.reason, 403);
    if (!this.o.history) throw new DomainError('unavailable', 'no history to test against', 503);
    const h = await this.o.history(rule, from, to);
    const site = this.o.site.config;
    // The guard's "latest" is the latest reading at the time being replayed.
    let now = from;
    let gi = 0;
    const latest = new Map<string, number>();
    const ctx = this.context(rule, (id, m) => {
      for (; gi < h.guard.length && h.guard[gi]!.at <= now; gi++) latest.set(`${h.guard[gi]!.deviceId}|${h.guard[gi]!.metric}`, h.guard[gi]!.value);
      return latest.get(`${id}|${m}`);
    });
    const r = replay(rule, h.inputs, ctx, { from, to, at: (ms) => (now = ms) });
    const device = (target: string) => (site.devices.some((x) => x.id === target) ? { device: target } : {});
    const fired = r.fired.map((f) => {
      const clear = r.cleared.find((c) => c.target === f.target && c.at >= f.at);
      return { ...f, ...device(f.target), ...(clear && { clearedAt: clear.at }) };
    });
    const open = Object.entries(r.state.targets)
      .filter((e): e is [string, typeof e[1] & { phase: 'pending' | 'active' | 'clearing' }] => e[1].phase !== 'idle')
      .map(([target, t]) => ({ target, phase: t.phase }));
    return { from, to, readings: h.readings, events: h.events, truncated: h.truncated, fired, open };
  }

  /** A rule as given, checked whole (the schema): 400 with the issues otherwise. */
  private parse(input: RuleInput): Rule {
    const parsed = Rule.safeParse(input);
    if (!parsed.success) throw new DomainError('invalid', 'invalid rule', 400, issuesOf(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)));
    return parsed.data;
  }

  /** The rule if it fits the site (and `more`'s checks): 400 with every issue otherwise. */
  private fits(rule: Rule, more: (r: Rule) => Issue[] = () => []): Rule {
    const issues = [...checkRule(rule, this.o.site.config), ...more(rule)];
    if (issues.length) throw new DomainError('invalid', 'the rule does not fit this site', 400, issues);
    return rule;
  }

  /** What the evaluator needs of the site for a rule, live or in a replay: its devices, the guard's, the place. */
  private context(rule: Rule, latest: NonNullable<EvalContext['latest']>): EvalContext {
    const site = this.o.site.config;
    const sel = rule.when.kind === 'time' ? undefined : rule.when.select;
    const devices = rule.when.kind === 'time' ? [] : selectDevices(site, sel).map((d) => d.id);
    const guard = rule.only?.metric;
    return {
      devices,
      deviceSet: new Set(devices),
      selected: !!sel,
      place: { lat: site.site.lat, lon: site.site.lon, tz: site.site.tz },
      ...(guard && { guardDevices: selectDevices(site, guard.select).map((d) => d.id), latest }),
    };
  }

  async remove(id: string, by: Actor): Promise<void> {
    const r = this.visible(id, by).rule;
    this.mayChange(r, by);
    this.endAlerts(r);
    await this.store.remove(id);
    this.rebuild();
  }

  async setEnabled(id: string, enabled: boolean, by: Actor): Promise<RuleView> {
    const r = this.visible(id, by).rule;
    this.mayChange(r, by);
    // Disabled, a rule forgets what was under way: enabling it starts from now.
    if (!enabled) this.endAlerts(r);
    await this.store.put({ ...r, enabled }, true);
    this.rebuild();
    return this.view(id)!;
  }

  /** The alerts a rule's active targets raised end with the state that raised them. */
  private endAlerts(r: Rule): void {
    const alert = r.then.find((a): a is Extract<Action, { kind: 'alert' }> => a.kind === 'alert');
    const s = this.store.state(r.id);
    if (!alert || !s) return;
    for (const [target, t] of Object.entries(s.targets)) {
      if (t.phase === 'active' || t.phase === 'clearing') this.emitAlert(r, target, alert.severity, alert.message, target === '*' || target === 'time' ? undefined : this.o.site.device(target)?.id, undefined, false);
    }
  }

  private mayChange(r: Rule, by: Actor): void {
    if (by.role === 'farmer' && r.owner !== by.id) throw new DomainError('not-found', `no rule ${r.id}`, 404);
  }

  /**
   * Whether the owner may have this rule: read what it watches and take each action, in the zones
   * involved. The same check runs before every action.
   */
  access(rule: Rule, owner: Actor): (Decision & { ok: true }) | { ok: false; reason: string; code: 'forbidden' | 'zone-out-of-scope' } {
    const site = this.o.site.config;
    const check = (action: PolicyAction, res?: Resource) => authorize(owner, action, res);
    const first = (ds: Decision[]) => ds.find((d) => !d.ok) as { ok: false; reason: string } | undefined;
    const watched = [rule.when.kind === 'metric' || rule.when.kind === 'event' ? rule.when.select : undefined, rule.only?.metric?.select];
    const ds: Decision[] = [check('rules.manage')];
    for (const [i, sel] of watched.entries()) {
      if (i === 0 && rule.when.kind === 'time') continue;
      if (!sel && i === 1) continue;
      // An unselected event rule watches every device: for a farmer, that is outside their zones.
      for (const d of selectDevices(site, sel)) ds.push(check('devices.read', { zone: d.zone ?? null }));
    }
    for (const a of rule.then) ds.push(...this.actionChecks(a, check));
    const bad = first(ds);
    if (!bad) return { ok: true };
    return { ok: false, reason: bad.reason, code: /zone/.test(bad.reason) ? 'zone-out-of-scope' : 'forbidden' };
  }

  private actionChecks(a: Action, check: (action: PolicyAction, res?: Resource) => Decision): Decision[] {
    const ds = actionNeeds(a, this.o.site).map(([x, r]) => check(x, r));
    if (a.kind === 'scene') {
      // What running the scene by hand would need of the owner: a rule reaches no further.
      const scene = this.o.scenes?.get(a.scene);
      if (!scene) return [...ds, { ok: false, reason: `no scene ${a.scene}` }];
      for (const x of runnerNeeds(scene.actions, this.o.site)) ds.push(...x.needs.map(([p, r]) => check(p, r)));
    }
    return ds;
  }

  // ---- evaluation -------------------------------------------------------------------------------

  /** Compiles enabled rules against the site: selections resolved, readings indexed by device. */
  private rebuild(): void {
    for (const c of this.compiled.values()) clearTimeout(c.timer);
    const site = this.o.site.config;
    this.siteSeen = site;
    const old = this.compiled;
    this.compiled = new Map();
    this.byDevice = new Map();
    this.eventRules = [];
    const live = (id: string, m: string) => {
      const v = this.o.live.snapshot(id)?.telemetry?.[m];
      return typeof v === 'number' ? v : undefined;
    };
    for (const rule of this.store.rules()) {
      if (!rule.enabled) continue;
      const ctx: EvalContext = {
        ...this.context(rule, live),
        graceUntil: this.graceUntil,
        acknowledged: (target: string) => this.o.isAcknowledged?.(alertKey(rule.id, target)) ?? false,
      };
      const prev = old.get(rule.id);
      const c: Compiled = { rule, ctx, trace: prev?.trace ?? [] };
      this.compiled.set(rule.id, c);
      if (rule.when.kind === 'metric') {
        for (const d of ctx.devices) {
          let list = this.byDevice.get(d);
          if (!list) this.byDevice.set(d, (list = []));
          list.push(c);
        }
      } else if (rule.when.kind === 'event') this.eventRules.push(c);
      this.arm(c);
    }
  }

  private input(i: Input): void {
    if (this.stopped) return;
    if (this.o.site.config !== this.siteSeen) this.rebuild();
    if (i.kind === 'reading') for (const c of this.byDevice.get(i.deviceId) ?? []) this.evaluate(c, i);
    else if (i.kind === 'event') for (const c of this.eventRules) this.evaluate(c, i);
  }

  private alertRaised(a: BusEvents['alert']): void {
    // A rule's own alerts do not feed rules: no loops.
    if (!a.active || a.what.code === 'rule') return;
    this.input({ kind: 'event', event: 'alert-raised', ...(a.device && { deviceId: a.device }), subject: a.key, at: this.now() });
  }

  /** Every rule at the clock's now: deadlines, stale devices, time rules, guards that opened. */
  tick(): void {
    if (this.stopped) return;
    if (this.o.site.config !== this.siteSeen) this.rebuild();
    const at = this.now();
    if (!this.graceChecked && at >= this.graceUntil) {
      // The grace is over: devices still offline now start their `device-offline` count.
      this.graceChecked = true;
      for (const d of this.o.live.all()) if (d.availability === 'offline') this.input({ kind: 'event', event: 'offline', deviceId: d.id, at });
    }
    for (const c of this.compiled.values()) this.evaluate(c, { kind: 'tick', at });
  }

  private evaluate(c: Compiled, i: Input): void {
    const prev = this.store.state(c.rule.id);
    const r = step(c.rule, prev, i, c.ctx);
    if (r.state !== prev) this.store.setState(c.rule.id, r.state);
    for (const t of r.trace) this.traced(c, t);
    for (const e of r.effects) this.effect(c, e);
    this.arm(c);
  }

  private traced(c: Compiled, t: TraceEntry): void {
    c.trace.push(t);
    // Trimmed in bulk: one splice per `max` entries, not one per evaluation.
    const max = this.o.traceSize ?? 50;
    if (c.trace.length >= 2 * max) c.trace.splice(0, c.trace.length - max);
  }

  /** A timer at the rule's next deadline (pending `for`, clearing, repeat, stale, time). */
  private arm(c: Compiled): void {
    const s = this.store.state(c.rule.id);
    const at = s && nextDeadline(c.rule, s, c.ctx.place, c.ctx.devices);
    if (c.timer && at === c.armedAt) return;
    clearTimeout(c.timer);
    c.timer = undefined;
    c.armedAt = at;
    if (at === undefined) return;
    const wait = Math.min(Math.max(0, at - this.now()), 2_000_000_000);
    c.timer = setTimeout(() => {
      c.timer = undefined;
      c.armedAt = undefined;
      if (this.compiled.get(c.rule.id) === c && !this.stopped) this.evaluate(c, { kind: 'tick', at: this.now() });
    }, wait);
  }

  // ---- effects ----------------------------------------------------------------------------------

  private effect(c: Compiled, e: Effect): void {
    const { rule } = c;
    const alert = rule.then.find((a): a is Extract<Action, { kind: 'alert' }> => a.kind === 'alert');
    if (e.kind === 'clear') {
      if (alert) this.emitAlert(rule, e.target, alert.severity, alert.message, e.device, undefined, false);
      return;
    }
    if (e.kind === 'escalate') {
      if (alert && rule.escalate) {
        this.emitAlert(rule, e.target, rule.escalate.severity, alert.message, e.device, e.value, true);
        this.o.log.warn({ rule: rule.id, target: e.target, severity: rule.escalate.severity, roles: rule.escalate.roles }, 'rule alert escalated: unacknowledged');
      }
      return;
    }
    // Run modes, as Home Assistant has them: single drops a firing while a run is under way,
    // restart stops the run between actions and starts anew, queued runs them in turn.
    const running = this.runs.get(rule.id);
    if (running) {
      if (rule.mode === 'single') return this.traced(c, { at: this.now(), input: 'tick', target: e.target, phase: 'active', why: 'fired while still running: dropped (single)' });
      if (rule.mode === 'queued') {
        if (running.queue.length < MAX_QUEUE) running.queue.push(e);
        else this.traced(c, { at: this.now(), input: 'tick', target: e.target, phase: 'active', why: 'queue full: dropped' });
        return;
      }
      running.abort.abort();
    }
    this.startRun(rule.id, e, running?.queue ?? []);
  }

  private startRun(id: string, e: Effect & { kind: 'fire' }, queue: Run['queue']): void {
    const rule = this.compiled.get(id)?.rule;
    if (!rule) return;
    const run: Run = { abort: new AbortController(), queue };
    this.runs.set(id, run);
    void this.runActions(rule, e, run.abort.signal).finally(() => {
      if (this.runs.get(id) !== run) return;
      this.runs.delete(id);
      const next = run.queue.shift();
      if (next && !this.stopped) this.startRun(id, next, run.queue);
    });
  }

  private async runActions(rule: Rule, e: Effect & { kind: 'fire' }, signal: AbortSignal): Promise<void> {
    const c = () => this.compiled.get(rule.id);
    const note = (why: string) => {
      const x = c();
      if (x) this.traced(x, { at: this.now(), input: 'tick', target: e.target, phase: 'active', why });
    };
    for (const [i, a] of rule.then.entries()) {
      if (signal.aborted) return note(`run restarted: actions from ${i} skipped`);
      // The owner is asked again now: their role or zones may have changed since the rule was saved.
      const owner = this.o.actorOf(rule.owner);
      const d: Decision = owner ? (this.actionChecks(a, (x, r) => authorize(owner, x, r)).find((x) => !x.ok) ?? { ok: true }) : { ok: false, reason: `owner ${rule.owner} is gone or disabled` };
      if (!d.ok) {
        this.o.log.warn({ rule: rule.id, action: a.kind, reason: d.reason }, 'rule action refused');
        note(`${a.kind} refused: ${d.reason}`);
        continue;
      }
      try {
        note(`${a.kind}: ${await this.act(rule, a, e, signal, owner!)}`);
      } catch (err) {
        this.o.log.warn({ rule: rule.id, action: a.kind, err: (err as Error).message }, 'rule action failed');
        note(`${a.kind} failed: ${(err as Error).message}`);
      }
    }
  }

  private async act(rule: Rule, a: Action, e: Effect & { kind: 'fire' }, signal: AbortSignal, owner: Actor): Promise<string> {
    const vars = { value: e.value, device: e.device, rule: rule.name };
    if (isServiceAction(a)) return performServiceAction({ ...this.o, now: () => this.now() }, owner, a, `rule:${rule.id}`);
    switch (a.kind) {
      case 'alert':
        this.emitAlert(rule, e.target, a.severity, a.message, e.device, e.value, true);
        return `raised ${alertKey(rule.id, e.target)}`;
      case 'command': {
        const r = await this.o.commands.send({ deviceId: a.device, action: a.action, params: a.params, issuer: `rule:${rule.id}` });
        return `command ${r.id} sent`;
      }
      case 'scene': {
        if (!this.o.scenes) throw new Error('no scenes on this plane');
        const run = this.o.scenes.run(owner, a.scene, { by: `rule:${rule.id}` });
        return `scene run ${run.id}`;
      }
      case 'webhook': {
        const body = a.body ? renderDeep(a.body, vars) : { rule: rule.id, name: rule.name, target: e.target, device: e.device, value: e.value, at: new Date(this.now()).toISOString() };
        const w = this.o.webhook;
        return deliver({
          url: a.url,
          method: a.method,
          body,
          signal,
          ...(w?.attempts && { attempts: w.attempts }),
          ...(w?.backoffMs && { backoffMs: w.backoffMs }),
          ...(w?.timeoutMs && { timeoutMs: w.timeoutMs }),
          log: (fields) => this.o.log.info({ rule: rule.id, ...fields }, 'rule webhook attempt'),
        });
      }
    }
  }

  private emitAlert(rule: Rule, target: string, severity: 'info' | 'warning' | 'critical', template: string, device: string | undefined, value: number | undefined, active: boolean): void {
    const text = render(template, { value, device, rule: rule.name });
    const zone = device ? this.o.site.device(device)?.zone : undefined;
    this.o.bus.emit('alert', {
      key: alertKey(rule.id, target),
      what: { code: 'rule', rule: rule.id, name: rule.name, text },
      severity,
      message: text,
      at: new Date(this.now()),
      active,
      ...(device && { device }),
      ...(zone && { zone }),
    });
  }
}

/** One alert per rule and target: a flap is the same alert, not a new one. */
export function alertKey(ruleId: string, target: string): string {
  return `rule:${ruleId}:${target}`;
}

function renderDeep(x: unknown, vars: Parameters<typeof render>[1]): unknown {
  if (typeof x === 'string') return render(x, vars);
  if (Array.isArray(x)) return x.map((y) => renderDeep(y, vars));
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, renderDeep(v, vars)]));
  return x;
}
