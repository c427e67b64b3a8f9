// The weather and sun over one site, as a pure function of time and a seed: every device asking
// about the same instant sees the same sky, and a run with the same seed has the same showers.
// Tuned for the Red River delta (north Vietnam): hot humid summers with afternoon showers, mild
// winters; roughly 20–34 °C over the year. Diurnal shapes run on solar time (from longitude).
import { getPosition } from 'suncalc';
import type { SimEnvironment } from '../devices/define.js';
import { clamp, hash32 } from '../devices/sim/util.js';

export type EnvProvider = (now: Date) => SimEnvironment;

export interface EnvironmentOptions {
  lat: number;
  lon: number;
  seed: number;
  /** Whether a valve feeding the zone is open now; the fleet answers it from its simulated valves. */
  zoneWatering?: (zone: string | undefined) => boolean;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export class SiteEnvironment {
  constructor(private readonly o: EnvironmentOptions) {}

  /** A uniform value in [0, 1) fixed by the seed, a stream name and an index (hour or day number). */
  private u(stream: string, i: number): number {
    return hash32(`${this.o.seed >>> 0}:${stream}:${i}`) / 4294967296;
  }

  /** Smooth noise in [0, 1): cosine interpolation between values fixed at every `periodMs`. */
  private smooth(stream: string, t: number, periodMs: number): number {
    const x = t / periodMs;
    const i = Math.floor(x);
    const f = (1 - Math.cos(Math.PI * (x - i))) / 2;
    return this.u(stream, i) * (1 - f) + this.u(stream, i + 1) * f;
  }

  /** Rain rate at t: at most one shower starts in any hour, more often on summer afternoons. */
  rainMmPerH(t: number): number {
    const hour = Math.floor(t / HOUR_MS);
    let rate = 0;
    // A shower may run into the next hour, so the previous hour's shower is checked too.
    for (const h of [hour - 1, hour]) {
      const solarHour = this.solarHour(h * HOUR_MS + HOUR_MS / 2);
      const month = new Date(h * HOUR_MS).getUTCMonth() + 1;
      const wetSeason = month >= 5 && month <= 9;
      const afternoon = solarHour >= 13 && solarHour < 19;
      const p = (afternoon ? 0.12 : 0.035) * (wetSeason ? 1.3 : 0.4);
      if (this.u('shower', h) >= p) continue;
      const start = h * HOUR_MS + this.u('shower-start', h) * 0.5 * HOUR_MS;
      const end = start + (0.25 + 0.75 * this.u('shower-len', h)) * HOUR_MS;
      if (t >= start && t < end) rate = Math.max(rate, 2 + 20 * this.u('shower-mm', h) ** 2);
    }
    return rate;
  }

  private solarHour(t: number): number {
    return (((t / HOUR_MS + this.o.lon / 15) % 24) + 24) % 24;
  }

  at(now: Date): SimEnvironment {
    const t = now.getTime();
    const altDeg = getPosition(now, this.o.lat, this.o.lon).altitude;
    const sunAltitude = (altDeg * Math.PI) / 180;
    const rainMmPerH = this.rainMmPerH(t);
    const wet = clamp(rainMmPerH / 5, 0, 1);

    // Seasonal mean peaks in mid-July; a day-to-day drift of ±1.5 °C keeps days from repeating.
    const doy = (t % (365.25 * DAY_MS)) / DAY_MS;
    const mean = 26.5 + 2.5 * Math.cos((2 * Math.PI * (doy - 196)) / 365.25) + 3 * (this.smooth('day-temp', t, DAY_MS) - 0.5);
    const amp = 4.5;
    // Coldest near 05:30 solar, warmest near 14:00: a slow rise and a long evening fall.
    const h = this.solarHour(t);
    const tMin = 5.5;
    const tMax = 14;
    const shape =
      h >= tMin && h < tMax
        ? -Math.cos((Math.PI * (h - tMin)) / (tMax - tMin))
        : Math.cos((Math.PI * (((h - tMax + 24) % 24) / (24 - (tMax - tMin)))));
    const outdoorTempC = mean + amp * shape - 3 * wet;

    // Humidity falls as the air warms (same moisture, higher saturation), and saturates in rain.
    const dry = (shape + 1) / 2;
    const outdoorHumidityPct = clamp(Math.max(95 - 33 * dry + 4 * (this.smooth('rh', t, 3 * HOUR_MS) - 0.5), 95 * wet), 35, 99);

    const cloud = this.smooth('cloud', t, 2 * HOUR_MS);
    const clearSky = altDeg > 0 ? 1050 * Math.sin(sunAltitude) ** 1.2 : 0;
    const solarWm2 = clearSky * (1 - 0.7 * cloud ** 2) * (1 - 0.75 * wet);

    const daytime = clamp(Math.sin(sunAltitude) * 2, 0, 1);
    const windMs = Math.max(0, 1.2 + 2.5 * daytime + 2 * (this.smooth('wind', t, HOUR_MS) - 0.5) + 4 * wet);

    const watering = this.o.zoneWatering ?? (() => false);
    return { now, sunAltitude, outdoorTempC, outdoorHumidityPct, solarWm2, windMs, rainMmPerH, zoneWatering: watering };
  }
}
