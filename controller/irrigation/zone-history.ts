// A zone's history for its chart: the soil moisture of each of its sensors (downsampled in
// InfluxDB, one bucket grid for all) and when water ran, from the run records plus the runs still
// under way. Read-only: a read model over Storage and the irrigation queue.
import { escape } from 'influx';
import { hasTrait } from '../../devices/index.js';
import type { SiteStore } from '../config/site.js';
import { bucketMs, reads, seriesOfDevices } from '../storage/device-series.js';
import type { Storage } from '../storage/storage.js';
import type { Run } from './schema.js';

/** The soil metric charted for a zone, from its soil sensors. */
export const SOIL_METRIC = 'soilMoisturePct';
/** The longest run (a valve's own limit): a record ending this long after `to` may still overlap. */
const LONGEST_RUN_MS = 4 * 3600_000;

export interface RunPeriod {
  run: string;
  from: number;
  to: number | null;
  status: string;
  program?: string;
  liters?: number;
}

export interface ZoneHistoryOptions {
  storage: Storage;
  site: SiteStore;
  /** The runs the plane holds now (running ones are not recorded until they end). */
  runs: () => readonly Run[];
  retentionPolicy?: string;
}

export class ZoneHistoryReader {
  constructor(private readonly o: ZoneHistoryOptions) {}

  async read(zoneId: string, fromMs: number, toMs: number, points: number) {
    const stepMs = bucketMs(fromMs, toMs, points);
    const sensors = this.o.site.config.devices.filter((d) => d.zone === zoneId && hasTrait(d.type, 'soil-sensor') && reads(d, SOIL_METRIC));
    const [{ series, unit }, runs] = await Promise.all([seriesOfDevices(this.o.storage, sensors, SOIL_METRIC, fromMs, toMs, stepMs), this.runPeriods(zoneId, fromMs, toMs)]);
    return { zone: zoneId, from: fromMs, to: toMs, stepMs, metric: SOIL_METRIC, ...(unit && { unit }), sensors: series, runs };
  }

  /** Runs that watered the zone at some time in [from, to), oldest first. */
  async runPeriods(zoneId: string, fromMs: number, toMs: number): Promise<RunPeriod[]> {
    const rp = escape.quoted(this.o.retentionPolicy ?? 'village_2y');
    // A record's time is the run's end; ranS reaches back to its start.
    const rows = await this.o.storage.influx.query<{ time: Date; run: string; ranS: number; status: string; program?: string | null; liters?: number | null }>(
      `SELECT "run", "ranS", "status", "program", "liters" FROM ${rp}."irrigation_run" WHERE "zone" = ${escape.stringLit(zoneId)} ` +
        `AND time > ${Math.floor(fromMs)}ms AND time < ${Math.floor(toMs + LONGEST_RUN_MS)}ms`,
    );
    // A run is recorded again once its water is counted: the later record wins.
    const byRun = new Map<string, RunPeriod>();
    for (const r of rows) {
      const end = r.time.getTime();
      const start = end - r.ranS * 1000;
      if (r.ranS <= 0 || start >= toMs) continue;
      byRun.set(r.run, { run: r.run, from: start, to: end, status: r.status, ...(r.program && { program: r.program }), ...(typeof r.liters === 'number' && { liters: r.liters }) });
    }
    for (const r of this.o.runs()) {
      if (r.zone !== zoneId || r.startedAt === undefined || r.endedAt !== undefined || byRun.has(r.id) || r.startedAt >= toMs) continue;
      byRun.set(r.id, { run: r.id, from: r.startedAt, to: null, status: r.status, ...(r.program && { program: r.program }) });
    }
    return [...byRun.values()].sort((a, b) => a.from - b.from);
  }
}
