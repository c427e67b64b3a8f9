// The alert lifecycle as a pure state machine over raise, clear and acknowledge: one alert per key
// (source and type), active or cleared, crossed with acknowledged or not. No clock of its own: each
// step carries its time, so tests drive it with a fake one. controller/alerts/alerts.ts persists it.
import type { AlertWhat } from '../alert-codes.js';
import type { AlertState, Severity } from '../api/contract/alerts.js';

export interface Raise {
  key: string;
  what: AlertWhat;
  severity: Severity;
  message: string;
  at: Date;
  device?: string;
  zone?: string;
  hamlet?: string;
}

/** What a step did, for the record (InfluxDB's start, end and ack points) and the live stream. */
export type Transition = 'raised' | 'reraised' | 'seen' | 'escalated' | 'cleared' | 'acknowledged';

export interface Change {
  transition: Transition;
  alert: AlertState;
}

export interface AlertBookOptions {
  /** Cleared alerts kept, newest first (the active ones are always kept). */
  keepCleared?: number;
  /** Cleared alerts older than this are dropped. */
  keepClearedMs?: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export class AlertBook {
  private readonly byKey = new Map<string, AlertState>();
  private readonly keepCleared: number;
  private readonly keepClearedMs: number;
  /** When cleared alerts were last checked for age. */
  private agedAt = Number.NEGATIVE_INFINITY;

  constructor(o: AlertBookOptions = {}) {
    this.keepCleared = o.keepCleared ?? 1000;
    this.keepClearedMs = o.keepClearedMs ?? 30 * 24 * 3600_000;
  }

  /** Loads saved alerts (a restart), pruned as of `now`. */
  load(alerts: readonly AlertState[], now: number): void {
    this.byKey.clear();
    for (const a of alerts) this.byKey.set(a.key, { ...a });
    this.prune(now);
  }

  get(key: string): AlertState | undefined {
    return this.byKey.get(key);
  }

  all(): AlertState[] {
    return [...this.byKey.values()];
  }

  /**
   * The condition is (still) there. A new key or a cleared alert becomes active (count + 1, the ack
   * reset: a new occurrence needs a new look); an active one is seen again, its severity raised if
   * the new one is higher (and then its ack reset too: it is worse than what was looked at).
   */
  raise(r: Raise): Change {
    const at = r.at.toISOString();
    const where = { ...(r.device && { device: r.device }), ...(r.zone && { zone: r.zone }), ...(r.hamlet && { hamlet: r.hamlet }) };
    const old = this.byKey.get(r.key);
    if (!old) {
      const a: AlertState = { key: r.key, what: r.what, severity: r.severity, message: r.message, state: 'active', firstSeen: at, lastSeen: at, startedAt: at, count: 1, ...where };
      this.byKey.set(r.key, a);
      return { transition: 'raised', alert: { ...a } };
    }
    if (old.state === 'cleared') {
      const { ack: _a, clearedAt: _c, ...rest } = old;
      const a: AlertState = { ...rest, ...where, what: r.what, severity: r.severity, message: r.message, state: 'active', lastSeen: at, startedAt: at, count: old.count + 1 };
      this.byKey.set(r.key, a);
      this.prune(r.at.getTime());
      return { transition: 'reraised', alert: { ...a } };
    }
    const higher = RANK[r.severity] > RANK[old.severity];
    const { ack, ...rest } = old;
    const a: AlertState = { ...rest, ...where, what: r.what, message: r.message, lastSeen: at, ...(higher ? { severity: r.severity } : ack && { ack }) };
    this.byKey.set(r.key, a);
    return { transition: higher ? 'escalated' : 'seen', alert: { ...a } };
  }

  /** The condition is gone: an active alert is cleared (its ack kept); anything else is no change. */
  clear(key: string, at: Date, message?: string): Change | undefined {
    const old = this.byKey.get(key);
    if (!old || old.state !== 'active') return undefined;
    const a: AlertState = { ...old, state: 'cleared', clearedAt: at.toISOString(), ...(message && { message }) };
    this.byKey.set(key, a);
    this.prune(at.getTime());
    return { transition: 'cleared', alert: { ...a } };
  }

  /** Someone looked at it. An acknowledged alert stays so until raised again. */
  acknowledge(key: string, by: string, at: Date, note?: string): Change | { error: 'not-found' | 'already-acknowledged' } {
    const old = this.byKey.get(key);
    if (!old) return { error: 'not-found' };
    if (old.ack) return { error: 'already-acknowledged' };
    const a: AlertState = { ...old, ack: { by, at: at.toISOString(), ...(note && { note }) } };
    this.byKey.set(key, a);
    return { transition: 'acknowledged', alert: { ...a } };
  }

  /** Cleared alerts past the age or beyond the count are forgotten, the oldest first. */
  prune(now: number): void {
    // The full pass parses every cleared alert's time: done when over the count, or once a minute
    // for the age (each clear calls this, so the common case is one cheap count).
    let n = 0;
    for (const a of this.byKey.values()) if (a.state === 'cleared') n++;
    if (n <= this.keepCleared && now - this.agedAt < 60_000) return;
    this.agedAt = now;
    const cleared: AlertState[] = [];
    for (const a of this.byKey.values()) {
      if (a.state !== 'cleared') continue;
      if (now - Date.parse(a.clearedAt!) > this.keepClearedMs) this.byKey.delete(a.key);
      else cleared.push(a);
    }
    // Sorted only when over the count (each clear calls this: the common case stays linear).
    if (cleared.length <= this.keepCleared) return;
    cleared.sort((x, y) => y.clearedAt!.localeCompare(x.clearedAt!));
    for (const a of cleared.slice(this.keepCleared)) this.byKey.delete(a.key);
  }
}

/** Unacknowledged active first, then acknowledged active, then cleared; the latest first in each. */
export function inboxOrder(a: AlertState, b: AlertState): number {
  const rank = (x: AlertState) => (x.state === 'active' ? (x.ack ? 1 : 0) : 2);
  return rank(a) - rank(b) || RANK[b.severity] - RANK[a.severity] || (b.clearedAt ?? b.lastSeen).localeCompare(a.clearedAt ?? a.lastSeen);
}
