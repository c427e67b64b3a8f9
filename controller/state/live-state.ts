// Live state per device: last telemetry, reported state and availability. It is only what devices
// said; a command's intended effect never shows here. It rebuilds at start from a snapshot the
// plane saved (so the last known state shows at once) and from the state/avail that devices
// publish on every connect.
import { readFile } from 'node:fs/promises';
import { deviceType } from '../../devices/index.js';
import { writeFileAtomic } from '../config/atomic.js';
import type { Bus } from '../bus.js';
import type { SiteStore } from '../config/site.js';

export type Availability = 'online' | 'offline' | 'unknown';

export interface DeviceSnapshot {
  id: string;
  type: string;
  name: string;
  hamlet: string;
  zone?: string;
  attributes: Record<string, unknown>;
  availability: Availability;
  /** Why it is offline: its last will, or silence beyond the type's offline-after. */
  availabilityWhy?: 'message' | 'silence';
  lastSeen?: string;
  telemetry?: Record<string, unknown>;
  telemetryAt?: string;
  state?: Record<string, unknown>;
  stateAt?: string;
  lastEvent?: Record<string, unknown>;
}

interface Live {
  availability: Availability;
  why?: 'message' | 'silence';
  lastSeen?: number;
  telemetry?: Record<string, unknown>;
  telemetryAt?: number;
  state?: Record<string, unknown>;
  stateAt?: number;
  lastEvent?: Record<string, unknown>;
}

export class LiveState {
  private readonly live = new Map<string, Live>();
  private readonly dirty = new Set<string>();
  private readonly offs: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private saveTimer?: NodeJS.Timeout;

  constructor(private readonly o: { site: SiteStore; bus: Bus; snapshotFile: string; sweepMs?: number; saveMs?: number; now?: () => number }) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    await this.load();
    const { bus } = this.o;
    this.offs.push(
      bus.on('reading', (r) => {
        const l = this.touch(r.deviceId);
        // A backlog may arrive out of order: keep the newest reading as "last".
        if (!l.telemetryAt || r.ts.getTime() >= l.telemetryAt) {
          l.telemetry = r.values;
          l.telemetryAt = r.ts.getTime();
        }
        this.changed(r.deviceId);
      }),
      bus.on('deviceEvent', (r) => {
        this.touch(r.deviceId).lastEvent = { ...r.values, ts: r.ts.toISOString() };
        this.changed(r.deviceId);
      }),
      bus.on('state', (s) => {
        const l = this.touch(s.deviceId);
        l.state = s.state;
        l.stateAt = s.at.getTime();
        this.changed(s.deviceId);
      }),
      bus.on('availability', (a) => {
        const l = this.get(a.deviceId);
        l.availability = a.availability;
        l.why = a.why;
        if (a.availability === 'online') l.lastSeen = Math.max(l.lastSeen ?? 0, a.at.getTime());
        this.changed(a.deviceId);
      }),
    );
    this.timer = setInterval(() => this.sweep(), this.o.sweepMs ?? 5000);
    this.saveTimer = setInterval(() => void this.save().catch(() => {}), this.o.saveMs ?? 10_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.saveTimer);
    for (const off of this.offs.splice(0)) off();
    await this.save();
  }

  private async save(): Promise<void> {
    await writeFileAtomic(this.o.snapshotFile, JSON.stringify(Object.fromEntries(this.live)));
  }

  /** The last snapshot: what devices last said. "online" is not carried over: nobody vouches for it now. */
  private async load(): Promise<void> {
    let saved: Record<string, Live>;
    try {
      saved = JSON.parse(await readFile(this.o.snapshotFile, 'utf8')) as Record<string, Live>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const [id, l] of Object.entries(saved)) {
      if (!this.o.site.device(id)) continue;
      this.live.set(id, { ...l, availability: l.availability === 'offline' ? 'offline' : 'unknown' });
    }
  }

  /** Marks devices silent beyond their type's offline-after as offline. */
  sweep(): void {
    const now = this.now();
    for (const d of this.o.site.config.devices) {
      const l = this.live.get(d.id);
      if (!l || l.availability !== 'online' || l.lastSeen === undefined) continue;
      if (now - l.lastSeen > deviceType(d.type)!.offlineAfterS * 1000) {
        this.o.bus.emit('availability', { deviceId: d.id, availability: 'offline', at: new Date(now), why: 'silence' });
      }
    }
  }

  snapshot(id: string): DeviceSnapshot | undefined {
    const d = this.o.site.device(id);
    if (!d) return undefined;
    const l = this.live.get(id);
    const iso = (t?: number) => (t === undefined ? undefined : new Date(t).toISOString());
    return {
      id: d.id,
      type: d.type,
      name: d.name,
      hamlet: d.hamlet,
      ...(d.zone && { zone: d.zone }),
      attributes: d.attributes,
      availability: l?.availability ?? 'unknown',
      ...(l?.why && l.availability === 'offline' && { availabilityWhy: l.why }),
      ...(l?.lastSeen !== undefined && { lastSeen: iso(l.lastSeen) }),
      ...(l?.telemetry && { telemetry: l.telemetry, telemetryAt: iso(l.telemetryAt) }),
      ...(l?.state && { state: l.state, stateAt: iso(l.stateAt) }),
      ...(l?.lastEvent && { lastEvent: l.lastEvent }),
    };
  }

  all(): DeviceSnapshot[] {
    return this.o.site.config.devices.map((d) => this.snapshot(d.id)!);
  }

  private get(id: string): Live {
    let l = this.live.get(id);
    if (!l) this.live.set(id, (l = { availability: 'unknown' }));
    return l;
  }

  /** Any message from a device means it is there now. */
  private touch(id: string): Live {
    const l = this.get(id);
    l.lastSeen = this.now();
    if (l.availability !== 'online') {
      l.availability = 'online';
      delete l.why;
    }
    return l;
  }

  /**
   * Coalesced: one `device` event per changed device per turn of the event loop, built only when
   * someone listens. A backlog of 100 readings is one update for a page, not 100 snapshots.
   */
  private changed(id: string): void {
    if (!this.o.bus.listens('device')) return;
    this.dirty.add(id);
    if (this.dirty.size === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const s = this.snapshot(id);
      if (s) this.o.bus.emit('device', s);
    }
  }
}
