// Flood and brute-force signals from the broker: its refusals (auth failures, denied topics,
// rate-limit disconnects) counted per source in a sliding minute; over a threshold an alert is
// raised on the bus, and cleared once the source has been quiet for a while. A source is a client
// id the broker knows, or the address for ids it does not (a guesser can pick a new id each time).
import type { BrokerRefusal } from '../../broker/broker.js';
import type { Bus, BusEvents } from '../bus.js';

export interface BrokerWatchThresholds {
  /** Failed connects per source per window (10). */
  authFailures: number;
  /** Denied publishes and subscribes per source per window (50). */
  deniedTopics: number;
  /** Rate-limit disconnects per source per window (3). */
  rateLimited: number;
}

export const DEFAULT_BROKER_THRESHOLDS: BrokerWatchThresholds = { authFailures: 10, deniedTopics: 50, rateLimited: 3 };

export interface BrokerWatchOptions {
  bus: Bus;
  thresholds?: Partial<BrokerWatchThresholds>;
  /** The sliding window (a minute). */
  windowMs?: number;
  /** An alert clears after the source has had no refusal of its kind this long (5 min). */
  quietMs?: number;
  /** How often quiet sources are looked for (10 s); 0: only when tick() is called (tests). */
  tickMs?: number;
  /** Sources tracked at most; past it the stalest are forgotten (an address sweep cannot grow memory). */
  maxSources?: number;
  now?: () => number;
}

const KINDS = {
  auth: { code: 'broker-auth-failures', threshold: 'authFailures', severity: 'critical', words: 'failed connects' },
  denied: { code: 'broker-denied-topics', threshold: 'deniedTopics', severity: 'warning', words: 'denied topics' },
  rate: { code: 'broker-rate-limited', threshold: 'rateLimited', severity: 'warning', words: 'rate-limit disconnects' },
} as const satisfies Record<BrokerRefusal['kind'], { code: string; threshold: keyof BrokerWatchThresholds; severity: BusEvents['alert']['severity']; words: string }>;

interface Source {
  kind: BrokerRefusal['kind'];
  clientId?: string;
  ip?: string;
  /** Refusal times in the window, oldest first. */
  times: number[];
  /** The latest refusal, kept after it slides out of the window. */
  lastAt: number;
  active: boolean;
  /** When the alert was last raised or seen again: at most one per window while it lasts. */
  raisedAt: number;
}

export class BrokerWatch {
  private readonly sources = new Map<string, Source>();
  private readonly thresholds: BrokerWatchThresholds;
  private timer?: NodeJS.Timeout;

  constructor(private readonly o: BrokerWatchOptions) {
    this.thresholds = { ...DEFAULT_BROKER_THRESHOLDS, ...o.thresholds };
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private get windowMs(): number {
    return this.o.windowMs ?? 60_000;
  }

  async start(): Promise<void> {
    const every = this.o.tickMs ?? 10_000;
    if (every > 0) {
      this.timer = setInterval(() => this.tick(), every);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  /** The broker's onRefusal. */
  record(r: BrokerRefusal): void {
    const now = this.now();
    const who = r.known || !r.ip ? { clientId: r.clientId || '(none)' } : { ip: r.ip };
    const id = `${r.kind}\n${'clientId' in who ? `id:${who.clientId}` : `ip:${who.ip}`}`;
    let s = this.sources.get(id);
    if (s) this.sources.delete(id); // re-inserted below: the map's order is least recently refused first
    else {
      if (this.sources.size >= (this.o.maxSources ?? 10_000)) this.forgetStalest();
      s = { kind: r.kind, ...who, times: [], lastAt: now, active: false, raisedAt: 0 };
    }
    this.sources.set(id, s);
    s.times.push(now);
    s.lastAt = now;
    this.slide(s, now);
    const k = KINDS[r.kind];
    const over = s.times.length >= this.thresholds[k.threshold];
    // Raised when it crosses; while active, seen again at most once a window with the newest count.
    if (over && (!s.active || now - s.raisedAt >= this.windowMs)) {
      s.active = true;
      s.raisedAt = now;
      this.emit(id, s, true, now);
    }
  }

  /** Clears the alerts of sources quiet for quietMs; forgets sources with nothing left to say. */
  tick(now = this.now()): void {
    for (const [id, s] of this.sources) {
      this.slide(s, now);
      if (s.active && now - s.lastAt >= (this.o.quietMs ?? 5 * 60_000)) {
        s.active = false;
        this.emit(id, s, false, now);
      }
      if (!s.active && s.times.length === 0) this.sources.delete(id);
    }
  }

  private slide(s: Source, now: number): void {
    while (s.times.length && now - s.times[0]! >= this.windowMs) s.times.shift();
  }

  /** The least recently refused source without an active alert: the first such in the map's order. */
  private forgetStalest(): void {
    for (const [id, s] of this.sources) {
      if (s.active) continue;
      this.sources.delete(id);
      return;
    }
  }

  private emit(id: string, s: Source, active: boolean, now: number): void {
    const k = KINDS[s.kind];
    const count = s.times.length;
    const source = s.clientId ?? `address ${s.ip}`;
    this.o.bus.emit('alert', {
      key: `broker.${s.kind}.${id.split('\n')[1]}`,
      what: { code: k.code, ...(s.clientId && { clientId: s.clientId }), ...(s.ip && { ip: s.ip }), count },
      severity: k.severity,
      message: active ? `${source}: ${count} ${k.words} in the last ${Math.round(this.windowMs / 1000)} s` : `${source}: quiet again`,
      at: new Date(now),
      active,
      // A known device's alert has its zone (a farmer sees their own device's).
      ...(s.clientId && { device: s.clientId }),
    });
  }
}
