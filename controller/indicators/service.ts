// Computes the indicators for a month and keeps each month's figures in InfluxDB (`indicator`:
// one point per indicator and hamlet, and for the commune, at the month's start, in the
// `village_10y` policy), so history is cheap and outlives the raw data's two years. A finished
// month is read back from there unless a recompute is asked for; the month under way is computed up to now and not stored. A demo may
// seed past months with simulated figures (seedSimulated): each point carries `simulated`, true for
// those and false for computed ones, so a recompute over a seeded month clears the mark.
import { escape } from 'influx';
import type { Logger } from 'pino';
import type { SiteStore } from '../config/site.js';
import type { Storage } from '../storage/storage.js';
import { indicators, meets, valueOf, type Finding, type IndicatorDefinition, type IndicatorResult, type Ratio } from './index.js';
import { notableEvents, type NotableEvents } from './notable.js';
import { addMonths, monthKey, monthSpan, parseMonth, type Month } from './period.js';

/** The shape's version: the province roll-up aggregates these snapshots, so a change bumps it. */
export const SNAPSHOT_VERSION = 1;
const COMMUNE = 'commune';

export interface HamletFigure extends Ratio {
  hamlet: string;
  value: number | null;
}

export interface IndicatorFigure extends Ratio {
  id: string;
  value: number | null;
  met?: boolean;
  hamlets: HamletFigure[];
  findings: Finding[];
}

export interface Snapshot {
  version: typeof SNAPSHOT_VERSION;
  site: string;
  period: string;
  from: string;
  to: string;
  /** False for the month under way: its figures run to `to` (now), and are not stored. */
  complete: boolean;
  computedAt: string;
  /** How long computing took, ms (0 when read back from storage). */
  computeMs: number;
  /** True when the month's stored figures are simulated (a demo's seeded history), not computed. */
  simulated?: boolean;
  indicators: IndicatorFigure[];
}

/** One month's stored figure of an indicator. */
export interface HistoryPoint extends Ratio {
  period: string;
  value: number | null;
  met?: boolean;
  /** A simulated figure (a demo's seeded history). */
  simulated?: true;
}

export interface History {
  version: typeof SNAPSHOT_VERSION;
  site: string;
  from: string;
  to: string;
  hamlet?: string;
  months: string[];
  series: { id: string; points: HistoryPoint[] }[];
}

/** One simulated month to store: each indicator's commune ratio, and each hamlet's for a hamlet-scoped one. */
export interface SimulatedMonthInput {
  period: string;
  indicators: { id: string; commune: Ratio; hamlets?: Record<string, Ratio> }[];
}

/** The finding every simulated month's commune figures carry, so the details say why there is no other. */
export const SIMULATED_FINDING: Finding = { code: 'simulated' };

/** At most this many finished months missing from storage are computed (and stored) per history call. */
export const HISTORY_COMPUTE_LIMIT = 12;

export interface IndicatorServiceOptions {
  storage: Storage;
  site: SiteStore;
  log: Logger;
  now?: () => number;
  retentionPolicy?: string;
  /** Where the monthly figures are kept: a longer policy than the raw data's. */
  archivePolicy?: string;
}

/** Findings as JSON within InfluxDB's comfortable field size: the last ones give way to a count. */
const MAX_FINDINGS_JSON = 16_000;
export function boundedJson(findings: Finding[]): string {
  let kept = findings;
  let json = JSON.stringify(kept);
  while (json.length > MAX_FINDINGS_JSON && kept.length > 0) {
    kept = kept.slice(0, Math.floor(kept.length * 0.8));
    json = JSON.stringify([...kept, { code: 'more-findings', params: { count: findings.length - kept.length } }]);
  }
  return json;
}

export class IndicatorService {
  private readonly rp: string;
  private readonly archiveRp: string;
  constructor(private readonly o: IndicatorServiceOptions) {
    this.rp = o.retentionPolicy ?? 'village_2y';
    this.archiveRp = o.archivePolicy ?? 'village_10y';
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** The month's figures: up to now, or up to `until` (a closed day's end, for the province's day snapshot). */
  async snapshot(month: Month, opts: { recompute?: boolean; until?: number } = {}): Promise<Snapshot> {
    const site = this.o.site.config;
    const span = monthSpan(month, site.site.tz);
    const end = Math.min(opts.until ?? Infinity, this.now());
    const complete = span.to.getTime() <= end;
    if (complete && !opts.recompute) {
      const stored = await this.stored(month);
      if (stored) return stored;
    }
    const to = new Date(Math.min(span.to.getTime(), end));
    const started = performance.now();
    await this.o.storage.flush();
    const ctx = { storage: this.o.storage, rp: this.rp, site, from: span.from, to };
    const results = await Promise.all(indicators.map(async (d) => [d, await d.compute(ctx)] as const));
    const computeMs = Math.round(performance.now() - started);
    const snap: Snapshot = {
      version: SNAPSHOT_VERSION,
      site: site.site.id,
      period: monthKey(month),
      from: span.from.toISOString(),
      to: to.toISOString(),
      complete,
      computedAt: new Date(this.now()).toISOString(),
      computeMs,
      indicators: results.map(([d, r]) => this.figure(d, r)),
    };
    this.o.log.info({ period: snap.period, ms: computeMs, complete }, 'indicators computed');
    if (complete) this.store(snap, span.from, false);
    return snap;
  }

  private figure(d: IndicatorDefinition, r: IndicatorResult): IndicatorFigure {
    const value = valueOf(d, r.commune);
    const hamlets = d.scope === 'hamlet' ? this.o.site.config.hamlets.map((h) => ({ hamlet: h.id, ...this.ratio(d, r.hamlets?.[h.id]) })) : [];
    const met = meets(d, value);
    return { id: d.id, ...r.commune, value, ...(met !== undefined && { met }), hamlets, findings: r.findings ?? [] };
  }

  private ratio(d: IndicatorDefinition, r: Ratio | undefined): Ratio & { value: number | null } {
    const x = r ?? { numerator: 0, denominator: 0 };
    return { numerator: x.numerator, denominator: x.denominator, value: valueOf(d, x) };
  }

  private store(s: Snapshot, at: Date, simulated: boolean): void {
    for (const f of s.indicators) {
      const point = (scope: string, r: Ratio & { value: number | null }, extra: Record<string, string> = {}) =>
        this.o.storage.write({
          measurement: 'indicator',
          // Figures must outlive the raw data they were computed from.
          archive: true,
          tags: { site: s.site, indicator: f.id, scope, period: 'month' },
          fields: { numerator: r.numerator, denominator: r.denominator, ...(r.value !== null && { value: r.value }), computedAt: s.computedAt, simulated, ...extra },
          time: at.getTime(),
        });
      // A recompute writes the same series and time again and InfluxDB merges fields: `simulated`
      // is always written, so a computed month never keeps a seeded one's mark.
      point(COMMUNE, f, { findings: boundedJson(f.findings) });
      for (const h of f.hamlets) point(h.hamlet, h);
    }
  }

  /**
   * Finished months' figures from `from` to `to` (both included), the commune's or one hamlet's,
   * read in one query. A finished month missing from storage is computed and stored first, the
   * latest ones first, up to `computeLimit`; months beyond that, months over before the site's
   * first data, and the month under way have no point.
   */
  async history(from: Month, to: Month, o: { hamlet?: string; computeLimit?: number } = {}): Promise<History> {
    const site = this.o.site.config;
    const months: Month[] = [];
    for (let m = from; monthKey(m) <= monthKey(to); m = addMonths(m, 1)) months.push(m);
    const spans = months.map((m) => ({ key: monthKey(m), ...monthSpan(m, site.site.tz) }));
    const finished = spans.filter((s) => s.to.getTime() <= this.now());
    const rows = await this.storedRange(finished);
    const stored = (key: string) => indicators.every((d) => rows.has(`${d.id}|${COMMUNE}|${key}`));
    // A snapshot computed here is also what would have been stored: read its figures directly.
    const computed = new Map<string, Snapshot>();
    // A month over before the site's first data has nothing to measure: computed, it would read as
    // zeros ("0 % of hamlets reached") for months before the plane was installed.
    const since = finished.some((s) => !stored(s.key)) ? await this.firstDataAt() : undefined;
    const missing = finished
      .filter((s) => !stored(s.key) && since !== undefined && s.to.getTime() > since)
      .reverse()
      .slice(0, o.computeLimit ?? HISTORY_COMPUTE_LIMIT);
    for (const s of missing) computed.set(s.key, await this.snapshot(months[spans.indexOf(s)]!));
    const scope = o.hamlet ?? COMMUNE;
    const series = indicators.map((d) => {
      const points: HistoryPoint[] = [];
      for (const s of finished) {
        const snap = computed.get(s.key);
        let r: (Ratio & { simulated?: boolean }) | undefined;
        if (snap) {
          const f = snap.indicators.find((x) => x.id === d.id);
          r = o.hamlet ? f?.hamlets.find((h) => h.hamlet === o.hamlet) : f;
        } else if (stored(s.key)) r = rows.get(`${d.id}|${scope}|${s.key}`);
        if (!r) continue;
        const value = valueOf(d, r);
        const met = meets(d, value);
        points.push({ period: s.key, numerator: r.numerator, denominator: r.denominator, value, ...(met !== undefined && { met }), ...(r.simulated && { simulated: true as const }) });
      }
      return { id: d.id, points };
    });
    return { version: SNAPSHOT_VERSION, site: site.site.id, from: monthKey(from), to: monthKey(to), ...(o.hamlet && { hamlet: o.hamlet }), months: months.map(monthKey), series };
  }

  /**
   * Stores simulated months (a demo's history), every point marked `simulated` and the commune's
   * findings a single `simulated`. A month with any point stored already, or not yet finished, is
   * left alone, so seeding again writes nothing. Returns the months written.
   */
  async seedSimulated(months: readonly SimulatedMonthInput[]): Promise<string[]> {
    const site = this.o.site.config;
    const stored = new Set(await this.storedMonths(months.map((m) => parseMonth(m.period))));
    const computedAt = new Date(this.now()).toISOString();
    const written: string[] = [];
    for (const m of months) {
      const span = monthSpan(parseMonth(m.period), site.site.tz);
      if (stored.has(m.period) || span.to.getTime() > this.now()) continue;
      const figures = indicators.map((d) => {
        const f = m.indicators.find((x) => x.id === d.id);
        // A month short of an indicator would read as never computed, and be computed over it.
        if (!f) throw new Error(`simulated month ${m.period} lacks indicator ${d.id}`);
        return this.figure(d, { commune: f.commune, hamlets: f.hamlets, findings: [SIMULATED_FINDING] });
      });
      const snap: Snapshot = { version: SNAPSHOT_VERSION, site: site.site.id, period: m.period, from: span.from.toISOString(), to: span.to.toISOString(), complete: true, computedAt, computeMs: 0, simulated: true, indicators: figures };
      this.store(snap, span.from, true);
      written.push(m.period);
    }
    await this.o.storage.flush();
    if (written.length) this.o.log.info({ months: written }, 'simulated indicator history stored');
    return written;
  }

  /** The time of the site's earliest stored point of any kind, or undefined when it has none. */
  async firstDataAt(): Promise<number | undefined> {
    await this.o.storage.flush();
    // The first point of each measurement (InfluxDB reads only the oldest block of each).
    const rows = await this.o.storage.influx.query<{ time: Date }>(
      `SELECT * FROM ${escape.quoted(this.rp)}./.*/ WHERE "site" = ${escape.stringLit(this.o.site.config.site.id)} LIMIT 1`,
    );
    const times = rows.map((r) => r.time.getTime());
    return times.length ? Math.min(...times) : undefined;
  }

  /** Of these months, the ones with any figure stored (computed or simulated). */
  async storedMonths(months: readonly Month[]): Promise<string[]> {
    const tz = this.o.site.config.site.tz;
    const spans = [...months].sort((a, b) => monthKey(a).localeCompare(monthKey(b))).map((m) => ({ key: monthKey(m), ...monthSpan(m, tz) }));
    const have = new Set([...(await this.storedRange(spans)).keys()].map((k) => k.split('|')[2]!));
    return spans.map((s) => s.key).filter((k) => have.has(k));
  }

  /** The stored ratios of these months (oldest first), by "indicator|scope|month", in one query. */
  private async storedRange(spans: { key: string; from: Date; to: Date }[]): Promise<Map<string, Ratio & { simulated?: boolean }>> {
    const out = new Map<string, Ratio & { simulated?: boolean }>();
    if (spans.length === 0) return out;
    await this.o.storage.flush();
    const rows = await this.o.storage.influx.query<{ time: Date; indicator: string; scope: string; numerator: number; denominator: number; simulated?: boolean | null }>(
      `SELECT "numerator", "denominator", "simulated" FROM ${escape.quoted(this.archiveRp)}."indicator" WHERE "site" = ${escape.stringLit(this.o.site.config.site.id)} AND "period" = 'month' ` +
        `AND time >= ${escape.stringLit(spans[0]!.from.toISOString())} AND time < ${escape.stringLit(spans.at(-1)!.to.toISOString())} GROUP BY "indicator", "scope"`,
    );
    // Each point sits at its month's first instant.
    const byStart = new Map(spans.map((s) => [s.from.getTime(), s.key]));
    for (const r of rows) {
      const key = byStart.get(r.time.getTime());
      if (key) out.set(`${r.indicator}|${r.scope}|${key}`, { numerator: r.numerator, denominator: r.denominator, ...(r.simulated === true && { simulated: true }) });
    }
    return out;
  }

  /** The month's notable events for the report: emergencies aired and long outages. */
  async notable(month: Month): Promise<NotableEvents> {
    const snapshot = await this.snapshot(month);
    return notableEvents({ storage: this.o.storage, rp: this.rp, site: this.o.site.config, snapshot });
  }

  /** A finished month as stored, or undefined when it was never computed (or a new indicator lacks it). */
  private async stored(month: Month): Promise<Snapshot | undefined> {
    const site = this.o.site.config;
    const span = monthSpan(month, site.site.tz);
    await this.o.storage.flush();
    const rows = await this.o.storage.influx.query<{ indicator: string; scope: string; numerator: number; denominator: number; value: number | null; computedAt: string; findings?: string | null; simulated?: boolean | null }>(
      `SELECT "numerator", "denominator", "value", "computedAt", "findings", "simulated" FROM ${escape.quoted(this.archiveRp)}."indicator" ` +
        `WHERE "site" = ${escape.stringLit(site.site.id)} AND "period" = 'month' AND time = ${escape.stringLit(span.from.toISOString())} GROUP BY "indicator", "scope"`,
    );
    const by = new Map(rows.map((r) => [`${r.indicator}|${r.scope}`, r]));
    if (indicators.some((d) => !by.has(`${d.id}|${COMMUNE}`))) return undefined;
    const fig = (d: IndicatorDefinition): IndicatorFigure => {
      const c = by.get(`${d.id}|${COMMUNE}`)!;
      const value = valueOf(d, c);
      const met = meets(d, value);
      const hamlets = d.scope === 'hamlet' ? site.hamlets.map((h) => ({ hamlet: h.id, ...this.ratio(d, by.get(`${d.id}|${h.id}`)) })) : [];
      return { id: d.id, numerator: c.numerator, denominator: c.denominator, value, ...(met !== undefined && { met }), hamlets, findings: c.findings ? (JSON.parse(c.findings) as Finding[]) : [] };
    };
    const computedAt = by.get(`${indicators[0]!.id}|${COMMUNE}`)!.computedAt;
    // Points stored before the mark existed have none: computed.
    const simulated = indicators.some((d) => by.get(`${d.id}|${COMMUNE}`)!.simulated === true);
    return {
      version: SNAPSHOT_VERSION,
      site: site.site.id,
      period: monthKey(month),
      from: span.from.toISOString(),
      to: span.to.toISOString(),
      complete: true,
      computedAt,
      computeMs: 0,
      ...(simulated && { simulated }),
      indicators: indicators.map(fig),
    };
  }
}
