// Water accounting: litres used per zone, per local day and per water source, from the valves'
// meters. A valve reports `totalLiters`, a monotonic counter, so usage is the counter's increase
// (storage/counter.ts), counting through a meter reset; a missed reading loses nothing, it only
// moves water to the next reading's interval.
import { deviceType } from '../../devices/index.js';
import { localDate, zoneFormatter } from '../../devices/local-time.js';
import type { SiteConfig, SiteStore } from '../config/site.js';
import { counterIncreases, type CounterIncrease } from '../storage/counter.js';
import type { Storage } from '../storage/storage.js';

type Zone = SiteConfig['zones'][number];

export interface WaterAccountingOptions {
  storage: Storage;
  site: SiteStore;
  retentionPolicy?: string;
}

const isoDay = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

export class WaterAccounting {
  constructor(private readonly o: WaterAccountingOptions) {}

  /** Litres a zone's valves let through over (from, to]. */
  async zoneLiters(zoneId: string, from: Date, to: Date): Promise<{ liters: number; byValve: Record<string, number> }> {
    const byValve: Record<string, number> = {};
    for (const [id, c] of await this.increases(this.zone(zoneId), from, to)) byValve[id] = c.total;
    return { liters: Object.values(byValve).reduce((a, b) => a + b, 0), byValve };
  }

  /**
   * A zone's use per local day over (from, to]. Days run (midnight, midnight], the window's own
   * convention, so a day asked for as [00:00, 24:00] comes back as one day. An increase counts on the
   * day of the reading that showed it: water used across midnight goes to the later day. Days with
   * no water are listed with 0.
   */
  async zoneDaily(zoneId: string, from: Date, to: Date, tz = this.o.site.config.site.tz): Promise<{ day: string; liters: number; litersPerM2: number }[]> {
    const zone = this.zone(zoneId);
    const fmt = zoneFormatter(tz);
    const days = new Map<string, number>();
    const last = isoDay(localDate(new Date(to.getTime() - 1), tz, 0, fmt));
    for (let i = 0; ; i++) {
      const d = isoDay(localDate(from, tz, i, fmt));
      if (d > last) break;
      days.set(d, 0);
    }
    for (const c of (await this.increases(zone, from, to, tz)).values()) {
      for (const [day, liters] of c.byDay) days.set(day, (days.get(day) ?? 0) + liters);
    }
    return [...days].map(([day, liters]) => ({ day, liters, litersPerM2: liters / zone.areaM2 }));
  }

  /** Litres drawn from one water source (a well, a pond, a canal gate) by the zones it feeds. */
  async sourceLiters(sourceId: string, from: Date, to: Date): Promise<{ liters: number; byZone: Record<string, number> }> {
    const zones = this.o.site.config.zones.filter((z) => z.waterSource === sourceId);
    const byZone: Record<string, number> = {};
    for (const z of zones) byZone[z.id] = (await this.zoneLiters(z.id, from, to)).liters;
    return { liters: Object.values(byZone).reduce((a, b) => a + b, 0), byZone };
  }

  private zone(zoneId: string): Zone {
    const z = this.o.site.config.zones.find((z) => z.id === zoneId);
    if (!z) throw new Error(`unknown zone ${zoneId}`);
    return z;
  }

  /** The zone's metered devices: any whose type reports a totalLiters counter. */
  private meters(zoneId: string): { id: string; measurement: string }[] {
    return this.o.site.config.devices.flatMap((d) => {
      const t = deviceType(d.type);
      return d.zone === zoneId && t?.metrics.some((m) => m.key === 'totalLiters') ? [{ id: d.id, measurement: t.influx.measurement }] : [];
    });
  }

  /** Each meter's increase over (from, to], split into local days of `tz` if given; one query per device type. */
  private async increases(zone: Zone, from: Date, to: Date, tz?: string): Promise<Map<string, CounterIncrease>> {
    const byMeasurement = new Map<string, string[]>();
    for (const m of this.meters(zone.id)) byMeasurement.set(m.measurement, [...(byMeasurement.get(m.measurement) ?? []), m.id]);
    const { storage, retentionPolicy } = this.o;
    const parts = await Promise.all(
      [...byMeasurement].map(([measurement, devices]) => counterIncreases({ storage, retentionPolicy, measurement, field: 'totalLiters', devices, from, to, tz })),
    );
    return new Map(parts.flatMap((p) => [...p]));
  }
}
