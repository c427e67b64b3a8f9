// The commune radio: bulletins through approval to air, the daily programme slots, emergency
// preemption, and a delivery record per loudspeaker cluster built from acks and playback events.
// Rules are in docs/RADIO.md. Each cluster plays one of our bulletins at a time, in order:
// emergencies first, then by queue order; an emergency is sent at once whatever plays.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { localDate, localParts, zonedTimeToUtc, zoneFormatter } from '../../devices/local-time.js';
import type { Bus, Reading } from '../bus.js';
import { CommandError, type CommandService } from '../commands/commands.js';
import { JsonFile } from '../config/json-file.js';
import type { SiteConfig, SiteStore } from '../config/site.js';
import type { LiveState } from '../state/live-state.js';
import type { Storage } from '../storage/storage.js';
import type { AudioInfo, AudioStore } from './audio.js';
import { defaultRadioPolicy, type RadioAction, type RadioPolicy } from './policy.js';
import {
  Bulletin,
  BulletinInput,
  FINAL_DELIVERY,
  RadioFile,
  Slot,
  type Actor,
  type BulletinStatus,
  type Delivery,
  type DeliveryReason,
  type DeliveryStatus,
} from './schema.js';
import { DomainError, STATUS_OF } from '../errors.js';

/** A delivery's reason: its code for pages, its words for the log. */
interface Why {
  code: DeliveryReason;
  text: string;
}
const why = (code: DeliveryReason, text: string = code): Why => ({ code, text });
/** A speaker's own reason for an end: the ones the plane acts on have codes, the rest are its words. */
const deviceWhy = (reason: string): Why => (reason === 'stopped' || reason === 'preempted' ? why(reason) : why('device', reason));

export interface RadioOptions {
  site: SiteStore;
  bus: Bus;
  live: LiveState;
  commands: CommandService;
  storage: Storage;
  audio: AudioStore;
  file: string;
  log: Logger;
  /** The absolute URL a speaker fetches an audio file from. */
  audioUrl: (file: string) => string;
  policy?: RadioPolicy;
  now?: () => number;
  tickMs?: number;
  /** A busy or silent cluster is tried again this often while its window is open. */
  retryS?: number;
  /** How long an emergency without an expiry stays deliverable to a cluster that was offline. */
  emergencyWindowS?: number;
  /** A slot found this late (the controller was down) is skipped, not played late. */
  lateToleranceS?: number;
}

export class RadioError extends DomainError {
  constructor(
    override readonly code: 'not-found' | 'invalid' | 'forbidden' | 'conflict',
    message: string,
  ) {
    super(code, message, STATUS_OF[code]!);
  }
}

const IN_FLIGHT: ReadonlySet<DeliveryStatus> = new Set(['sent', 'acked', 'started']);
/** A play acked or started with no end report this long past its audio's length is given up on. */
const END_REPORT_GRACE_S = 120;
const SLOT_RUNS_KEPT = 500;
/** Who the history names for what the radio does by itself (airing, delivery, expiry). */
const SYSTEM: Readonly<Actor> = Object.freeze({ id: 'radio', role: 'admin', zones: [], kind: 'system' });
const BULLETINS_KEPT = 2000;

export interface DeliveryView extends Delivery {
  name: string;
  hamletName: string;
}
export interface Reach {
  hamlets: { total: number; reached: number };
  clusters: { total: number; finished: number; failed: number; pending: number };
  notReached: { device: string; name: string; hamlet: string; hamletName: string; status: DeliveryStatus; reason?: string; reasonCode?: DeliveryReason }[];
  uncovered: string[];
}
export type BulletinView = Omit<Bulletin, 'deliveries'> & { audio: Bulletin['audio'] & { url: string }; deliveries: DeliveryView[]; reach: Reach };

export class Radio {
  private state: RadioFile = RadioFile.parse({});
  private readonly store: JsonFile<typeof RadioFile>;
  private readonly policy: RadioPolicy;
  private readonly offs: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;
  private readonly dirty = new Set<string>();
  private seq = 0;
  private running = false;
  /** The last log point's time: each gets its own millisecond, so the log keeps the order of events. */
  private lastLogMs = 0;

  constructor(private readonly o: RadioOptions) {
    this.store = new JsonFile({ file: o.file, schema: RadioFile, log: o.log });
    this.policy = o.policy ?? defaultRadioPolicy;
  }

  now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private get site(): SiteConfig {
    return this.o.site.config;
  }

  async start(): Promise<void> {
    this.state = await this.store.load();
    // Plays that were in flight when the controller stopped are sent again: a speaker already
    // playing the same broadcast applies it without restarting (PROTOCOL.md idempotency).
    for (const b of this.state.bulletins) {
      for (const d of b.deliveries) {
        this.seq = Math.max(this.seq, d.seq);
        if (d.status === 'sent' || d.status === 'acked') {
          d.status = 'queued';
          delete d.command;
        }
      }
    }
    const { bus } = this.o;
    this.offs.push(
      bus.on('deviceEvent', (e) => this.onPlayback(e)),
      bus.on('availability', (a) => {
        if (this.isCluster(a.deviceId) && a.availability === 'online') this.pump(a.deviceId);
        if (this.isCluster(a.deviceId) && a.availability === 'offline') this.markOffline(a.deviceId);
      }),
      bus.on('state', (s) => {
        // A cluster that went quiet may take what waited for it (busy with another source's play).
        if (this.isCluster(s.deviceId) && s.state.playing === false) this.pump(s.deviceId, true);
      }),
    );
    this.flushTimer = setInterval(() => this.flush(), 200);
  }

  /** Once the API serves the audio: plays may go out from here on. */
  async onAir(): Promise<void> {
    this.running = true;
    this.timer = setInterval(() => this.safely(() => this.tick()), this.o.tickMs ?? 5000);
    this.safely(() => this.tick());
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.timer);
    clearInterval(this.flushTimer);
    this.flush();
    await this.store.save(this.state);
  }

  private safely(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.o.log.error({ err }, 'radio tick failed');
    }
  }

  /** Saves and announces changed bulletins at most every 200 ms: a 50-cluster airing is one burst. */
  private flush(): void {
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    void this.store.save(this.state);
    for (const id of ids) this.o.bus.emit('radio', { bulletinId: id });
  }

  private touch(b: Bulletin): void {
    this.dirty.add(b.id);
  }

  // ---- zones and clusters ----------------------------------------------------------------------

  private isCluster(id: string): boolean {
    return this.o.site.device(id)?.type === 'loudspeaker';
  }

  zones(): { commune: { id: 'commune'; name: string }; hamlets: { id: string; name: string; clusters: number }[]; groups: SiteConfig['hamletGroups'] } {
    return {
      commune: { id: 'commune', name: this.site.site.name },
      hamlets: this.site.hamlets.map((h) => ({ ...h, clusters: this.clustersIn([h.id]).length })),
      groups: this.site.hamletGroups,
    };
  }

  /** The hamlets a list of zones covers; throws on an unknown zone. */
  hamletsOf(zones: readonly string[]): string[] {
    const out = new Set<string>();
    for (const z of zones) {
      if (z === 'commune') this.site.hamlets.forEach((h) => out.add(h.id));
      else if (this.site.hamlets.some((h) => h.id === z)) out.add(z);
      else {
        const g = this.site.hamletGroups.find((x) => x.id === z);
        if (!g) throw new RadioError('invalid', `unknown zone ${z}: use "commune", a hamlet or a hamlet group`);
        g.hamlets.forEach((h) => out.add(h));
      }
    }
    return this.site.hamlets.map((h) => h.id).filter((h) => out.has(h));
  }

  clustersIn(hamlets: readonly string[]): SiteConfig['devices'] {
    return this.site.devices.filter((d) => d.type === 'loudspeaker' && hamlets.includes(d.hamlet));
  }

  clusters(): { id: string; name: string; hamlet: string; hamletName: string; availability: string; amplifierOk: boolean | null; playing: boolean; broadcastId?: string; priority?: string; volumePct?: number }[] {
    return this.clustersIn(this.site.hamlets.map((h) => h.id)).map((d) => {
      const s = this.o.live.snapshot(d.id);
      const t = s?.telemetry ?? {};
      const st = s?.state ?? {};
      return {
        id: d.id,
        name: d.name,
        hamlet: d.hamlet,
        hamletName: this.hamletName(d.hamlet),
        availability: s?.availability ?? 'unknown',
        amplifierOk: typeof t.amplifierOk === 'boolean' ? t.amplifierOk : null,
        playing: st.playing === true,
        ...(typeof st.broadcastId === 'string' && { broadcastId: st.broadcastId }),
        ...(typeof st.priority === 'string' && { priority: st.priority }),
        ...(typeof t.volumePct === 'number' && { volumePct: t.volumePct }),
      };
    });
  }

  private hamletName(id: string): string {
    return this.site.hamlets.find((h) => h.id === id)?.name ?? id;
  }

  // ---- slots -----------------------------------------------------------------------------------

  slots(): (Slot & { next: string | null; queued: number; lastRun: RadioFile['slotRuns'][number] | null })[] {
    const now = this.now();
    return this.state.slots.map((s) => ({
      ...s,
      next: this.nextOccurrence(s, now)?.toISOString() ?? null,
      queued: this.dueFor(s, this.nextOccurrence(s, now)?.getTime() ?? Infinity).length,
      lastRun: this.state.slotRuns.filter((r) => r.key.startsWith(`${s.id}@`)).sort((a, b) => a.at.localeCompare(b.at)).at(-1) ?? null,
    }));
  }

  putSlots(actor: Actor, slots: unknown): Slot[] {
    this.allow(actor, 'edit-slots');
    const parsed = Slot.array().max(24).parse(slots);
    const ids = new Set<string>();
    for (const s of parsed) {
      if (ids.has(s.id)) throw new RadioError('invalid', `duplicate slot id ${s.id}`);
      ids.add(s.id);
    }
    // A bulletin waiting for a slot would never air if the slot went: say which, change nothing.
    const stranded = this.state.bulletins.filter((b) => ['draft', 'pending', 'approved', 'rejected'].includes(b.status) && b.schedule.slot && !ids.has(b.schedule.slot));
    if (stranded.length) {
      throw new RadioError('conflict', `slot ${stranded[0]!.schedule.slot} is still chosen by ${stranded.map((b) => `"${b.title}"`).join(', ')}: change or cancel those bulletins first`);
    }
    this.state.slots = parsed;
    void this.store.save(this.state);
    return parsed;
  }

  private occurrence(slot: Slot, day: { year: number; month: number; day: number }): Date | undefined {
    const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay() || 7;
    if (!slot.days.includes(weekday)) return undefined;
    const [hh, mm] = slot.time.split(':').map(Number) as [number, number];
    return zonedTimeToUtc(day.year, day.month, day.day, hh, mm, this.site.site.tz);
  }

  private nextOccurrence(slot: Slot, now: number): Date | undefined {
    for (let k = 0; k <= 7; k++) {
      const t = this.occurrence(slot, localDate(new Date(now), this.site.site.tz, k));
      if (t && t.getTime() > now) return t;
    }
    return undefined;
  }

  /** Approved bulletins a slot starting at `at` plays: priority first, then normal, each by approval. */
  private dueFor(slot: Slot, at: number): Bulletin[] {
    const rank = (b: Bulletin) => (b.level === 'priority' ? 0 : 1);
    return this.state.bulletins
      .filter(
        (b) =>
          b.status === 'approved' &&
          b.level !== 'emergency' &&
          (!b.schedule.slot || b.schedule.slot === slot.id) &&
          (!b.schedule.notBefore || Date.parse(b.schedule.notBefore) <= at) &&
          (!b.expiresAt || Date.parse(b.expiresAt) > at),
      )
      .sort((a, b) => rank(a) - rank(b) || (a.approvedAt ?? '').localeCompare(b.approvedAt ?? ''));
  }

  // ---- bulletins: the approval states ----------------------------------------------------------

  /** Newest first. */
  bulletins(status?: BulletinStatus, limit = Infinity): BulletinView[] {
    const out: BulletinView[] = [];
    for (let i = this.state.bulletins.length - 1; i >= 0 && out.length < limit; i--) {
      const b = this.state.bulletins[i]!;
      if (!status || b.status === status) out.push(this.view(b));
    }
    return out;
  }

  bulletin(id: string): BulletinView {
    return this.view(this.get(id));
  }

  private get(id: string): Bulletin {
    const b = this.state.bulletins.find((x) => x.id === id);
    if (!b) throw new RadioError('not-found', `unknown bulletin ${id}`);
    return b;
  }

  private allow(actor: Actor, action: RadioAction, b?: Bulletin): void {
    const why = this.policy(actor, action, b);
    if (why) throw new RadioError('forbidden', why);
  }

  private inState(b: Bulletin, action: string, ...allowed: BulletinStatus[]): void {
    if (!allowed.includes(b.status)) {
      throw new RadioError('conflict', `cannot ${action} a bulletin that is ${b.status} (only when ${allowed.join(' or ')})`);
    }
  }

  private record(b: Bulletin, actor: Actor, action: string, status: BulletinStatus, note?: string): void {
    const at = new Date(this.now()).toISOString();
    b.status = status;
    b.history.push({ at, by: actor.id, role: actor.role, action, ...(note && { note }) });
    this.o.storage.writeEvent({
      measurement: 'radio_bulletin',
      tags: { site: this.site.site.id, level: b.level, action, status },
      fields: { bulletin: b.id, title: b.title, by: actor.id, role: actor.role, ...(note && { note }) },
      time: this.logTime(),
    });
    this.touch(b);
  }

  /** Checks an input against the site and the clock, and makes its audio. */
  private async prepare(input: unknown, before?: Bulletin): Promise<{ input: BulletinInput; audio: AudioInfo }> {
    const i = BulletinInput.parse(input);
    this.hamletsOf(i.zones);
    if (i.expiresAt && Date.parse(i.expiresAt) <= this.now()) throw new RadioError('invalid', 'expiresAt is in the past');
    if (i.schedule.slot && !this.state.slots.some((s) => s.id === i.schedule.slot)) throw new RadioError('invalid', `unknown slot ${i.schedule.slot}`);
    let audio: AudioInfo | undefined;
    if (before && JSON.stringify(before.content) === JSON.stringify(i.content)) audio = before.audio;
    else if (i.content.kind === 'text') audio = await this.o.audio.tts(i.content.text);
    else {
      audio = await this.o.audio.info(i.content.file);
      if (!audio) throw new RadioError('invalid', `unknown audio file ${i.content.file}: upload it first`);
    }
    return { input: i, audio };
  }

  async draft(actor: Actor, input: unknown): Promise<BulletinView> {
    this.allow(actor, 'draft');
    const { input: i, audio } = await this.prepare(input);
    const b: Bulletin = {
      ...i,
      id: `bt-${randomUUID().slice(0, 8)}`,
      audio,
      status: 'draft',
      createdBy: actor.id,
      createdAt: new Date(this.now()).toISOString(),
      history: [],
      deliveries: [],
    };
    this.state.bulletins.push(b);
    this.trim();
    this.record(b, actor, 'drafted', 'draft');
    return this.view(b);
  }

  async edit(actor: Actor, id: string, input: unknown): Promise<BulletinView> {
    const b = this.get(id);
    this.allow(actor, 'edit', b);
    this.inState(b, 'edit', 'draft', 'rejected');
    const { input: i, audio } = await this.prepare(input, b);
    this.inState(b, 'edit', 'draft', 'rejected'); // it may have moved on during the speech synthesis
    Object.assign(b, i, { audio });
    if (!i.expiresAt) delete b.expiresAt;
    this.record(b, actor, 'edited', 'draft');
    return this.view(b);
  }

  submit(actor: Actor, id: string): BulletinView {
    const b = this.get(id);
    this.allow(actor, 'submit', b);
    this.inState(b, 'submit', 'draft', 'rejected');
    this.notExpired(b);
    this.record(b, actor, 'submitted', 'pending');
    return this.view(b);
  }

  approve(actor: Actor, id: string, note?: string): BulletinView {
    const b = this.get(id);
    this.allow(actor, 'approve', b);
    this.inState(b, 'approve', 'pending');
    this.notExpired(b);
    this.hamletsOf(b.zones); // its zones may have left the site since it was written
    b.approvedAt = new Date(this.now()).toISOString();
    this.record(b, actor, 'approved', 'approved', note);
    if (b.level === 'emergency') this.airEmergency(b);
    return this.view(b);
  }

  reject(actor: Actor, id: string, note?: string): BulletinView {
    const b = this.get(id);
    this.allow(actor, 'reject', b);
    this.inState(b, 'reject', 'pending');
    this.record(b, actor, 'rejected', 'rejected', note);
    return this.view(b);
  }

  cancel(actor: Actor, id: string, note?: string): BulletinView {
    const b = this.get(id);
    this.allow(actor, 'cancel', b);
    this.inState(b, 'cancel', 'draft', 'pending', 'approved', 'airing');
    this.record(b, actor, 'cancelled', 'cancelled', note);
    for (const d of b.deliveries) {
      if (FINAL_DELIVERY.has(d.status)) continue;
      // Take it off air where it plays or may be about to; the speaker reports it finished (stopped).
      if (IN_FLIGHT.has(d.status)) void this.stopOn(d.device, b.id);
      this.setDelivery(b, d, 'cancelled', why('cancelled'));
    }
    for (const d of b.deliveries) this.pump(d.device);
    return this.view(b);
  }

  /** An official's emergency: created approved and on air at once, in one step. */
  async sendEmergency(actor: Actor, input: unknown): Promise<BulletinView> {
    this.allow(actor, 'send-emergency');
    const raw = { ...(input as object), level: 'emergency' };
    const { input: i, audio } = await this.prepare(raw);
    const at = new Date(this.now()).toISOString();
    const b: Bulletin = { ...i, id: `bt-${randomUUID().slice(0, 8)}`, audio, status: 'approved', createdBy: actor.id, createdAt: at, approvedAt: at, history: [], deliveries: [] };
    this.state.bulletins.push(b);
    this.trim();
    this.record(b, actor, 'sent-emergency', 'approved');
    this.airEmergency(b);
    return this.view(b);
  }

  private notExpired(b: Bulletin): void {
    if (b.expiresAt && Date.parse(b.expiresAt) <= this.now()) throw new RadioError('conflict', `bulletin expired at ${b.expiresAt}`);
  }

  /** Keeps the file bounded: the oldest finished bulletins go first (their log stays in InfluxDB). */
  private trim(): void {
    const over = this.state.bulletins.length - BULLETINS_KEPT;
    if (over <= 0) return;
    const gone = new Set(this.state.bulletins.filter((b) => ['done', 'cancelled', 'expired', 'rejected'].includes(b.status)).slice(0, over).map((b) => b.id));
    this.state.bulletins = this.state.bulletins.filter((b) => !gone.has(b.id));
  }

  // ---- airing ------------------------------------------------------------------------------------

  private air(b: Bulletin, at: number, until: number, slotRun?: string): void {
    const hamlets = this.hamletsOf(b.zones);
    b.airedAt = new Date(at).toISOString();
    if (slotRun) b.slotRun = slotRun;
    const queuedAt = new Date(this.now()).toISOString();
    b.deliveries = this.clustersIn(hamlets).map((d) => ({
      device: d.id,
      hamlet: d.hamlet,
      status: 'queued' as const,
      attempts: 0,
      plays: 0,
      seq: ++this.seq,
      until: new Date(b.expiresAt ? Math.min(until, Date.parse(b.expiresAt)) : until).toISOString(),
      queuedAt,
    }));
    this.record(b, SYSTEM, 'aired', b.deliveries.length ? 'airing' : 'done', slotRun);
    for (const d of b.deliveries) this.writeDelivery(b, d);
  }

  private airEmergency(b: Bulletin): void {
    const now = this.now();
    this.air(b, now, now + (this.o.emergencyWindowS ?? 6 * 3600) * 1000);
    // Straight to every cluster, whatever it plays: the device preempts (PROTOCOL.md).
    for (const d of b.deliveries) this.pump(d.device, false, d);
  }

  private runSlot(slot: Slot, at: number, key: string): void {
    const due = this.dueFor(slot, at);
    this.state.slotRuns.push({ key, at: new Date(at).toISOString(), outcome: due.length ? 'played' : 'empty' });
    this.state.slotRuns = this.state.slotRuns.slice(-SLOT_RUNS_KEPT);
    if (due.length) this.o.log.info({ slot: slot.id, bulletins: due.map((b) => b.id) }, 'programme slot on air');
    const clusters = new Set<string>();
    for (const b of due) {
      try {
        this.air(b, at, at + slot.windowMin * 60_000, key);
        b.deliveries.forEach((d) => clusters.add(d.device));
      } catch (err) {
        // A zone removed from the site since approval: this one cannot air, the others still do.
        this.record(b, SYSTEM, 'not aired', 'cancelled', (err as Error).message);
      }
    }
    for (const c of clusters) this.pump(c);
    void this.store.save(this.state);
  }

  /** The deliveries of a cluster not yet over, in play order: emergencies first, then queue order. */
  private openOn(device: string): { b: Bulletin; d: Delivery }[] {
    const out: { b: Bulletin; d: Delivery }[] = [];
    for (const b of this.state.bulletins) {
      if (b.status !== 'airing') continue;
      for (const d of b.deliveries) if (d.device === device && !FINAL_DELIVERY.has(d.status)) out.push({ b, d });
    }
    return out.sort((x, y) => Number(y.b.level === 'emergency') - Number(x.b.level === 'emergency') || x.d.seq - y.d.seq);
  }

  /**
   * Sends a cluster its next bulletin if it is free: online, none of ours in flight. `force` sends
   * the given delivery even so (an emergency). `freed` lifts a busy back-off (the cluster went quiet).
   */
  private pump(device: string, freed = false, force?: Delivery): void {
    if (!this.running) return;
    const open = this.openOn(device);
    // A cluster not heard from since the start counts as offline: it gets its plays when it says "online".
    const online = this.o.live.snapshot(device)?.availability === 'online';
    const now = this.now();
    let next: { b: Bulletin; d: Delivery } | undefined;
    if (force) next = open.find((x) => x.d === force);
    else {
      if (open.some((x) => IN_FLIGHT.has(x.d.status))) return;
      next = open.find((x) => x.d.status === 'queued' || x.d.status === 'waiting');
    }
    if (!next) return;
    const { b, d } = next;
    if (Date.parse(d.until) <= now) return this.close(b, d);
    if (!online) {
      if (d.status !== 'waiting' || d.reasonCode !== 'offline') this.setDelivery(b, d, 'waiting', why('offline'));
      return;
    }
    if (d.retryAt && Date.parse(d.retryAt) > now && !freed) return;
    void this.send(b, d);
  }

  private async send(b: Bulletin, d: Delivery): Promise<void> {
    const now = this.now();
    const ttlS = Math.max(1, Math.min(60, Math.floor((Date.parse(d.until) - now) / 1000)));
    d.attempts++;
    delete d.retryAt;
    d.sentAt = new Date(now).toISOString();
    const commandId = randomUUID();
    const volume = b.volumePct ?? (b.level === 'emergency' ? 100 : undefined);
    d.command = commandId;
    this.setDelivery(b, d, 'sent');
    let settled;
    try {
      await this.o.commands.send({
        id: commandId,
        deviceId: d.device,
        action: 'play',
        params: { broadcastId: b.id, audioUrl: this.o.audioUrl(b.audio.file), priority: b.level, ...(volume !== undefined && { volumePct: volume }) },
        issuer: 'radio',
        ttlS,
      });
      settled = await this.o.commands.settled(commandId);
    } catch (err) {
      if (d.command !== commandId) return;
      // Too many commands in flight is worth another try; a play the device type refuses is not.
      if (err instanceof CommandError && err.code !== 'busy') this.setDelivery(b, d, 'failed', why('error', err.message));
      else this.retryLater(b, d, why(err instanceof CommandError ? 'busy' : 'error', (err as Error).message));
      return;
    }
    // A later send, an event or a cancel may have moved this delivery on meanwhile.
    if (d.command !== commandId || FINAL_DELIVERY.has(d.status)) return;
    delete d.command;
    const at = settled.settledAt ?? new Date(this.now()).toISOString();
    if (settled.status === 'applied') {
      d.ackedAt ??= at;
      d.playHeardAt ??= new Date(this.now()).toISOString();
      if (d.status === 'sent') this.setDelivery(b, d, 'acked');
      else this.touch(b);
    } else if (settled.status === 'rejected' && settled.reason === 'busy') {
      // A higher level (or another source) is on air: wait for the cluster to go quiet.
      this.retryLater(b, d, why('busy'));
    } else if (settled.status === 'rejected') {
      this.setDelivery(b, d, 'failed', why('rejected', settled.reason ?? 'rejected'));
      this.pump(d.device);
    } else {
      const offline = this.o.live.snapshot(d.device)?.availability === 'offline';
      this.retryLater(b, d, offline ? why('offline') : why('no-answer', `no answer (${settled.status})`));
    }
  }

  private retryLater(b: Bulletin, d: Delivery, reason: Why): void {
    delete d.command;
    d.retryAt = new Date(this.now() + (this.o.retryS ?? 30) * 1000).toISOString();
    this.setDelivery(b, d, 'waiting', reason);
  }

  private stopOn(device: string, broadcastId: string): Promise<unknown> {
    return this.o.commands.send({ deviceId: device, action: 'stop', params: { broadcastId }, issuer: 'radio', ttlS: 60 }).catch((err) => {
      this.o.log.warn({ device, err: (err as Error).message }, 'stop not sent');
    });
  }

  private markOffline(device: string): void {
    for (const { b, d } of this.openOn(device)) if (d.status === 'queued') this.setDelivery(b, d, 'waiting', why('offline'));
  }

  /** A playback report: started, finished or failed. */
  private onPlayback(e: Reading): void {
    if (!this.isCluster(e.deviceId)) return;
    const id = e.values.broadcastId;
    const kind = e.values.event;
    const reason = (e.values.reason ?? e.extra?.reason) as string | undefined;
    const b = typeof id === 'string' ? this.state.bulletins.find((x) => x.id === id) : undefined;
    const d = b?.deliveries.find((x) => x.device === e.deviceId);
    if (!b || !d || FINAL_DELIVERY.has(d.status)) return;
    const at = e.ts.toISOString();
    if (kind === 'started') {
      d.startedAt = at;
      d.playHeardAt = new Date(this.now()).toISOString();
      this.setDelivery(b, d, 'started');
    } else if (kind === 'finished') {
      d.endedAt = at;
      d.plays++;
      // Once more while the bulletin asks for repeats, unless someone stopped it at the cluster.
      if (d.plays < b.repeat && reason !== 'stopped' && Date.parse(d.until) > this.now()) {
        d.attempts = 0; // attempts count the sends of one play
        delete d.playHeardAt;
        this.setDelivery(b, d, 'queued', why('repeat', `repeat ${d.plays + 1} of ${b.repeat}`));
      } else this.setDelivery(b, d, 'finished', reason ? deviceWhy(reason) : undefined);
      this.pump(e.deviceId);
    } else if (kind === 'failed') {
      d.endedAt = at;
      delete d.command;
      if (reason === 'preempted' && Date.parse(d.until) > this.now()) {
        // Cut off by an emergency: it plays again on this cluster once the emergency is over.
        delete d.startedAt;
        delete d.playHeardAt;
        delete d.endedAt;
        this.setDelivery(b, d, 'queued', why('preempted'));
      } else {
        this.setDelivery(b, d, 'failed', deviceWhy(reason ?? 'failed'));
        this.pump(e.deviceId);
      }
    }
  }

  private setDelivery(b: Bulletin, d: Delivery, status: DeliveryStatus, reason?: Why): void {
    d.status = status;
    if (reason) {
      d.reason = reason.text;
      d.reasonCode = reason.code;
    } else {
      delete d.reason;
      delete d.reasonCode;
    }
    this.writeDelivery(b, d);
    if (b.status === 'airing' && b.deliveries.every((x) => FINAL_DELIVERY.has(x.status))) this.record(b, SYSTEM, 'delivered', 'done');
    this.touch(b);
  }

  private writeDelivery(b: Bulletin, d: Delivery): void {
    this.o.storage.writeEvent({
      measurement: 'radio_delivery',
      tags: { site: this.site.site.id, bulletin: b.id, device: d.device, hamlet: d.hamlet, level: b.level, status: d.status },
      fields: { title: b.title, attempts: d.attempts, ...(d.reason && { reason: d.reason }), ...(FINAL_DELIVERY.has(d.status) && this.outcome(b, d)) },
      time: this.logTime(),
    });
  }

  /**
   * What a delivery's last point says of it, for the officials' indicators: plays finished, their
   * seconds of audio, and how long after the bulletin went on air the cluster first began playing
   * it (absent if it never did). The first start is the first ack (a speaker acks a play when it
   * starts it; the ack time is kept through repeats and preemption) or the speaker's start report.
   */
  private outcome(b: Bulletin, d: Delivery): Record<string, number> {
    const began = [d.ackedAt, d.startedAt].filter((x): x is string => x !== undefined).map(Date.parse);
    const aired = b.airedAt ? Date.parse(b.airedAt) : undefined;
    return {
      plays: d.plays,
      airedS: d.plays * b.audio.durationS,
      ...(began.length > 0 && aired !== undefined && { reachS: Math.max(0, (Math.min(...began) - aired) / 1000) }),
    };
  }

  private logTime(): number {
    this.lastLogMs = Math.max(this.now(), this.lastLogMs + 1);
    return this.lastLogMs;
  }

  /** A delivery whose window closed without a play: missed, or expired with its bulletin. */
  private close(b: Bulletin, d: Delivery): void {
    const expired = b.expiresAt !== undefined && Date.parse(b.expiresAt) <= this.now();
    if (d.command) delete d.command;
    const kept: Why | undefined = d.reason ? { code: d.reasonCode ?? 'error', text: d.reason } : undefined;
    this.setDelivery(b, d, expired ? 'expired' : 'missed', kept ?? (expired ? why('expired', 'bulletin expired') : why('window-closed', 'window closed')));
  }

  // ---- the clock -------------------------------------------------------------------------------

  tick(): void {
    const now = this.now();
    for (const b of this.state.bulletins) {
      if ((b.status === 'pending' || b.status === 'approved') && b.expiresAt && Date.parse(b.expiresAt) <= now) {
        this.record(b, SYSTEM, 'expired before airing', 'expired');
      }
      if (b.status !== 'airing') continue;
      for (const d of b.deliveries) {
        if (FINAL_DELIVERY.has(d.status)) continue;
        if ((d.status === 'queued' || d.status === 'waiting') && Date.parse(d.until) <= now) this.close(b, d);
        else if ((d.status === 'acked' || d.status === 'started') && d.playHeardAt && Date.parse(d.playHeardAt) + (b.audio.durationS + END_REPORT_GRACE_S) * 1000 < now) {
          // Firmware that never reports the end must not hold the cluster's queue for ever.
          this.setDelivery(b, d, 'failed', why('no-end', 'no end report'));
        }
      }
    }
    this.runDueSlots(now);
    const clusters = new Set<string>();
    for (const b of this.state.bulletins) if (b.status === 'airing') for (const d of b.deliveries) if (!FINAL_DELIVERY.has(d.status)) clusters.add(d.device);
    for (const c of clusters) this.pump(c);
  }

  private runDueSlots(now: number): void {
    const tz = this.site.site.tz;
    const fmt = zoneFormatter(tz);
    const done = new Set(this.state.slotRuns.map((r) => r.key));
    // Only slots since the last look: a slot added today does not count as missed yesterday.
    const since = Math.max(this.state.lastTickAt ? Date.parse(this.state.lastTickAt) : now, now - 86_400_000);
    this.state.lastTickAt = new Date(Math.max(now, since)).toISOString();
    for (const slot of this.state.slots) {
      for (const k of [-1, 0]) {
        const day = localDate(new Date(now), tz, k, fmt);
        const at = this.occurrence(slot, day)?.getTime();
        const key = `${slot.id}@${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
        if (at === undefined || at > now || at <= since || done.has(key)) continue;
        if (now - at <= (this.o.lateToleranceS ?? 300) * 1000) this.runSlot(slot, at, key);
        else {
          // The controller was down at the slot: recorded, not played hours late.
          const due = this.dueFor(slot, at);
          this.state.slotRuns.push({ key, at: new Date(at).toISOString(), outcome: due.length ? 'skipped' : 'empty' });
          if (due.length) this.o.log.warn({ slot: slot.id, at: new Date(at).toISOString(), local: localParts(new Date(at), tz, fmt) }, 'programme slot missed while the controller was down');
        }
      }
    }
  }

  // ---- views -----------------------------------------------------------------------------------

  view(b: Bulletin): BulletinView {
    const name = (id: string) => this.o.site.device(id)?.name ?? id;
    const deliveries = b.deliveries.map((d) => ({ ...d, name: name(d.device), hamletName: this.hamletName(d.hamlet) }));
    let targets: string[] = [];
    try {
      targets = this.hamletsOf(b.zones);
    } catch {
      targets = [...new Set(b.deliveries.map((d) => d.hamlet))]; // a zone removed from the site since
    }
    const reached = new Set(deliveries.filter((d) => d.status === 'finished').map((d) => d.hamlet));
    const covered = new Set(this.clustersIn(targets).map((d) => d.hamlet));
    const failed = deliveries.filter((d) => ['failed', 'missed', 'expired'].includes(d.status));
    return {
      ...b,
      audio: { ...b.audio, url: this.o.audioUrl(b.audio.file) },
      deliveries,
      reach: {
        hamlets: { total: targets.length, reached: targets.filter((h) => reached.has(h)).length },
        clusters: {
          total: deliveries.length,
          finished: deliveries.filter((d) => d.status === 'finished').length,
          failed: failed.length,
          pending: deliveries.filter((d) => !FINAL_DELIVERY.has(d.status)).length,
        },
        notReached: deliveries
          .filter((d) => d.status !== 'finished' && d.status !== 'cancelled' && (FINAL_DELIVERY.has(d.status) || d.status === 'waiting'))
          .map((d) => ({ device: d.device, name: d.name, hamlet: d.hamlet, hamletName: d.hamletName, status: d.status, ...(d.reason && { reason: d.reason }), ...(d.reasonCode && { reasonCode: d.reasonCode }) })),
        uncovered: targets.filter((h) => !covered.has(h)),
      },
    };
  }
}
