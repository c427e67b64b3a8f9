// Street lighting: each group's calendar picks tonight's control program, which is pushed to every
// light as its retained fallback profile: the luminaire runs it itself, online or not. Overrides
// (a light or a group, with an optional end) are commands; the latest one wins, a null level
// returns to the program, and they are kept on disk and re-applied after a restart.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { localParts, zonedTimeToUtc, zoneFormatter } from '../../devices/local-time.js';
import { levelAt, stepInstant, type ProfileStep } from '../../devices/sim/profile.js';
import type { GroupView } from '../api/contract/lighting.js';
import type { Bus } from '../bus.js';
import { Coalescer } from '../coalesce.js';
import type { CommandRecord, CommandService } from '../commands/commands.js';
import { JsonFile } from '../config/json-file.js';
import type { SiteConfig, SiteStore } from '../config/site.js';
import type { LiveState } from '../state/live-state.js';
import { programForNight, type LocalDay } from './calendar.js';
import { LightCalendar, LightingFile, LightProgram, Override } from './schema.js';
import { DomainError, STATUS_OF } from '../errors.js';

export interface LightingOptions {
  site: SiteStore;
  bus: Bus;
  live: LiveState;
  commands: CommandService;
  file: string;
  log: Logger;
  /** Republish a device's retained config (its fallback profile changed). */
  pushConfig: (deviceId: string) => Promise<void>;
  now?: () => number;
  tickMs?: number;
  /** Called once a night is over (at noon), with its date: its energy gets counted and stored. */
  onNightOver?: (night: LocalDay) => Promise<void>;
}

export class LightingError extends DomainError {
  constructor(
    override readonly code: 'not-found' | 'invalid',
    message: string,
  ) {
    super(code, message, STATUS_OF[code]!);
  }
}

/** The shortest time between two `lighting` events. */
const ANNOUNCE_MS = 250;

export class Lighting {
  private state: LightingFile = LightingFile.parse({});
  private readonly pushed = new Map<string, string>();
  private lastNight?: string;
  private timer?: NodeJS.Timeout;
  private readonly offs: (() => void)[] = [];
  /** The levels the lights should be at, as last announced: a program step passing changes them. */
  private desiredKey = '';
  /** Groups whose view changed, announced together on the bus (`lighting`). */
  private readonly announcer = new Coalescer<string>({ everyMs: ANNOUNCE_MS, flush: (groups) => this.announce(groups) });

  private readonly store: JsonFile<typeof LightingFile>;

  constructor(private readonly o: LightingOptions) {
    this.store = new JsonFile({ file: o.file, schema: LightingFile, log: o.log });
  }

  now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private get site(): SiteConfig {
    return this.o.site.config;
  }

  async start(): Promise<void> {
    this.state = await this.store.load();
    for (const g of this.site.lightGroups) for (const id of g.devices) this.pushed.set(id, this.profileKey(id));
    const { bus } = this.o;
    // A light's report is part of its groups' view.
    this.offs.push(
      bus.on('state', (s) => this.lightChanged(s.deviceId)),
      bus.on('reading', (r) => this.lightChanged(r.deviceId)),
      bus.on('availability', (a) => this.lightChanged(a.deviceId)),
    );
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 30_000);
  }

  /** After the link is up: overrides still in force are sent again (a light may have rebooted). */
  async reapply(): Promise<void> {
    for (const id of this.lights()) {
      const ov = this.overrideFor(id);
      if (ov) await this.sendOverride(id, ov);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const off of this.offs.splice(0)) off();
    this.announcer.stop();
    await this.save();
  }

  /** Every change of programs, calendars or overrides is saved: it is announced from here too. */
  private save(): Promise<void> {
    this.changed();
    return this.store.save(this.state);
  }

  // ---- what pages see, and its announcement ----------------------------------------------------

  /** Groups as pages read them: calendar, tonight's plan, and each light as it reports and as wanted. */
  groupViews(include: (groupId: string) => boolean = () => true): GroupView[] {
    const night = this.nightOf(this.now());
    return this.site.lightGroups
      .filter((g) => include(g.id))
      .map((g) => {
        const program = this.groupProgram(g.id, night);
        return {
          ...g,
          calendar: this.state.calendars[g.id] ?? null,
          tonight: program ? { program: program.id, name: program.name, steps: this.plan(program.steps, night) } : null,
          lights: g.devices.map((id) => {
            const s = this.o.live.snapshot(id);
            return { id, name: s?.name, availability: s?.availability, state: s?.state ?? null, telemetry: s?.telemetry ?? null, desired: this.desiredLevel(id) ?? null };
          }),
        };
      });
  }

  /** Marks groups' views changed (all of them when none is named); built only while someone listens. */
  private changed(groups?: Iterable<string>): void {
    if (!this.o.bus.listens('lighting')) return;
    this.announcer.touch(groups ?? this.site.lightGroups.map((g) => g.id));
  }

  private lightChanged(deviceId: string): void {
    const groups = this.site.lightGroups.filter((g) => g.devices.includes(deviceId)).map((g) => g.id);
    if (groups.length) this.changed(groups);
  }

  private announce(groups: ReadonlySet<string>): void {
    if (!this.o.bus.listens('lighting')) return;
    try {
      this.o.bus.emit('lighting', { groups: this.groupViews((id) => groups.has(id)), overrides: this.overrides() });
    } catch (err) {
      this.o.log.error({ err }, 'lighting view not announced');
    }
  }

  private lights(): string[] {
    return [...new Set(this.site.lightGroups.flatMap((g) => g.devices))];
  }

  // ---- what is in force ------------------------------------------------------------------------

  /** The night an instant belongs to: its local date if after noon, else the day before. */
  nightOf(at: number): LocalDay {
    const p = localParts(new Date(at), this.site.site.tz, zoneFormatter(this.site.site.tz));
    const d = new Date(Date.UTC(p.year, p.month - 1, p.day - (p.hour < 12 ? 1 : 0)));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }

  /** The group whose calendar a light follows: the first of its groups that has one. */
  groupOf(deviceId: string): SiteConfig['lightGroups'][number] | undefined {
    return this.site.lightGroups.find((g) => g.devices.includes(deviceId) && this.state.calendars[g.id]);
  }

  /** The program a group's own calendar puts in force (a light may follow another of its groups). */
  groupProgram(groupId: string, night: LocalDay): LightProgram | undefined {
    const cal = this.state.calendars[groupId];
    const id = cal && programForNight(cal, night);
    return id ? this.state.programs.find((p) => p.id === id) : undefined;
  }

  programFor(deviceId: string, night: LocalDay): LightProgram | undefined {
    const g = this.groupOf(deviceId);
    const cal = g && this.state.calendars[g.id];
    if (!cal) return undefined;
    const id = programForNight(cal, night);
    return this.state.programs.find((p) => p.id === id);
  }

  /** Config fields lighting decides for a light: its fallback profile is tonight's program. */
  configFor(deviceId: string): Record<string, unknown> | undefined {
    const p = this.programFor(deviceId, this.nightOf(this.now()));
    return p ? { fallback: p.steps } : undefined;
  }

  private profileKey(deviceId: string): string {
    return JSON.stringify(this.configFor(deviceId) ?? null);
  }

  /** Tonight's steps of a program, with their instants at the site. */
  plan(steps: readonly ProfileStep[], night: LocalDay): { at: string; level: number; step: ProfileStep }[] {
    const { lat, lon, tz } = this.site.site;
    const noon = zonedTimeToUtc(night.year, night.month, night.day, 12, 0, tz).getTime();
    const out: { at: string; level: number; step: ProfileStep }[] = [];
    for (const step of steps) {
      // A step belongs to the evening's date if it falls after noon, else to the next morning.
      for (const k of [0, 1]) {
        const d = new Date(Date.UTC(night.year, night.month - 1, night.day + k));
        const t = stepInstant(step, { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, lat, lon, tz);
        if (t && t.getTime() >= noon && t.getTime() < noon + 86_400_000) {
          out.push({ at: t.toISOString(), level: step.level, step });
          break;
        }
      }
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** The level a light should be at now: its override, else its program (undefined if neither). */
  desiredLevel(deviceId: string): { level: number; source: 'override' | 'program' } | undefined {
    const ov = this.overrideFor(deviceId);
    if (ov && ov.level !== null) return { level: ov.level, source: 'override' };
    const p = this.programFor(deviceId, this.nightOf(this.now()));
    if (!p) return undefined;
    const { lat, lon, tz } = this.site.site;
    return { level: levelAt(p.steps, lat, lon, tz, new Date(this.now())), source: 'program' };
  }

  /** The latest override in force for a light (on it, or on any of its groups). */
  overrideFor(deviceId: string): Override | undefined {
    const groups = new Set(this.site.lightGroups.filter((g) => g.devices.includes(deviceId)).map((g) => g.id));
    const now = this.now();
    let best: Override | undefined;
    for (const o of this.state.overrides) {
      if (o.until !== undefined && o.until <= now) continue;
      const hits = 'device' in o.target ? o.target.device === deviceId : groups.has(o.target.group);
      if (hits && (!best || o.at >= best.at)) best = o;
    }
    return best && best.level !== null ? best : undefined;
  }

  // ---- the clock -------------------------------------------------------------------------------

  /** Pushes a new fallback profile to lights whose program changed (a new night, a calendar edit). */
  async tick(): Promise<void> {
    const now = this.now();
    const night = this.nightOf(now);
    const key = JSON.stringify(night);
    if (this.lastNight && this.lastNight !== key && this.o.onNightOver) {
      const prev = JSON.parse(this.lastNight) as LocalDay;
      await this.o.onNightOver(prev).catch((err: Error) => this.o.log.warn({ err: err.message }, 'night energy not stored'));
    }
    this.lastNight = key;
    const before = this.state.overrides.length;
    this.state.overrides = this.state.overrides.filter((o) => o.until === undefined || o.until > now);
    for (const id of this.lights()) {
      const key = this.profileKey(id);
      if (this.pushed.get(id) === key) continue;
      this.pushed.set(id, key);
      this.o.log.info({ deviceId: id }, 'light program changed: fallback profile pushed');
      await this.o.pushConfig(id).catch((err: Error) => this.o.log.warn({ deviceId: id, err: err.message }, 'config push failed'));
    }
    if (this.state.overrides.length !== before) await this.save();
    if (this.o.bus.listens('lighting')) {
      // Tonight's plan and the wanted levels move with the clock (a step passed, a new night).
      const key = JSON.stringify([night, this.lights().map((id) => this.desiredLevel(id) ?? null)]);
      if (key !== this.desiredKey) this.changed();
      this.desiredKey = key;
    }
  }

  // ---- programs, calendars, overrides ----------------------------------------------------------

  programs(): LightProgram[] {
    return this.state.programs;
  }

  calendars(): Record<string, LightCalendar> {
    return this.state.calendars;
  }

  overrides(): Override[] {
    return this.state.overrides;
  }

  async putProgram(input: unknown): Promise<LightProgram> {
    const p = LightProgram.parse(input);
    const i = this.state.programs.findIndex((x) => x.id === p.id);
    if (i >= 0) this.state.programs[i] = p;
    else this.state.programs.push(p);
    await this.save();
    await this.tick();
    return p;
  }

  async deleteProgram(id: string): Promise<void> {
    const used = Object.entries(this.state.calendars).find(([, c]) => c.default === id || c.rules.some((r) => r.program === id));
    if (used) throw new LightingError('invalid', `program ${id} is used by the calendar of group ${used[0]}`);
    const n = this.state.programs.length;
    this.state.programs = this.state.programs.filter((p) => p.id !== id);
    if (this.state.programs.length === n) throw new LightingError('not-found', `unknown program ${id}`);
    await this.save();
  }

  async setCalendar(groupId: string, input: unknown): Promise<LightCalendar> {
    if (!this.site.lightGroups.some((g) => g.id === groupId)) throw new LightingError('not-found', `unknown group ${groupId}`);
    const cal = LightCalendar.parse(input);
    for (const id of [cal.default, ...cal.rules.map((r) => r.program)]) {
      if (!this.state.programs.some((p) => p.id === id)) throw new LightingError('invalid', `unknown program ${id}`);
    }
    this.state.calendars[groupId] = cal;
    await this.save();
    await this.tick();
    return cal;
  }

  /**
   * An override on a light or a group; level null returns them to the program. `sent` hears each
   * light's command (a scene follows them to applied or rejected).
   */
  async override(o: { target: Override['target']; level: number | null; until?: number; by: string; sent?: (r: CommandRecord) => void }): Promise<Override> {
    const devices = this.targetDevices(o.target);
    if (o.until !== undefined && o.until <= this.now()) throw new LightingError('invalid', 'until is in the past');
    const ov: Override = { id: randomUUID(), target: o.target, level: o.level, at: this.now(), by: o.by, ...(o.until !== undefined && { until: o.until }) };
    this.state.overrides.push(ov);
    // Superseded entries for the same target go: only the latest matters.
    const same = (x: Override) => JSON.stringify(x.target) === JSON.stringify(ov.target) && x.id !== ov.id;
    this.state.overrides = this.state.overrides.filter((x) => !same(x));
    await this.save();
    await Promise.all(
      devices.map(async (id) => {
        const r = await this.apply(id);
        if (r) o.sent?.(r);
      }),
    );
    return ov;
  }

  private targetDevices(target: Override['target']): string[] {
    if ('device' in target) {
      if (!this.lights().includes(target.device)) throw new LightingError('not-found', `${target.device} is not in any light group`);
      return [target.device];
    }
    const g = this.site.lightGroups.find((x) => x.id === target.group);
    if (!g) throw new LightingError('not-found', `unknown group ${target.group}`);
    return g.devices;
  }

  /** Sends a light what is now in force for it: an override level, or back to its program. */
  private async apply(deviceId: string): Promise<CommandRecord | undefined> {
    const ov = this.overrideFor(deviceId);
    if (ov) return this.sendOverride(deviceId, ov);
    return this.o.commands.send({ deviceId, action: 'resume', params: {}, issuer: 'lighting:resume' }).catch((err: Error) => {
      this.o.log.warn({ deviceId, err: err.message }, 'resume not sent');
      return undefined;
    });
  }

  private async sendOverride(deviceId: string, ov: Override): Promise<CommandRecord | undefined> {
    const params = { level: ov.level, ...(ov.until !== undefined && { untilIso: new Date(ov.until).toISOString() }) };
    return this.o.commands.send({ deviceId, action: 'set', params, issuer: `lighting:${ov.by}` }).catch((err: Error) => {
      this.o.log.warn({ deviceId, err: err.message }, 'override not sent');
      return undefined;
    });
  }
}
