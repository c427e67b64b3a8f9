// A light group's history for its chart: each light's power (downsampled in InfluxDB, one bucket
// grid for all) and the nights, sunset to sunrise at the site, when the lights should be on.
// Read-only: a read model over Storage and the site.
import { hasTrait } from '../../devices/index.js';
import { dayTimeInstant, localDate, zoneFormatter } from '../../devices/local-time.js';
import type { SiteStore } from '../config/site.js';
import { bucketMs, reads, seriesOfDevices } from '../storage/device-series.js';
import type { Storage } from '../storage/storage.js';

/** The metric charted for a group, from its luminaires. */
export const POWER_METRIC = 'powerW';

export interface GroupHistoryOptions {
  storage: Storage;
  site: SiteStore;
}

export class GroupHistoryReader {
  constructor(private readonly o: GroupHistoryOptions) {}

  async read(groupId: string, fromMs: number, toMs: number, points: number) {
    const cfg = this.o.site.config;
    const group = cfg.lightGroups.find((g) => g.id === groupId)!;
    const stepMs = bucketMs(fromMs, toMs, points);
    const lights = group.devices.map((id) => cfg.devices.find((d) => d.id === id)).filter((d) => d && hasTrait(d.type, 'luminaire') && reads(d, POWER_METRIC)) as typeof cfg.devices;
    const { series, unit } = await seriesOfDevices(this.o.storage, lights, POWER_METRIC, fromMs, toMs, stepMs);
    return { group: groupId, from: fromMs, to: toMs, stepMs, metric: POWER_METRIC, ...(unit && { unit }), lights: series, nights: this.nights(fromMs, toMs) };
  }

  /** Sunset to the next sunrise at the site, for every night that overlaps [from, to), clipped to it. */
  nights(fromMs: number, toMs: number): { from: number; to: number }[] {
    const { lat, lon, tz } = this.o.site.config.site;
    const fmt = zoneFormatter(tz);
    const out: { from: number; to: number }[] = [];
    const days = Math.ceil((toMs - fromMs) / 86_400_000);
    for (let i = -1; i <= days; i++) {
      const dusk = dayTimeInstant({ astro: 'sunset', offsetMin: 0 }, localDate(new Date(fromMs), tz, i, fmt), lat, lon, tz, fmt);
      const dawn = dayTimeInstant({ astro: 'sunrise', offsetMin: 0 }, localDate(new Date(fromMs), tz, i + 1, fmt), lat, lon, tz, fmt);
      // Beyond the polar circles a day may have no dusk or dawn: not a village's case, left out.
      if (!dusk || !dawn || dawn.getTime() <= fromMs || dusk.getTime() >= toMs) continue;
      out.push({ from: Math.max(fromMs, dusk.getTime()), to: Math.min(toMs, dawn.getTime()) });
    }
    return out;
  }
}
