// Lamp faults from what a street light reports: a dead lamp (no power at a level above 0), a
// driver that does not follow its dim level, a lamp lit when it should be off, and a light gone
// offline. Each alert is raised once when its condition starts and ended once when it clears.
import { deviceType } from '../../devices/index.js';
import { lightPowerW } from '../../devices/sim/street-light.js';
import type { Bus, BusEvents, Reading } from '../bus.js';
import { desiredConfig, type SiteStore } from '../config/site.js';
import type { LiveState } from '../state/live-state.js';

export interface LampMonitorOptions {
  bus: Bus;
  site: SiteStore;
  live: LiveState;
  now?: () => number;
  /** Whether an alert of this key is active (saved before a restart), so a condition gone meanwhile is cleared. */
  wasActive?: (key: string) => boolean;
  /** Below this share of the rated power a lamp is dark; above it at level 0 it is lit. */
  lowPowerShare?: number;
  /** How far (as a share of the rated power) the draw may stray from the level's expected power. */
  trackTolerance?: number;
  /** Drivers ramp after a level change: readings this soon after one are not judged. */
  settleS?: number;
  /** A reading older than this (a backlog sent after a reconnect) says nothing about now. */
  staleS?: number;
}

type Kind = 'lampFailure' | 'dimmingFailure' | 'unexpectedOn' | 'offline';
type Alert = BusEvents['alert'];

const CODE = { lampFailure: 'light-lamp-failure', dimmingFailure: 'light-dimming-failure', unexpectedOn: 'light-unexpected-on', offline: 'light-offline' } as const satisfies Record<Kind, string>;

const SEVERITY: Record<Kind, Alert['severity']> = {
  lampFailure: 'critical',
  dimmingFailure: 'warning',
  unexpectedOn: 'warning',
  offline: 'warning',
};

interface Lamp {
  /** The dim level as last reported; undefined until the light has reported a state. */
  level?: number;
  /** Monitor time of the last level change. */
  levelChangedAt: number;
  lastReadingTs: number;
  active: Record<Kind, boolean>;
}

export class LampMonitor {
  private readonly lamps = new Map<string, Lamp>();
  private readonly lightTypes = new Map<string, boolean>(); // by device type, asked on every reading
  private readonly offs: (() => void)[] = [];

  constructor(private readonly o: LampMonitorOptions) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    // What the lights last reported before this start. A level reported then has been in force
    // since it was received; an offline light is still offline and its alert must show again.
    for (const d of this.o.site.config.devices) {
      if (!this.isLight(d.id)) continue;
      const snap = this.o.live.snapshot(d.id);
      const level = snap?.state?.level;
      if (typeof level === 'number') {
        const lamp = this.lamp(d.id);
        lamp.level = level;
        lamp.levelChangedAt = snap?.stateAt ? Date.parse(snap.stateAt) : 0;
      }
      if (snap?.availability === 'offline') {
        this.set(d.id, 'offline', true, `${d.id} is offline (${snap.availabilityWhy === 'silence' ? 'silent' : 'last will'})`);
      }
    }
    this.offs.push(
      this.o.bus.on('state', (s) => this.onState(s)),
      this.o.bus.on('reading', (r) => this.onReading(r)),
      this.o.bus.on('availability', (a) => this.onAvailability(a)),
    );
  }

  async stop(): Promise<void> {
    // Active alerts stay active: stopping the monitor does not mend a lamp.
    for (const off of this.offs.splice(0)) off();
  }

  /** A light with a power meter and a lamp status, by its type's metrics rather than by its model. */
  private isLight(deviceId: string): boolean {
    const type = this.o.site.device(deviceId)?.type;
    if (!type) return false;
    let yes = this.lightTypes.get(type);
    if (yes === undefined) {
      const keys = new Set(deviceType(type)?.metrics.map((m) => m.key));
      this.lightTypes.set(type, (yes = keys.has('powerW') && keys.has('lampStatus')));
    }
    return yes;
  }

  private lamp(id: string): Lamp {
    let l = this.lamps.get(id);
    if (!l) {
      const was = (k: Kind) => this.o.wasActive?.(`light.${k}.${id}`) ?? false;
      l = { levelChangedAt: this.now(), lastReadingTs: 0, active: { lampFailure: was('lampFailure'), dimmingFailure: was('dimmingFailure'), unexpectedOn: was('unexpectedOn'), offline: was('offline') } };
      this.lamps.set(id, l);
    }
    return l;
  }

  private onState(s: BusEvents['state']): void {
    if (!this.isLight(s.deviceId)) return;
    const l = this.lamp(s.deviceId);
    this.set(s.deviceId, 'offline', false, `${s.deviceId} is back online`);
    const level = s.state.level;
    if (typeof level !== 'number' || level === l.level) return;
    l.level = level;
    l.levelChangedAt = this.now();
  }

  private onAvailability(a: BusEvents['availability']): void {
    if (!this.isLight(a.deviceId)) return;
    const id = a.deviceId;
    if (a.availability === 'offline') this.set(id, 'offline', true, `${id} is offline (${a.why === 'silence' ? 'silent' : 'last will'})`);
    else this.set(id, 'offline', false, `${id} is back online`);
  }

  private onReading(r: Reading): void {
    if (!this.isLight(r.deviceId)) return;
    const id = r.deviceId;
    // Any message is the device there now, even a backlog (the plane only marks silence offline).
    this.set(id, 'offline', false, `${id} is back online`);
    const now = this.now();
    const l = this.lamp(id);
    const ts = r.ts.getTime();
    if (ts < l.lastReadingTs || now - ts > (this.o.staleS ?? 120) * 1000) return;
    l.lastReadingTs = ts;

    // The device's own verdict (a luminaire controller that senses its lamp) needs no judging.
    const status = r.values.lampStatus;
    const says = (k: Kind) => status === k;
    for (const k of ['lampFailure', 'dimmingFailure', 'unexpectedOn'] as const) {
      if (says(k)) this.set(id, k, true, `${id} reports ${k}`);
    }

    const p = r.values.powerW;
    const level = l.level;
    if (typeof p !== 'number' || level === undefined || now - l.levelChangedAt < (this.o.settleS ?? 10) * 1000) return;
    const d = this.o.site.device(id)!;
    const rated = desiredConfig(this.o.site.config, d).ratedPowerW as number;
    const low = (this.o.lowPowerShare ?? 0.05) * rated;
    // A healthy lamp's draw: the same model (level plus driver loss) the simulated luminaire follows.
    const expected = lightPowerW(level, rated);
    const at = `${p} W at level ${level} %`;

    if (level > 0) {
      const dark = p < low;
      const off = !dark && Math.abs(p - expected) > (this.o.trackTolerance ?? 0.25) * rated;
      this.set(id, 'lampFailure', dark || says('lampFailure'), dark ? `${id} draws ${at} (lamp failed?)` : `${id}: lamp lit again (${at})`);
      this.set(
        id,
        'dimmingFailure',
        off || says('dimmingFailure'),
        off ? `${id} draws ${at}, expected about ${expected.toFixed(1)} W (dimming failed?)` : `${id}: follows its level again (${at})`,
      );
      // Meant to be lit: "lit when it should be off" no longer applies.
      this.set(id, 'unexpectedOn', says('unexpectedOn'), `${id}: switched on by its program (${at})`);
    } else {
      const lit = p > low;
      this.set(id, 'unexpectedOn', lit || says('unexpectedOn'), lit ? `${id} draws ${at} (lit while switched off)` : `${id}: dark again at level 0`);
      // No level to follow while off.
      this.set(id, 'dimmingFailure', says('dimmingFailure'), `${id}: switched off (${at})`);
      // A dark lamp at level 0 proves nothing: a failure stays raised until the lamp is seen lit,
      // rather than ending every morning and starting again every evening.
    }
  }

  /** Emits only on a change, so an alert starts once and ends once. */
  private set(id: string, kind: Kind, active: boolean, message: string): void {
    const l = this.lamp(id);
    if (l.active[kind] === active) return;
    l.active[kind] = active;
    this.o.bus.emit('alert', { key: `light.${kind}.${id}`, what: { code: CODE[kind], device: id }, severity: SEVERITY[kind], message, at: new Date(this.now()), active, device: id });
  }
}
