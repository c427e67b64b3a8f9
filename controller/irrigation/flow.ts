// Abnormal flow at a metered valve: water running while the valve reports closed (a leak, a stuck
// valve, a burst line) and no water while it reports open (a dry well, a stopped pump, a blocked
// filter). Each alert is raised once when its condition starts and ended once when it clears.
import { deviceType } from '../../devices/index.js';
import type { Bus, BusEvents, Reading } from '../bus.js';
import type { SiteStore } from '../config/site.js';
import type { LiveState } from '../state/live-state.js';

export interface FlowMonitorOptions {
  bus: Bus;
  site: SiteStore;
  live: LiveState;
  now?: () => number;
  /** Whether an alert of this key is active (saved before a restart), so a condition gone meanwhile is cleared. */
  wasActive?: (key: string) => boolean;
  /** Flow above this while closed is a leak. */
  leakLpm?: number;
  /** Open this long with flow below noFlowLpm is no flow: water takes a while to reach the meter. */
  noFlowAfterS?: number;
  noFlowLpm?: number;
  /** After a close, the line drains through the meter for a moment: no leak is judged meanwhile. */
  closeSettleS?: number;
  /** A reading older than this (a backlog sent after a reconnect) says nothing about now. */
  staleS?: number;
}

interface Valve {
  /** As last reported; undefined until the valve has reported a state. */
  open?: boolean;
  /** Monitor time it was first seen open in its current run. */
  openedAt: number;
  /** Monitor time it was seen going from open to closed. */
  closedAt?: number;
  lastReadingTs: number;
  leak: boolean;
  noFlow: boolean;
}

type Alert = BusEvents['alert'];

export class FlowMonitor {
  private readonly valves = new Map<string, Valve>();
  private readonly offs: (() => void)[] = [];

  constructor(private readonly o: FlowMonitorOptions) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    // What the valves last reported before this start; the time they opened is unknown, so a no-flow
    // alert waits a full noFlowAfterS from now.
    for (const d of this.o.site.config.devices) {
      const open = this.o.live.snapshot(d.id)?.state?.open;
      if (this.metered(d.id) && typeof open === 'boolean') this.valve(d.id).open = open;
    }
    this.offs.push(
      this.o.bus.on('state', (s) => this.onState(s)),
      this.o.bus.on('reading', (r) => this.onReading(r)),
    );
  }

  async stop(): Promise<void> {
    // Active alerts stay active: stopping the monitor does not fix a leak.
    for (const off of this.offs.splice(0)) off();
  }

  /** A valve with a flow meter, by its type's metrics rather than by its model. */
  private metered(deviceId: string): boolean {
    const d = this.o.site.device(deviceId);
    return !!d && !!deviceType(d.type)?.metrics.some((m) => m.key === 'flowLpm');
  }

  private valve(id: string): Valve {
    let v = this.valves.get(id);
    if (!v) {
      const was = (k: string) => this.o.wasActive?.(`flow.${k}.${id}`) ?? false;
      this.valves.set(id, (v = { openedAt: this.now(), lastReadingTs: 0, leak: was('leak'), noFlow: was('none') }));
    }
    return v;
  }

  private onState(s: BusEvents['state']): void {
    if (!this.metered(s.deviceId) || typeof s.state.open !== 'boolean') return;
    const v = this.valve(s.deviceId);
    if (s.state.open && v.open !== true) v.openedAt = this.now();
    if (!s.state.open && v.open === true) v.closedAt = this.now();
    v.open = s.state.open;
    // Each condition is about one valve position; the other position ends it.
    // Only ends here; the alert keeps the flow of its start.
    if (v.open) this.set(s.deviceId, v, 'leak', 0, false, `${s.deviceId} opened: leak alert cleared`);
    else this.set(s.deviceId, v, 'noFlow', 0, false, `${s.deviceId} closed: no-flow alert cleared`);
  }

  private onReading(r: Reading): void {
    const flow = r.values.flowLpm;
    if (typeof flow !== 'number' || !this.metered(r.deviceId)) return;
    const now = this.now();
    const v = this.valve(r.deviceId);
    const ts = r.ts.getTime();
    if (ts < v.lastReadingTs || now - ts > (this.o.staleS ?? 120) * 1000) return;
    v.lastReadingTs = ts;
    const id = r.deviceId;
    if (v.open === false && (v.closedAt === undefined || now - v.closedAt >= (this.o.closeSettleS ?? 10) * 1000)) {
      const leak = flow > (this.o.leakLpm ?? 0.5);
      this.set(id, v, 'leak', flow, leak, leak ? `${id} reports ${flow} L/min while closed (leak?)` : `${id}: no flow while closed again`);
    }
    if (v.open === true) {
      const none = flow < (this.o.noFlowLpm ?? 0.2);
      const openS = (now - v.openedAt) / 1000;
      if (none && openS > (this.o.noFlowAfterS ?? 60)) {
        this.set(id, v, 'noFlow', flow, true, `${id} open for ${Math.round(openS)} s with ${flow} L/min (no water?)`);
      } else if (!none) this.set(id, v, 'noFlow', flow, false, `${id}: water flowing again (${flow} L/min)`);
    }
  }

  /** Emits only on a change, so an alert starts once and ends once. */
  private set(id: string, v: Valve, kind: 'leak' | 'noFlow', flowLpm: number, active: boolean, message: string): void {
    if (v[kind] === active) return;
    v[kind] = active;
    const alert: Alert = {
      key: `flow.${kind === 'leak' ? 'leak' : 'none'}.${id}`,
      what: { code: kind === 'leak' ? 'flow-leak' : 'flow-none', device: id, flowLpm },
      severity: kind === 'leak' ? 'critical' : 'warning',
      message,
      at: new Date(this.now()),
      active,
      device: id,
    };
    this.o.bus.emit('alert', alert);
  }
}
