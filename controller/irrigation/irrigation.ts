// Irrigation: programs, a run queue per water source, sensor-driven watering, and the safety rules
// farmers rely on. Every open carries durationS (the valve closes itself), no run exceeds its zone's
// maximum, no source is asked for more valves than it has, and after a restart valves are
// reconciled against the runs the plane knows.
import { Note, noteText, runNote } from './notes.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { deviceType } from '../../devices/index.js';
import { localDate, zoneFormatter } from '../../devices/local-time.js';
import { EVENT_HISTORY, type QueueNow, type ZoneView } from '../api/contract/irrigation.js';
import type { Bus } from '../bus.js';
import { Coalescer } from '../coalesce.js';
import type { CommandService } from '../commands/commands.js';
import { JsonFile } from '../config/json-file.js';
import { desiredConfig, type SiteConfig, type SiteStore } from '../config/site.js';
import type { LiveState } from '../state/live-state.js';
import type { Storage } from '../storage/storage.js';
import { localDateString, nextStart, startsBetween } from './calendar.js';
import { IrrigationFile, Program, type ProgramInput, type Run, type RunReason, type Settings } from './schema.js';
import { DomainError, STATUS_OF } from '../errors.js';

export interface WeatherSource {
  rainLast24h(now: Date): Promise<{ mm: number } | undefined>;
  et0Last24h(now: Date): Promise<{ et0Mm: number } | undefined>;
}

export interface IrrigationOptions {
  site: SiteStore;
  bus: Bus;
  live: LiveState;
  commands: CommandService;
  storage: Storage;
  weather: WeatherSource;
  file: string;
  log: Logger;
  /** The scheduling clock (epoch ms); tests move it. */
  now?: () => number;
  tickMs?: number;
  /** How long after its end a run may go unconfirmed before the plane closes its valves itself. */
  endGraceS?: number;
  /** How long a finished run waits for the valve's next reading to count its water. */
  litersWaitS?: number;
}

/** How far a valve's clock may lag the plane's for its first reading after a run's end to count. */
const END_READING_SKEW_MS = 5000;

/** A program event's reason, in words and as a code. */
const reasonOf = (n: Note) => ({ reason: noteText(n), reasonCode: n });

export interface ProgramEvent {
  at: number;
  program: string;
  outcome: 'started' | 'skipped';
  reason?: string;
  /** The reason as a code with parameters, for pages to put in words. */
  reasonCode?: Note;
  levelPct?: number;
  /**
   * Litres the program's steps would have drawn at its own water level (the valves' nominal flow ×
   * the step durations, each held to its zone's maximum): for starts run and starts skipped for rain.
   * Steps left to a zone's soil sensor are not counted.
   */
  nominalLiters?: number;
  /** The same at the level the start ran at (weather-adjusted or not). */
  plannedLiters?: number;
}

export class IrrigationError extends DomainError {
  constructor(
    override readonly code: 'not-found' | 'invalid',
    message: string,
  ) {
    super(code, message, STATUS_OF[code]!);
  }
}

const ACTIVE: readonly Run['status'][] = ['starting', 'running', 'stopping'];
const FINISHED: readonly Run['status'][] = ['done', 'cancelled', 'failed'];
const HISTORY = 500;
/** The shortest time between two `irrigation` events. */
const ANNOUNCE_MS = 250;

export class Irrigation {
  private state: IrrigationFile = IrrigationFile.parse({});
  private readonly history: (Run | ProgramEvent)[] = [];
  private readonly dryStart = new Map<string, number>();
  private readonly reconciled = new Set<string>();
  private readonly offs: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private readonly pumpOffTimers = new Map<string, NodeJS.Timeout>();
  /** Run ids after which a run waits (program steps run one after another). */
  private readonly after = new Map<string, string>();

  private readonly store: JsonFile<typeof IrrigationFile>;
  /** Zones whose view changed, announced together on the bus (`irrigation`). */
  private readonly announcer = new Coalescer<string>({ everyMs: ANNOUNCE_MS, flush: (zones) => this.announce(zones) });

  constructor(private readonly o: IrrigationOptions) {
    this.store = new JsonFile({ file: o.file, schema: IrrigationFile, log: o.log });
  }

  now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private get site(): SiteConfig {
    return this.o.site.config;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async start(): Promise<void> {
    this.state = await this.store.load();
    // Runs that were under way when the plane stopped: their valves carry their own countdown, so
    // they are adopted, not restarted; the first state each valve reports settles them.
    this.state.scheduledThrough ??= this.now();
    const { bus } = this.o;
    this.offs.push(
      bus.on('state', (s) => this.onValveState(s.deviceId, s.state)),
      bus.on('reading', (r) => this.onReading(r.deviceId, r.values, r.ts.getTime())),
      // A zone's valves and sensors are part of its view; a pump's availability holds runs back.
      bus.on('state', (s) => this.deviceChanged(s.deviceId)),
      bus.on('reading', (r) => this.deviceChanged(r.deviceId)),
      bus.on('availability', (a) => this.deviceChanged(a.deviceId)),
    );
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 1000);
    await this.save();
    this.o.log.info({ programs: this.state.programs.length, active: this.active().length }, 'irrigation started');
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.announcer.stop();
    for (const t of this.pumpOffTimers.values()) clearTimeout(t);
    for (const off of this.offs.splice(0)) off();
    // Valves are left as they are: each closes itself at its durationS, and a restart adopts them.
    await this.save();
  }

  /** Every change of programs, settings, the queue or a run is saved: it is announced from here too. */
  private save(): Promise<void> {
    this.changed();
    return this.store.save(this.state);
  }

  // ---- what pages see, and its announcement ----------------------------------------------------

  /** Zones as pages read them: moisture, valves as they report, the run, the queue, the next start. */
  zoneViews(include: (zoneId: string) => boolean = () => true): ZoneView[] {
    const now = this.now();
    return this.site.zones
      .filter((zone) => include(zone.id))
      .map((zone) => {
        const active = this.active().find((x) => x.zone === zone.id);
        const next = this.nextProgramStart(zone.id);
        return {
          ...zone,
          moisture: this.zoneMoisture(zone.id) ?? null,
          valves: this.valvesOf(zone.id).map((id) => {
            const s = this.o.live.snapshot(id);
            return { id, name: s?.name, availability: s?.availability, state: s?.state ?? null, stateAt: s?.stateAt ?? null, telemetry: s?.telemetry ?? null };
          }),
          activeRun: active ?? null,
          queued: this.state.runs.filter((x) => x.zone === zone.id && x.status === 'queued').length,
          nextProgramStart: next ? { ...next, inS: Math.round((next.at - now) / 1000) } : null,
        };
      });
  }

  /** The queue with the scheduler's clock, so a page counts down against it rather than the phone's. */
  queueNow(): QueueNow {
    return { now: this.now(), ...this.queue() };
  }

  /** Marks zones' views changed (all of them when none is named); built only while someone listens. */
  private changed(zones?: Iterable<string>): void {
    if (!this.o.bus.listens('irrigation')) return;
    this.announcer.touch(zones ?? this.site.zones.map((z) => z.id));
  }

  private deviceChanged(deviceId: string): void {
    const d = this.o.site.device(deviceId);
    if (d?.zone) this.changed([d.zone]);
    else if (this.site.waterSources.some((w) => w.pump?.device === deviceId)) this.changed([]);
  }

  private announce(zones: ReadonlySet<string>): void {
    if (!this.o.bus.listens('irrigation')) return;
    try {
      this.o.bus.emit('irrigation', { zones: this.zoneViews((id) => zones.has(id)), queue: this.queueNow(), history: this.recent(EVENT_HISTORY) });
    } catch (err) {
      this.o.log.error({ err }, 'irrigation view not announced');
    }
  }

  // ---- programs and settings -------------------------------------------------------------------

  programs(): Program[] {
    return this.state.programs;
  }

  async putProgram(input: ProgramInput): Promise<Program> {
    const p = Program.parse(input);
    for (const s of p.steps) {
      if (!this.site.zones.some((z) => z.id === s.zone)) throw new IrrigationError('invalid', `steps: unknown zone ${s.zone}`);
    }
    const i = this.state.programs.findIndex((x) => x.id === p.id);
    if (i >= 0) this.state.programs[i] = p;
    else this.state.programs.push(p);
    await this.save();
    return p;
  }

  async deleteProgram(id: string): Promise<void> {
    const n = this.state.programs.length;
    this.state.programs = this.state.programs.filter((p) => p.id !== id);
    if (this.state.programs.length === n) throw new IrrigationError('not-found', `unknown program ${id}`);
    await this.save();
  }

  settings(): Settings {
    return this.state.settings;
  }

  async updateSettings(change: Partial<Settings>): Promise<Settings> {
    this.state.settings = { ...this.state.settings, ...change };
    await this.save();
    return this.state.settings;
  }

  /** Hours from now with no program starts; 0 lifts the delay. */
  async setRainDelay(hours: number): Promise<Settings> {
    const { rainDelayUntil: _, ...rest } = this.state.settings;
    this.state.settings = hours > 0 ? { ...rest, rainDelayUntil: this.now() + hours * 3600_000 } : rest;
    await this.save();
    return this.state.settings;
  }

  async pause(issuer: string): Promise<void> {
    this.state.settings.paused = true;
    // Running water stops; what was left of each run waits in the queue for resume.
    for (const r of this.active()) {
      const left = r.endsAt ? Math.max(0, Math.round((r.endsAt - this.now()) / 1000)) : r.durationS;
      this.stopRun(r, 'cancelled', { code: 'paused', by: issuer });
      if (left > 0) this.enqueue({ ...this.runFields(r), durationS: left, note: { code: 'after-pause', run: r.id } });
    }
    await this.save();
  }

  async resume(): Promise<void> {
    this.state.settings.paused = false;
    await this.save();
    void this.tick();
  }

  async cancelAll(issuer: string): Promise<number> {
    let n = 0;
    for (const r of this.state.runs) {
      if (r.status === 'queued') {
        this.finish(r, 'cancelled', { code: 'cancelled', by: issuer });
        n++;
      } else if (r.status === 'starting' || r.status === 'running') {
        this.stopRun(r, 'cancelled', { code: 'cancelled', by: issuer });
        n++;
      }
    }
    await this.save();
    return n;
  }

  // ---- runs ------------------------------------------------------------------------------------

  /** "Run zone X for N seconds now": through the same queue as everything else. */
  async runNow(o: { zone: string; durationS: number; issuer: string }): Promise<Run> {
    const zone = this.site.zones.find((z) => z.id === o.zone);
    if (!zone) throw new IrrigationError('not-found', `unknown zone ${o.zone}`);
    if (o.durationS > zone.maxRunS) throw new IrrigationError('invalid', `durationS ${o.durationS} exceeds the zone's maximum ${zone.maxRunS}`);
    const r = this.enqueue({ zone: o.zone, durationS: o.durationS, reason: 'manual', issuer: o.issuer });
    await this.save();
    void this.tick();
    return r;
  }

  async stopRunById(id: string, issuer: string): Promise<Run> {
    const r = this.state.runs.find((x) => x.id === id);
    if (!r) throw new IrrigationError('not-found', `unknown run ${id}`);
    if (r.status === 'queued') this.finish(r, 'cancelled', { code: 'cancelled', by: issuer });
    else if (r.status === 'starting' || r.status === 'running') this.stopRun(r, 'cancelled', { code: 'stopped', by: issuer });
    await this.save();
    return r;
  }

  runs(): Run[] {
    return this.state.runs;
  }

  active(): Run[] {
    return this.state.runs.filter((r) => ACTIVE.includes(r.status));
  }

  recent(limit = 100): (Run | ProgramEvent)[] {
    return this.history.slice(-limit).reverse();
  }

  /** The queue as a farmer sees it: what runs now, what is next and about when. */
  queue(): { paused: boolean; rainDelayUntil?: number; running: Run[]; queued: (Run & { expectedStartAt?: number; waitingFor?: string[] })[] } {
    const now = this.now();
    const running = this.active();
    // Estimate starts per source by simulating the queue against the running runs' end times.
    const busyUntil = new Map<string, number[]>();
    for (const r of running) {
      const key = r.source ?? `zone:${r.zone}`;
      busyUntil.set(key, [...(busyUntil.get(key) ?? []), r.endsAt ?? now + r.durationS * 1000]);
    }
    const queued = this.state.runs
      .filter((r) => r.status === 'queued')
      .map((r) => {
        const key = r.source ?? `zone:${r.zone}`;
        const cap = this.capacity(r.source);
        const ends = (busyUntil.get(key) ?? []).sort((a, b) => a - b);
        const at = ends.length < cap ? now : ends.shift()!;
        ends.push(at + r.durationS * 1000);
        busyUntil.set(key, ends);
        const waitingFor = this.offlineFor(r);
        return { ...r, ...(!this.state.settings.paused && { expectedStartAt: at }), ...(waitingFor.length && { waitingFor }) };
      });
    return {
      paused: this.state.settings.paused,
      ...(this.state.settings.rainDelayUntil && { rainDelayUntil: this.state.settings.rainDelayUntil }),
      running,
      queued,
    };
  }

  nextProgramStart(zoneId: string): { at: number; program: string } | undefined {
    let best: { at: number; program: string } | undefined;
    for (const p of this.state.programs) {
      if (!p.steps.some((s) => s.zone === zoneId)) continue;
      const at = nextStart(p, this.now(), this.site.site);
      if (at !== undefined && (!best || at < best.at)) best = { at, program: p.id };
    }
    return best;
  }

  /** Mean soil moisture of the zone's sensors that are online and recent; undefined if none is. */
  zoneMoisture(zoneId: string): { pct: number; sensors: number } | undefined {
    const values: number[] = [];
    for (const d of this.site.devices) {
      if (d.zone !== zoneId) continue;
      const s = this.o.live.snapshot(d.id);
      const v = s?.telemetry?.soilMoisturePct;
      if (typeof v !== 'number' || s?.availability !== 'online' || !s.telemetryAt) continue;
      // Readings age in real time (receive time), whatever the scheduling clock says.
      if (Date.now() - Date.parse(s.telemetryAt) > deviceType(d.type)!.offlineAfterS * 1000) continue;
      values.push(v);
    }
    return values.length ? { pct: values.reduce((a, b) => a + b, 0) / values.length, sensors: values.length } : undefined;
  }

  valvesOf(zoneId: string): string[] {
    return this.site.devices.filter((d) => d.zone === zoneId && deviceType(d.type)!.commands.open).map((d) => d.id);
  }

  // ---- the clock -------------------------------------------------------------------------------

  /** One pass: program starts due, sensor starts due, queue dispatch, overdue runs. Re-entrant safe. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.schedulePrograms();
      this.scheduleSensors();
      this.checkOverdue();
      this.dispatch();
    } catch (err) {
      this.o.log.error({ err }, 'irrigation tick failed');
    } finally {
      this.ticking = false;
    }
  }

  private async schedulePrograms(): Promise<void> {
    const now = this.now();
    const from = this.state.scheduledThrough ?? now;
    if (now <= from) return;
    const due: { at: number; p: Program }[] = [];
    for (const p of this.state.programs) {
      if (!p.enabled) continue;
      for (const at of startsBetween(p, from, now, this.site.site)) due.push({ at, p });
    }
    due.sort((a, b) => a.at - b.at);
    for (const { at, p } of due) await this.startProgram(p, at, now);
    this.state.scheduledThrough = now;
    if (due.length) await this.save();
  }

  /** The documented rule for starts missed while the plane was down: run if within the grace, else skip. */
  private async startProgram(p: Program, at: number, now: number): Promise<void> {
    const s = this.state.settings;
    const skip = (reason: Note, liters?: { nominalLiters: number }) => this.programEvent({ at, program: p.id, outcome: 'skipped', ...reasonOf(reason), ...liters });
    // What a start skipped for rain would have drawn at the program's own level (the water it saved).
    const nominal = () => ({ nominalLiters: p.steps.reduce((sum, step) => sum + this.stepLiters(step.zone, step.durationS, p.waterLevelPct), 0) });
    if (now - at > s.missedStartGraceS * 1000) return skip({ code: 'missed', at });
    if (s.rainDelayUntil && at < s.rainDelayUntil) return skip({ code: 'rain-delay', until: s.rainDelayUntil }, nominal());
    const rain = await this.o.weather.rainLast24h(new Date(at));
    if (rain && rain.mm > s.rainSkipMm) return skip({ code: 'rain', mm: rain.mm, maxMm: s.rainSkipMm }, nominal());
    const { levelPct: level, note } = await this.effectiveLevel(p, at);
    let prev: string | undefined;
    let queued = 0;
    let nominalLiters = 0;
    let plannedLiters = 0;
    for (const step of p.steps) {
      const zone = this.site.zones.find((z) => z.id === step.zone);
      if (!zone) continue;
      if (zone.sensorControl?.enabled && this.zoneMoisture(zone.id)) {
        this.programEvent({ at, program: p.id, outcome: 'skipped', ...reasonOf({ code: 'by-sensor', zone: zone.id }) });
        continue;
      }
      nominalLiters += this.stepLiters(zone.id, step.durationS, p.waterLevelPct);
      plannedLiters += this.stepLiters(zone.id, step.durationS, level);
      const durationS = Math.min(zone.maxRunS, Math.round((step.durationS * level) / 100));
      if (durationS < 1) continue;
      const r = this.enqueue({
        zone: zone.id,
        durationS,
        reason: 'program',
        program: p.id,
        issuer: `program:${p.id}`,
        ...(durationS < Math.round((step.durationS * level) / 100) && { note: { code: 'capped', maxS: zone.maxRunS } as const }),
      });
      if (prev) this.after.set(r.id, prev);
      prev = r.id;
      queued++;
    }
    const why: Note | undefined = note ?? (queued ? undefined : { code: 'no-step' });
    this.programEvent({ at, program: p.id, outcome: queued ? 'started' : 'skipped', levelPct: level, ...(why && reasonOf(why)), nominalLiters, plannedLiters });
  }

  /**
   * Litres a program step would draw at a water level: its duration as the program would queue it
   * (scaled, held to the zone's maximum, nothing under 1 s) × its valves' nominal flow. 0 for a step
   * whose zone is gone or is left to its soil sensor (as startProgram would).
   */
  private stepLiters(zoneId: string, durationS: number, levelPct: number): number {
    const zone = this.site.zones.find((z) => z.id === zoneId);
    if (!zone || (zone.sensorControl?.enabled && this.zoneMoisture(zone.id))) return 0;
    const s = Math.min(zone.maxRunS, Math.round((durationS * levelPct) / 100));
    return s < 1 ? 0 : (s * this.valvesLpm(this.valvesOf(zone.id))) / 60;
  }

  /**
   * The water level a program runs at: its own, scaled when weather-adjusted by ET0 (Hargreaves, last
   * 24 h) over the reference ET0, the factor held to 0.3–2 and the level to 0–250 %.
   */
  async effectiveLevel(p: Program, at: number): Promise<{ levelPct: number; note?: Note; et0Mm?: number }> {
    if (!p.weatherAdjust) return { levelPct: p.waterLevelPct };
    const et = await this.o.weather.et0Last24h(new Date(at));
    if (!et) return { levelPct: p.waterLevelPct, note: { code: 'no-weather' } };
    const factor = Math.min(2, Math.max(0.3, et.et0Mm / this.state.settings.referenceEt0Mm));
    return { levelPct: Math.min(250, Math.round(p.waterLevelPct * factor)), note: { code: 'et0', mm: et.et0Mm }, et0Mm: et.et0Mm };
  }

  /** Programs as a farmer reads them: with the next start and the water level they would run at now. */
  async programsView(): Promise<(Program & { nextStartAt?: number; effectiveLevelPct: number; levelNote?: string; levelNoteCode?: Note })[]> {
    const now = this.now();
    return Promise.all(
      this.state.programs.map(async (p) => {
        const next = nextStart(p, now, this.site.site);
        const eff = await this.effectiveLevel(p, now);
        return { ...p, ...(next !== undefined && { nextStartAt: next }), effectiveLevelPct: eff.levelPct, ...(eff.note && { levelNote: noteText(eff.note), levelNoteCode: eff.note }) };
      }),
    );
  }

  private scheduleSensors(): void {
    const now = this.now();
    const day = localDateString(localDate(new Date(now), this.site.site.tz, 0, zoneFormatter(this.site.site.tz)));
    for (const zone of this.site.zones) {
      const sc = zone.sensorControl;
      const since = this.dryStart.get(zone.id);
      if (!sc?.enabled || since === undefined || now - since < sc.dryForS * 1000) continue;
      if (this.state.runs.some((r) => r.zone === zone.id && (r.status === 'queued' || ACTIVE.includes(r.status)))) continue;
      const last = this.state.sensorRuns[zone.id];
      if (last && now - last.lastAt < sc.minIntervalS * 1000) continue;
      const count = last && last.day === day ? last.count : 0;
      if (count >= sc.maxRunsPerDay) continue;
      this.state.sensorRuns[zone.id] = { lastAt: now, day, count: count + 1 };
      this.dryStart.delete(zone.id);
      const pct = this.zoneMoisture(zone.id)?.pct;
      this.enqueue({
        zone: zone.id,
        durationS: Math.min(sc.runS, zone.maxRunS),
        reason: 'sensor',
        issuer: 'sensor',
        stopAtPct: sc.stopAtPct,
        note: { code: 'dry', ...(pct !== undefined && { pct }), belowPct: sc.startBelowPct, forS: sc.dryForS },
      });
      void this.save();
    }
  }

  /** A run whose end has passed without its valves reporting closed: close them from here too. */
  private checkOverdue(): void {
    const grace = (this.o.endGraceS ?? 30) * 1000;
    for (const r of this.active()) {
      if (r.status === 'running' && r.endsAt && this.now() > r.endsAt + grace) {
        this.o.log.warn({ run: r.id, zone: r.zone }, 'run overdue: valves did not report closed; closing them');
        this.stopRun(r, 'done', { code: 'overdue' });
      }
    }
  }

  // ---- the queue -------------------------------------------------------------------------------

  /** What a run's valves draw: their nominalLpm, else 15 L/min for drip and 60 for sprinkler lines. */
  private runLpm(r: Run): number {
    return this.valvesLpm(r.valves);
  }

  private valvesLpm(valves: readonly string[]): number {
    return valves.reduce((sum, id) => {
      const a = this.site.devices.find((d) => d.id === id)?.attributes as { kind?: string; nominalLpm?: number } | undefined;
      return sum + (a?.nominalLpm ?? (a?.kind === 'sprinkler' ? 60 : 15));
    }, 0);
  }

  private capacity(source: string | undefined): number {
    return source ? (this.site.waterSources.find((w) => w.id === source)?.maxValves ?? 1) : Number.POSITIVE_INFINITY;
  }

  private runFields(r: Run): Pick<Run, 'zone' | 'reason' | 'issuer' | 'durationS'> & Partial<Pick<Run, 'program' | 'stopAtPct'>> {
    return {
      zone: r.zone,
      reason: r.reason,
      issuer: r.issuer,
      durationS: r.durationS,
      ...(r.program && { program: r.program }),
      ...(r.stopAtPct !== undefined && { stopAtPct: r.stopAtPct }),
    };
  }

  private enqueue({ note, ...o }: { zone: string; durationS: number; reason: RunReason; issuer: string; program?: string; stopAtPct?: number; note?: Note }): Run {
    const zone = this.site.zones.find((z) => z.id === o.zone)!;
    const r: Run = {
      id: randomUUID(),
      ...o,
      ...(note && runNote(note)),
      ...(zone.waterSource && { source: zone.waterSource }),
      valves: this.valvesOf(o.zone),
      status: 'queued',
      queuedAt: this.now(),
    };
    this.state.runs.push(r);
    this.o.log.info({ run: r.id, zone: r.zone, durationS: r.durationS, reason: r.reason }, 'run queued');
    return r;
  }

  /** Starts what the sources have room for, in queue order; never more valves than a source has. */
  private dispatch(): void {
    if (this.state.settings.paused) return;
    const inUse = new Map<string, { valves: number; lpm: number }>();
    const zonesBusy = new Set<string>();
    const use = (source: string) => inUse.get(source) ?? { valves: 0, lpm: 0 };
    for (const r of this.active()) {
      zonesBusy.add(r.zone);
      if (r.source) inUse.set(r.source, { valves: use(r.source).valves + r.valves.length, lpm: use(r.source).lpm + this.runLpm(r) });
    }
    for (const r of this.state.runs) {
      if (r.status !== 'queued' || zonesBusy.has(r.zone)) continue;
      const dep = this.after.get(r.id);
      if (dep && !FINISHED.includes(this.state.runs.find((x) => x.id === dep)?.status ?? 'done')) continue;
      if (r.valves.length === 0) {
        this.finish(r, 'failed', { code: 'no-valve' });
        continue;
      }
      // A run waits for its valves (and pump) to be online: an open sent into the void helps no one.
      if (this.offlineFor(r).length > 0) continue;
      if (r.source) {
        const used = use(r.source);
        const maxLpm = this.site.waterSources.find((w) => w.id === r.source)?.maxLpm;
        if (used.valves + r.valves.length > this.capacity(r.source)) continue;
        // A lone run larger than the source's L/min still runs (alone), or it would never run at all.
        if (maxLpm !== undefined && used.valves > 0 && used.lpm + this.runLpm(r) > maxLpm) continue;
        inUse.set(r.source, { valves: used.valves + r.valves.length, lpm: used.lpm + this.runLpm(r) });
      }
      zonesBusy.add(r.zone);
      void this.startRun(r);
    }
    this.prune();
  }

  /** The run's devices that are not online now. */
  offlineFor(r: Run): string[] {
    const pump = r.source ? this.site.waterSources.find((w) => w.id === r.source)?.pump?.device : undefined;
    return [...r.valves, ...(pump ? [pump] : [])].filter((id) => this.o.live.snapshot(id)?.availability !== 'online');
  }

  private async startRun(r: Run): Promise<void> {
    r.status = 'starting';
    this.after.delete(r.id);
    void this.save();
    const source = r.source ? this.site.waterSources.find((w) => w.id === r.source) : undefined;
    try {
      if (source?.pump) {
        clearTimeout(this.pumpOffTimers.get(source.id));
        const pumpMax = this.maxRunOf(source.pump.device);
        const need = Math.min(pumpMax, r.durationS + source.pump.onDelayS + source.pump.offDelayS + 30);
        await this.command(source.pump.device, 'open', { durationS: need, runId: r.id }, r.issuer);
        await new Promise((res) => setTimeout(res, source.pump!.onDelayS * 1000));
      }
      if (r.status !== 'starting') return; // cancelled meanwhile
      const litersAtStart: Record<string, number> = {};
      for (const v of r.valves) {
        const t = this.o.live.snapshot(v)?.telemetry?.totalLiters;
        if (typeof t === 'number') litersAtStart[v] = t;
      }
      const results = await Promise.all(r.valves.map((v) => this.command(v, 'open', { durationS: r.durationS, runId: r.id }, r.issuer)));
      const failed = results.find((x) => x.status !== 'applied');
      if (failed) {
        for (const v of r.valves) void this.command(v, 'close', {}, r.issuer).catch(() => {});
        this.finish(r, 'failed', { code: 'command-failed', device: failed.deviceId, status: failed.status, ...(failed.reason && { reason: failed.reason }) });
        this.o.bus.emit('alert', { key: `irrigation.run-failed.${r.zone}`, what: { code: 'irrigation-run-failed', zone: r.zone, device: failed.deviceId, status: failed.status }, severity: 'warning', message: `run in ${r.zone} failed: ${r.note}`, at: new Date(), active: true, zone: r.zone });
        return;
      }
      if ((r.status as Run['status']) !== 'starting') return;
      r.status = 'running';
      r.startedAt = this.now();
      r.endsAt = r.startedAt + r.durationS * 1000;
      // A reading that came in while opening may already have set a baseline; one from before opening wins.
      r.litersAtStart = { ...r.litersAtStart, ...litersAtStart };
      this.o.log.info({ run: r.id, zone: r.zone, durationS: r.durationS }, 'run started');
    } catch (err) {
      this.finish(r, 'failed', { code: 'error', message: (err as Error).message });
    }
    await this.save();
  }

  private maxRunOf(deviceId: string): number {
    const d = this.site.devices.find((x) => x.id === deviceId);
    return (d && (desiredConfig(this.site, d).maxRunS as number | undefined)) ?? 3600;
  }

  private async command(deviceId: string, action: string, params: Record<string, unknown>, issuer: string) {
    const c = await this.o.commands.send({ deviceId, action, params, issuer: `irrigation:${issuer}`, ttlS: 30 });
    return this.o.commands.settled(c.id);
  }

  /** Ends a started run early: closes its valves; it is settled when they report closed. */
  private stopRun(r: Run, status: 'done' | 'cancelled', note: Note): void {
    if (r.status === 'starting') {
      r.status = 'cancelled';
      Object.assign(r, runNote(note));
    }
    for (const v of r.valves) void this.command(v, 'close', {}, r.issuer).catch(() => {});
    this.finish(r, status, note);
  }

  private finish(r: Run, status: 'done' | 'cancelled' | 'failed', note?: Note): void {
    if (FINISHED.includes(r.status) && r.endedAt) return;
    r.status = status;
    r.endedAt = this.now();
    r.endSeenAt = Date.now();
    if (note) Object.assign(r, runNote(note));
    this.history.push(r);
    if (this.history.length > HISTORY) this.history.shift();
    this.o.log.info({ run: r.id, zone: r.zone, status, note: r.note }, 'run ended');
    if (r.source) this.maybePumpOff(r.source);
    if (!r.startedAt) this.record(r);
    // A started run is recorded once its valves' next reading gives its water (see onReading).
    else setTimeout(() => this.record(r), (this.o.litersWaitS ?? 600) * 1000).unref();
    void this.save();
    void this.tick();
  }

  private maybePumpOff(sourceId: string): void {
    const source = this.site.waterSources.find((w) => w.id === sourceId);
    if (!source?.pump) return;
    if (this.state.runs.some((r) => r.source === sourceId && (r.status === 'queued' || ACTIVE.includes(r.status)))) return;
    clearTimeout(this.pumpOffTimers.get(sourceId));
    this.pumpOffTimers.set(
      sourceId,
      setTimeout(() => void this.command(source.pump!.device, 'close', {}, `source:${sourceId}`).catch(() => {}), source.pump.offDelayS * 1000),
    );
  }

  /** Writes the run to InfluxDB once (tags: zone, source, reason; fields: water and time). */
  private record(r: Run, force = false): void {
    if (r.recorded && !force) return;
    r.recorded = true;
    this.o.storage.writeEvent({
      measurement: 'irrigation_run',
      tags: { site: this.site.site.id, zone: r.zone, source: r.source ?? 'none', reason: r.reason, status: r.status },
      fields: {
        run: r.id,
        durationS: r.durationS,
        ranS: r.startedAt ? Math.round(((r.endedAt ?? this.now()) - r.startedAt) / 1000) : 0,
        ...(r.liters !== undefined && { liters: r.liters }),
        ...(r.program && { program: r.program }),
        ...(r.note && { note: r.note }),
      },
      time: r.endedAt ?? this.now(),
    });
  }

  private programEvent(e: ProgramEvent): void {
    this.history.push(e);
    if (this.history.length > HISTORY) this.history.shift();
    this.o.log.info(e, e.outcome === 'started' ? 'program started' : 'program skipped');
    this.o.storage.writeEvent({
      measurement: 'irrigation_program',
      tags: { site: this.site.site.id, program: e.program, outcome: e.outcome },
      // code: the reason's code, so indicators can pick rain skips and weather-adjusted starts.
      fields: {
        startAt: e.at,
        ...(e.reason && { reason: e.reason }),
        ...(e.reasonCode && { code: e.reasonCode.code }),
        ...(e.levelPct !== undefined && { levelPct: e.levelPct }),
        ...(e.nominalLiters !== undefined && { nominalLiters: e.nominalLiters }),
        ...(e.plannedLiters !== undefined && { plannedLiters: e.plannedLiters }),
      },
      time: this.now(),
    });
  }

  /** Keeps the durable queue small: finished runs beyond the last 200 leave the file. */
  private prune(): void {
    const finished = this.state.runs.filter((r) => FINISHED.includes(r.status));
    if (finished.length <= 200) return;
    const drop = new Set(finished.slice(0, finished.length - 200).map((r) => r.id));
    this.state.runs = this.state.runs.filter((r) => !drop.has(r.id));
  }

  // ---- what devices say ------------------------------------------------------------------------

  private onValveState(deviceId: string, state: Record<string, unknown>): void {
    if (typeof state.open !== 'boolean') return;
    const open = state.open;
    const runId = typeof state.runId === 'string' ? state.runId : undefined;
    const run = this.active().find((r) => r.valves.includes(deviceId));
    // Restart reconciliation: the first report of each valve after start is checked against the runs.
    if (!this.reconciled.has(deviceId)) {
      this.reconciled.add(deviceId);
      if (open && !(run && run.id === runId) && !this.isPump(deviceId, runId)) {
        this.o.log.warn({ deviceId, runId }, 'reconcile: valve open with no run the plane knows; closing it');
        void this.command(deviceId, 'close', {}, 'reconcile').catch(() => {});
        return;
      }
      if (open && run) this.o.log.info({ deviceId, run: run.id }, 'reconcile: valve open for a known run; adopted');
    }
    if (!run || open) return;
    // Closed: the run is over once all its valves are closed (after it started).
    if (run.status === 'running' || run.status === 'stopping') {
      const allClosed = run.valves.every((v) => v === deviceId || this.o.live.snapshot(v)?.state?.open === false);
      if (allClosed) this.finish(run, 'done');
    }
  }

  private isPump(deviceId: string, runId: string | undefined): boolean {
    const src = this.site.waterSources.find((w) => w.pump?.device === deviceId);
    return !!src && this.active().some((r) => r.source === src.id && r.id === runId);
  }

  private onReading(deviceId: string, values: Record<string, unknown>, ts: number): void {
    const dev = this.site.devices.find((d) => d.id === deviceId);
    if (!dev?.zone) return;
    // Water of finished runs: the first reading received after the valve reported closed closes the
    // account (a device's messages arrive in order, so that reading was taken after it closed).
    if (typeof values.totalLiters === 'number') {
      // No reading before the start: the first one during the run (sent as the valve opened) is the baseline.
      for (const r of this.active()) {
        if (r.valves.includes(deviceId) && r.litersAtStart?.[deviceId] === undefined) r.litersAtStart = { ...r.litersAtStart, [deviceId]: values.totalLiters };
      }
      for (const r of this.state.runs) {
        if (!r.startedAt || !r.endedAt || r.liters !== undefined || r.litersAtStart?.[deviceId] === undefined) continue;
        if (r.litersAtEnd?.[deviceId] !== undefined) continue;
        // A backlog uploaded after an outage holds readings taken while the water still ran: only
        // one taken after the plane saw the valve closed (a little clock skew allowed) closes the
        // account. The counter stands still once the valve is shut, so a later reading is as good.
        if (r.endSeenAt !== undefined && ts < r.endSeenAt - END_READING_SKEW_MS) continue;
        r.litersAtEnd = { ...r.litersAtEnd, [deviceId]: values.totalLiters };
        // Counted once every valve with a baseline has its closing reading.
        const counted = Object.keys(r.litersAtStart);
        if (counted.every((v) => r.litersAtEnd?.[v] !== undefined)) {
          r.liters = counted.reduce((sum, v) => sum + Math.max(0, r.litersAtEnd![v]! - r.litersAtStart![v]!), 0);
          this.record(r, true);
          void this.save();
        }
      }
    }
    if (typeof values.soilMoisturePct !== 'number') return;
    const zone = this.site.zones.find((z) => z.id === dev.zone);
    const sc = zone?.sensorControl;
    if (!zone || !sc?.enabled) return;
    const m = this.zoneMoisture(zone.id);
    if (!m) return;
    // Hysteresis: dry below startBelowPct (for dryForS), wet again only at stopAtPct.
    if (m.pct < sc.startBelowPct) {
      if (!this.dryStart.has(zone.id)) this.dryStart.set(zone.id, this.now());
    } else this.dryStart.delete(zone.id);
    for (const r of this.active()) {
      if (r.zone === zone.id && r.status === 'running' && r.stopAtPct !== undefined && m.pct >= r.stopAtPct) {
        this.stopRun(r, 'done', { code: 'soil-reached', pct: m.pct, targetPct: r.stopAtPct! });
      }
    }
  }
}
