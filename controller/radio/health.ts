// Loudspeaker-cluster health: an alert while a cluster is offline (its last will, or silence) and
// while its amplifier reports a fault. Each is raised once when it starts and ended once.
import type { Bus, BusEvents } from '../bus.js';
import type { SiteStore } from '../config/site.js';
import type { LiveState } from '../state/live-state.js';

type Alert = BusEvents['alert'];

export class ClusterHealth {
  private readonly active = new Set<string>();
  private readonly offs: (() => void)[] = [];

  constructor(private readonly o: { bus: Bus; site: SiteStore; live: LiveState; wasActive?: (key: string) => boolean }) {}

  private name(id: string): string | undefined {
    const d = this.o.site.device(id);
    return d?.type === 'loudspeaker' ? `${d.name} (${this.o.site.config.hamlets.find((h) => h.id === d.hamlet)?.name ?? d.hamlet})` : undefined;
  }

  async start(): Promise<void> {
    // What was known before this start (the live-state snapshot): an offline cluster alerts again.
    // Alerts saved active are taken as on, so a cluster mended meanwhile clears its alert.
    for (const d of this.o.site.config.devices) {
      for (const k of [`radio-offline:${d.id}`, `radio-amplifier:${d.id}`]) if (this.o.wasActive?.(k)) this.active.add(k);
      const s = this.o.live.snapshot(d.id);
      if (!this.name(d.id) || !s) continue;
      if (s.availability === 'offline') this.set(`radio-offline:${d.id}`, true, 'warning', `${this.name(d.id)} is offline`, new Date());
      if (s.telemetry?.amplifierOk === false) this.set(`radio-amplifier:${d.id}`, true, 'critical', `${this.name(d.id)}: amplifier fault`, new Date());
    }
    this.offs.push(
      this.o.bus.on('availability', (a) => {
        const n = this.name(a.deviceId);
        if (n) this.set(`radio-offline:${a.deviceId}`, a.availability === 'offline', 'warning', `${n} is offline`, a.at);
      }),
      this.o.bus.on('reading', (r) => {
        const n = this.name(r.deviceId);
        if (n && typeof r.values.amplifierOk === 'boolean') this.set(`radio-amplifier:${r.deviceId}`, !r.values.amplifierOk, 'critical', `${n}: amplifier fault`, r.ts);
      }),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
  }

  private set(key: string, on: boolean, severity: Alert['severity'], message: string, at: Date): void {
    if (on === this.active.has(key)) return;
    if (on) this.active.add(key);
    else this.active.delete(key);
    const [code, device] = key.split(':') as ['radio-offline' | 'radio-amplifier', string];
    this.o.bus.emit('alert', { key, what: { code, device }, severity, message: on ? message : `${message}: recovered`, at, active: on });
  }
}
