// Weather for irrigation: rain and reference evapotranspiration (ET0) over the last 24 h, from the
// outdoor weather stations' readings in InfluxDB. ET0 is Hargreaves (FAO-56 eq. 52): it needs only
// air temperature, which every station has, where Penman-Monteith would need calibrated radiation
// and wind at 2 m that village stations rarely give.
import { escape } from 'influx';
import { deviceType } from '../../devices/index.js';
import { localDate } from '../../devices/local-time.js';
import type { SiteStore } from '../config/site.js';
import type { Storage } from '../storage/storage.js';

const SOLAR_CONSTANT = 0.082; // MJ m⁻² min⁻¹
/** MJ m⁻² day⁻¹ to mm/day of evaporated water (FAO-56 eq. 20: 1 / λ, λ = 2.45 MJ kg⁻¹). */
const MJ_TO_MM = 0.408;
const DAY_MS = 24 * 3600_000;

/** Extraterrestrial radiation Ra (FAO-56 eq. 21–25), as mm/day of evaporation equivalent. */
export function extraterrestrialRadiationMm(latDeg: number, dayOfYear: number): number {
  const phi = (latDeg * Math.PI) / 180;
  const dr = 1 + 0.033 * Math.cos((2 * Math.PI * dayOfYear) / 365); // inverse relative Earth–Sun distance
  const delta = 0.409 * Math.sin((2 * Math.PI * dayOfYear) / 365 - 1.39); // solar declination
  // Clamped: beyond the polar circles the sun never sets (ωs = π) or never rises (ωs = 0).
  const ws = Math.acos(Math.min(1, Math.max(-1, -Math.tan(phi) * Math.tan(delta))));
  const raMj =
    ((24 * 60) / Math.PI) *
    SOLAR_CONSTANT *
    dr *
    (ws * Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * Math.sin(ws));
  return Math.max(0, raMj) * MJ_TO_MM;
}

/** Hargreaves reference evapotranspiration, mm/day. */
export function hargreavesEt0(o: { tMinC: number; tMaxC: number; tMeanC?: number; latDeg: number; dayOfYear: number }): number {
  const tMean = o.tMeanC ?? (o.tMinC + o.tMaxC) / 2;
  const ra = extraterrestrialRadiationMm(o.latDeg, o.dayOfYear);
  return 0.0023 * ra * (tMean + 17.8) * Math.sqrt(Math.max(0, o.tMaxC - o.tMinC));
}

/** Day of the year (1..366) of a local calendar date. */
function dayOfYear(d: { year: number; month: number; day: number }): number {
  return Math.round((Date.UTC(d.year, d.month - 1, d.day) - Date.UTC(d.year, 0, 0)) / DAY_MS);
}

export interface WeatherServiceOptions {
  storage: Storage;
  site: SiteStore;
  retentionPolicy?: string;
  /** Fewer temperature samples than this in 24 h cannot show the day's range. */
  minTempSamples?: number;
}

export class WeatherService {
  constructor(private readonly o: WeatherServiceOptions) {}

  /**
   * Rain over (now − 24 h, now]: each station's sum of rainMm (rain since its previous reading),
   * then the mean over the stations that reported. Undefined when none reported.
   */
  async rainLast24h(now: Date): Promise<{ mm: number; stations: number } | undefined> {
    const from = this.stationsQuery(now);
    if (!from) return undefined;
    const rows = await this.o.storage.influx.query<{ device: string; mm: number | null }>(
      `SELECT sum("rainMm") AS mm FROM ${from} GROUP BY "device"`,
    );
    const sums = rows.map((r) => r.mm).filter((mm): mm is number => typeof mm === 'number');
    if (sums.length === 0) return undefined;
    return { mm: sums.reduce((a, b) => a + b, 0) / sums.length, stations: sums.length };
  }

  /**
   * ET0 of the last 24 h from the air temperature range over all outdoor stations. Undefined when
   * there are too few samples. tMeanC is the mean of the samples; ET0 itself uses (Tmin + Tmax) / 2,
   * as FAO-56 eq. 9 defines the daily mean, to stay on the calibration of the method.
   */
  async et0Last24h(now: Date): Promise<{ et0Mm: number; tMinC: number; tMaxC: number; tMeanC: number; samples: number } | undefined> {
    const from = this.stationsQuery(now);
    if (!from) return undefined;
    const rows = await this.o.storage.influx.query<{ tMin: number; tMax: number; tMean: number; n: number }>(
      `SELECT min("airTempC") AS tMin, max("airTempC") AS tMax, mean("airTempC") AS tMean, count("airTempC") AS n FROM ${from}`,
    );
    // One row per measurement (stations of different types may store apart): merge them.
    const samples = rows.reduce((n, r) => n + (r.n ?? 0), 0);
    if (samples < (this.o.minTempSamples ?? 6)) return undefined;
    const tMinC = Math.min(...rows.map((r) => r.tMin));
    const tMaxC = Math.max(...rows.map((r) => r.tMax));
    const tMeanC = rows.reduce((s, r) => s + r.tMean * r.n, 0) / samples;
    const { site } = this.o.site.config;
    // The window spans two local dates; its middle picks the one that holds most of it.
    const day = dayOfYear(localDate(new Date(now.getTime() - DAY_MS / 2), site.tz));
    const et0Mm = hargreavesEt0({ tMinC, tMaxC, latDeg: site.lat, dayOfYear: day });
    return { et0Mm, tMinC, tMaxC, tMeanC, samples };
  }

  /**
   * The FROM … WHERE part selecting the site's outdoor stations over (now − 24 h, now], or
   * undefined when the site has none. A station is any device whose type measures rain: that keeps
   * greenhouse sensors (air temperature, but indoors) out without naming a device model.
   */
  private stationsQuery(now: Date): string | undefined {
    const byMeasurement = new Map<string, string[]>();
    for (const d of this.o.site.config.devices) {
      const t = deviceType(d.type);
      if (!t?.metrics.some((m) => m.key === 'rainMm')) continue;
      byMeasurement.set(t.influx.measurement, [...(byMeasurement.get(t.influx.measurement) ?? []), d.id]);
    }
    if (byMeasurement.size === 0) return undefined;
    const rp = escape.quoted(this.o.retentionPolicy ?? 'village_2y');
    const measurements = [...byMeasurement.keys()].map((m) => `${rp}.${escape.quoted(m)}`).join(', ');
    const devices = [...byMeasurement.values()].flat().map((id) => `"device" = ${escape.stringLit(id)}`).join(' OR ');
    const since = new Date(now.getTime() - DAY_MS).toISOString();
    return `${measurements} WHERE (${devices}) AND time > ${escape.stringLit(since)} AND time <= ${escape.stringLit(now.toISOString())}`;
  }
}
