// Water accounting: litres used per zone, per local day and per water source, from the valves'
// meters. A valve reports `totalLiters`, a monotonic counter, so usage is the counter's increase;
// a missed reading loses nothing, it only moves water to the next reading's interval.
import { escape } from 'influx';
import { deviceType } from '../../devices/index.js';
import { localDate, zoneFormatter } from '../../devices/local-time.js';
import type { SiteConfig, SiteStore } from '../config/site.js';
import type { Storage } from '../storage/storage.js';

type Zone = SiteConfig['zones'][number];

/** One increase of a meter, at the time of the reading that showed it. */
interface Delta {
  time: number;
  liters: number;
}

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
    const deltas = await this.zoneDeltas(this.zone(zoneId), from, to);
    const byValve: Record<string, number> = {};
    for (const [id, ds] of deltas) byValve[id] = ds.reduce((s, d) => s + d.liters, 0);
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
    const dayOf = (t: number) => isoDay(localDate(new Date(t - 1), tz, 0, fmt));
    const days = new Map<string, number>();
    const last = dayOf(to.getTime());
    for (let i = 0; ; i++) {
      const d = isoDay(localDate(from, tz, i, fmt));
      if (d > last) break;
      days.set(d, 0);
    }
    for (const ds of (await this.zoneDeltas(zone, from, to)).values()) {
      for (const d of ds) {
        const day = dayOf(d.time);
        days.set(day, (days.get(day) ?? 0) + d.liters);
      }
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

  /**
   * Each meter's increases over (from, to]: from the last reading at or before `from` (or, if none,
   * the first in the window) through every reading in it. Summing positive steps rather than taking
   * last − first lets a counter reset (a meter replaced or its memory lost) count: a decrease is a
   * restart from 0, so the new value is the increase since.
   */
  private async zoneDeltas(zone: Zone, from: Date, to: Date): Promise<Map<string, Delta[]>> {
    const rp = escape.quoted(this.o.retentionPolicy ?? 'village_2y');
    const out = new Map<string, Delta[]>();
    await Promise.all(
      this.meters(zone.id).map(async (m) => {
        const series = `${rp}.${escape.quoted(m.measurement)} WHERE "device" = ${escape.stringLit(m.id)}`;
        const [before, inWindow] = await this.o.storage.influx.query<{ time: Date; v: number }>([
          `SELECT last("totalLiters") AS v FROM ${series} AND time <= ${escape.stringLit(from.toISOString())}`,
          `SELECT "totalLiters" AS v FROM ${series} AND time > ${escape.stringLit(from.toISOString())} AND time <= ${escape.stringLit(to.toISOString())} ORDER BY time ASC`,
        ]);
        const readings = (inWindow ?? []).filter((r) => typeof r.v === 'number');
        let prev = before?.[0]?.v ?? readings.shift()?.v;
        const deltas: Delta[] = [];
        for (const r of readings) {
          const liters = prev === undefined ? 0 : r.v >= prev ? r.v - prev : r.v;
          if (liters > 0) deltas.push({ time: r.time.getTime(), liters });
          prev = r.v;
        }
        out.set(m.id, deltas);
      }),
    );
    return out;
  }
}
