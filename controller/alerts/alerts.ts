// Alerts: every module raises and clears them on the bus (`alert`); here each key is one alert on
// one lifecycle (lifecycle.ts), kept in DATA_DIR/alerts.json so it survives a restart, pushed as
// `alertChanged`, and written to InfluxDB (measurement "alert": start, end and ack points) for the
// record and the indicators.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Actor } from '../auth/policy.js';
import { AlertState } from '../api/contract/alerts.js';
import { RECONNECT_CODES } from '../alert-codes.js';
import type { Bus, BusEvents } from '../bus.js';
import { Coalescer } from '../coalesce.js';
import { JsonFile } from '../config/json-file.js';
import { DomainError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import { AlertBook, inboxOrder, type Change } from './lifecycle.js';

const AlertsFile = z.object({ version: z.literal(1).default(1), alerts: z.array(AlertState).default([]) });

export interface AlertFilter {
  state?: 'active' | 'cleared';
  /** true: acknowledged only; false: unacknowledged only. */
  ack?: boolean;
  /** Only those this returns true for (the caller's zones). */
  visible?: (a: AlertState) => boolean;
  limit?: number;
}

export interface AlertsOptions {
  bus: Bus;
  storage: Storage;
  log: Logger;
  /** DATA_DIR/alerts.json */
  file: string;
  site: () => string;
  zoneOf?: (deviceId: string) => string | undefined;
  hamletOf?: (zone: string | undefined, deviceId: string | undefined) => string | undefined;
  now?: () => number;
  /** At most one write per this long (1 s): a burst of changes is one file write. */
  saveEveryMs?: number;
  keepCleared?: number;
  keepClearedMs?: number;
  /**
   * After start, an offline alert (RECONNECT_CODES) is held this long and raised only if its device
   * is still offline then: devices reconnecting after a plane restart raise no mass alerts (120).
   */
  graceS?: number;
}

export class Alerts {
  private readonly book: AlertBook;
  private readonly store: JsonFile<typeof AlertsFile>;
  private readonly saver: Coalescer<never>;
  private off?: () => void;
  private graceUntil = 0;
  private quiet = false;
  private graceTimer?: NodeJS.Timeout;
  /** Offline alerts raised during the grace, by key, until it ends or they clear. */
  private readonly held = new Map<string, BusEvents['alert']>();

  constructor(private readonly o: AlertsOptions) {
    this.book = new AlertBook({ ...(o.keepCleared !== undefined && { keepCleared: o.keepCleared }), ...(o.keepClearedMs !== undefined && { keepClearedMs: o.keepClearedMs }) });
    this.store = new JsonFile({ file: o.file, schema: AlertsFile, log: o.log });
    this.saver = new Coalescer({ everyMs: o.saveEveryMs ?? 1000, flush: () => void this.save() });
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    this.book.load((await this.store.load()).alerts, this.now());
    const graceMs = (this.o.graceS ?? 120) * 1000;
    this.graceUntil = this.now() + graceMs;
    if (graceMs > 0) this.graceTimer = setTimeout(() => this.endGrace(), graceMs);
    this.off = this.o.bus.on('alert', (a) => this.onAlert(a));
  }

  /** The plane is going down: what its own stop sets off (devices dropping) is not taken. */
  quiesce(): void {
    this.quiet = true;
  }

  private onAlert(a: BusEvents['alert']): void {
    if (this.quiet) return;
    if (this.held.size && this.now() >= this.graceUntil) this.endGrace();
    if (RECONNECT_CODES.has(a.what.code) && this.now() < this.graceUntil) {
      // A device already alerting stays as it was saved; a new one waits out the grace.
      if (a.active && this.book.get(a.key)?.state !== 'active') return void this.held.set(a.key, a);
      if (!a.active && this.held.delete(a.key)) return;
    }
    if (a.active) {
      const zone = a.zone ?? (a.device ? this.o.zoneOf?.(a.device) : undefined);
      const hamlet = this.o.hamletOf?.(zone, a.device);
      this.apply(this.book.raise({ key: a.key, what: a.what, severity: a.severity, message: a.message, at: a.at, ...(a.device && { device: a.device }), ...(zone && { zone }), ...(hamlet && { hamlet }) }));
    } else {
      const c = this.book.clear(a.key, a.at, a.message);
      if (c) this.apply(c);
    }
  }

  /** The grace is over: what is still held was not a reconnect, and is raised as it came. */
  private endGrace(): void {
    clearTimeout(this.graceTimer);
    this.graceUntil = 0;
    const held = [...this.held.values()];
    this.held.clear();
    for (const a of held) this.onAlert(a);
  }

  async stop(): Promise<void> {
    this.off?.();
    clearTimeout(this.graceTimer);
    this.saver.stop();
    await this.save();
  }

  get(key: string): AlertState | undefined {
    return this.book.get(key);
  }

  /** Inbox order: unacknowledged active first (controller/alerts/lifecycle.ts `inboxOrder`). */
  list(f: AlertFilter = {}): AlertState[] {
    const out = this.book
      .all()
      .filter((a) => (!f.state || a.state === f.state) && (f.ack === undefined || !!a.ack === f.ack) && (!f.visible || f.visible(a)))
      .sort(inboxOrder);
    return f.limit === undefined ? out : out.slice(0, f.limit);
  }

  /** The alerts active now. */
  active(): AlertState[] {
    return this.list({ state: 'active' });
  }

  /** Someone looked at it; whether they may is the caller's check (the route's policy). */
  acknowledge(actor: Actor, key: string, note?: string): AlertState {
    const c = this.book.acknowledge(key, actor.id, new Date(this.now()), note);
    if ('error' in c) {
      if (c.error === 'not-found') throw new DomainError('not-found', `no alert ${key}`, 404);
      throw new DomainError('alert-already-acknowledged', `alert ${key} is acknowledged already`, 409);
    }
    this.apply(c);
    return c.alert;
  }

  private apply(c: Change): void {
    const a = c.alert;
    const state = c.transition === 'raised' || c.transition === 'reraised' ? 'start' : c.transition === 'cleared' ? 'end' : c.transition === 'acknowledged' ? 'ack' : undefined;
    if (state) {
      const at = state === 'start' ? a.startedAt : state === 'end' ? a.clearedAt! : a.ack!.at;
      this.o.storage.writeEvent({
        measurement: 'alert',
        tags: { site: this.o.site(), severity: a.severity, state },
        fields: {
          key: a.key,
          code: a.what.code,
          message: a.message,
          // An ack: who, and how long after this occurrence began (plane-alert-ack-time).
          ...(state === 'ack' && { by: a.ack!.by, sinceS: Math.max(0, (Date.parse(a.ack!.at) - Date.parse(a.startedAt)) / 1000) }),
        },
        time: Date.parse(at),
      });
    }
    this.o.bus.emit('alertChanged', a);
    this.saver.touch();
  }

  private save(): Promise<void> {
    return this.store.save({ version: 1, alerts: this.book.all() });
  }
}
