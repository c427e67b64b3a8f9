// The province's figures: takes the communes' pushed snapshots into InfluxDB (`indicator`, tagged
// by commune as `site`, `period` day or month and its `key`, in the 10-year policy), once per
// commune and period, and reads them back as the province page's table of communes × indicators
// with district and province totals, and as monthly history of an area.
//
// A push is idempotent: the receipt of (commune, key) holds the snapshot's computedAt. The same
// snapshot again changes nothing; an older one is kept out, so a commune's backlog arriving late
// never overwrites a newer recompute. Pushes of one commune are taken one at a time.
import { escape } from 'influx';
import type { Logger } from 'pino';
import type { Bus } from '../bus.js';
import { DomainError } from '../errors.js';
import { indicator, indicators, meets, valueOf, type Ratio } from '../indicators/index.js';
import { addMonths, monthKey, parseMonth } from '../indicators/period.js';
import type { Storage } from '../storage/storage.js';
import { PushedSnapshot, type ProvinceFigure, type ProvinceHistory, type ProvinceCommuneRow, type PushResult, type SnapshotPush } from '../api/contract/province.js';
import type { CommuneRecord, ProvinceStore } from './store.js';

export interface ProvinceRollupOptions {
  store: ProvinceStore;
  storage: Storage;
  bus: Bus;
  log: Logger;
  /** The policy the figures are kept in (the communes keep theirs ten years too). */
  archivePolicy: string;
  now?: () => number;
}

export interface AreaTotals {
  communes: number;
  reporting: number;
  figures: Record<string, ProvinceFigure>;
}

export interface RollupTable {
  period: string;
  communes: ProvinceCommuneRow[];
  districts: (AreaTotals & { district: string })[];
  total: AreaTotals;
}

const DAY = 86_400_000;

function figure(id: string, r: Ratio): ProvinceFigure {
  const d = indicator(id);
  const value = d ? valueOf(d, r) : null;
  const met = d ? meets(d, value) : undefined;
  return { numerator: r.numerator, denominator: r.denominator, value, ...(met !== undefined && { met }) };
}

/** Sums the rows' ratios per indicator (a share's numerators and denominators, a count's totals). */
function totals(rows: readonly ProvinceCommuneRow[]): AreaTotals {
  const sums = new Map<string, Ratio>();
  let reporting = 0;
  for (const r of rows) {
    if (r.source === 'none') continue;
    reporting++;
    for (const [id, f] of Object.entries(r.figures)) {
      const s = sums.get(id) ?? { numerator: 0, denominator: 0 };
      s.numerator += f.numerator;
      s.denominator += f.denominator;
      sums.set(id, s);
    }
  }
  return { communes: rows.length, reporting, figures: Object.fromEntries([...sums].map(([id, r]) => [id, figure(id, r)])) };
}

/** A generous UTC window around a month, whatever the communes' time zones. */
function around(month: string, months = 1): { from: string; to: string } {
  const m = parseMonth(month);
  const end = addMonths(m, months);
  return { from: new Date(Date.UTC(m.year, m.month - 1, 1) - 2 * DAY).toISOString(), to: new Date(Date.UTC(end.year, end.month - 1, 1) + 2 * DAY).toISOString() };
}

export class ProvinceRollup {
  private readonly queues = new Map<string, Promise<unknown>>();
  constructor(private readonly o: ProvinceRollupOptions) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Takes one push of a commune (the token's): stored, unchanged or superseded. */
  push(commune: CommuneRecord, body: SnapshotPush): Promise<PushResult> {
    const prev = this.queues.get(commune.id) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(async () => {
      const r = await this.take(commune, body);
      this.o.bus.emit('provincePush', { ...r, kind: body.kind, at: new Date(this.now()) });
      return r;
    });
    this.queues.set(commune.id, next);
    void next.finally(() => {
      if (this.queues.get(commune.id) === next) this.queues.delete(commune.id);
    }).catch(() => {});
    return next;
  }

  private async take(commune: CommuneRecord, body: SnapshotPush): Promise<PushResult> {
    const raw = body.snapshot as { version?: unknown };
    if (raw.version !== 1) throw new DomainError('unsupported-version', `snapshot version ${String(raw.version)} is not 1`, 400, [{ path: 'body.snapshot.version', message: 'this province reads version 1' }]);
    const parsed = PushedSnapshot.safeParse(body.snapshot);
    if (!parsed.success) {
      throw new DomainError('invalid', 'the snapshot does not match version 1', 400, parsed.error.issues.map((i) => ({ path: ['body', 'snapshot', ...i.path].join('.'), message: i.message })));
    }
    const s = parsed.data;
    // The token says who pushes; a snapshot of another site is a plane pushing with the wrong token.
    if (s.site !== commune.id) throw new DomainError('site-mismatch', `this token is commune ${commune.id}'s, the snapshot is site ${s.site}'s`, 409);
    const key = body.kind === 'month' ? s.period : body.day;
    if (body.kind === 'month' && !s.complete) throw new DomainError('incomplete-month', `month ${s.period} is not finished: push it as a day`, 400);
    if (body.kind === 'day' && !body.day.startsWith(`${s.period}-`)) throw new DomainError('invalid', `day ${body.day} is not in ${s.period}`, 400, [{ path: 'body.day', message: `not in ${s.period}` }]);
    const computedAt = Date.parse(s.computedAt);
    const now = this.now();
    const had = this.o.store.receipt(commune.id, key);
    this.o.store.heard(commune.id, now);
    if (had && had.computedAt === computedAt) return { result: 'unchanged', commune: commune.id, key };
    if (had && had.computedAt > computedAt) {
      this.o.log.info({ commune: commune.id, key, had: new Date(had.computedAt).toISOString(), got: s.computedAt }, 'older snapshot kept out');
      return { result: 'superseded', commune: commune.id, key };
    }
    const time = body.kind === 'month' ? Date.parse(s.from) : Date.parse(s.to);
    for (const f of s.indicators) {
      this.o.storage.write({
        measurement: 'indicator',
        archive: true,
        tags: { site: commune.id, indicator: f.id, scope: 'commune', period: body.kind, key },
        fields: { numerator: f.numerator, denominator: f.denominator, ...(f.value !== null && { value: f.value }), computedAt: s.computedAt, simulated: s.simulated === true },
        time,
      });
    }
    // Acknowledged only once the points are in InfluxDB or the spool: a commune drops what was acknowledged.
    await this.o.storage.durable();
    this.o.store.putReceipt({ commune: commune.id, key, kind: body.kind, computedAt, receivedAt: now, simulated: s.simulated === true });
    return { result: 'stored', commune: commune.id, key };
  }

  /** The month's table: each commune's figures (its finished month, else its latest day), and totals. */
  async table(month: string): Promise<RollupTable> {
    parseMonth(month);
    const communes = this.o.store.communes();
    const receipts = this.o.store.receiptsOf(month);
    const source = new Map<string, { kind: 'month' | 'day'; key: string; simulated: boolean }>();
    for (const r of receipts) {
      const had = source.get(r.commune);
      if (r.kind === 'month') source.set(r.commune, { kind: 'month', key: r.key, simulated: r.simulated });
      else if (!had || (had.kind === 'day' && had.key < r.key)) source.set(r.commune, { kind: 'day', key: r.key, simulated: r.simulated });
    }
    const span = around(month);
    const rp = escape.quoted(this.o.archivePolicy);
    const within = `time >= ${escape.stringLit(span.from)} AND time < ${escape.stringLit(span.to)}`;
    type Row = { site: string; indicator: string; key: string; numerator: number; denominator: number };
    // The receipts say which day each commune's figures are from: ask for those days exactly. A
    // last() over every day of the month read all of them (seconds for 100 communes × 30 days).
    const dayKeys = [...new Set([...source.values()].filter((x) => x.kind === 'day').map((x) => x.key))];
    const hasMonth = [...source.values()].some((x) => x.kind === 'month');
    const [months, days] = await Promise.all([
      hasMonth
        ? this.o.storage.influx.query<Row>(`SELECT "numerator", "denominator" FROM ${rp}."indicator" WHERE "period" = 'month' AND "key" = ${escape.stringLit(month)} AND ${within} GROUP BY "site", "indicator", "key"`)
        : [],
      dayKeys.length
        ? this.o.storage.influx.query<Row>(
            `SELECT "numerator", "denominator" FROM ${rp}."indicator" WHERE "period" = 'day' AND (${dayKeys.map((k) => `"key" = ${escape.stringLit(k)}`).join(' OR ')}) AND ${within} GROUP BY "site", "indicator", "key"`,
          )
        : [],
    ]);
    const figures = new Map<string, Record<string, ProvinceFigure>>();
    for (const r of [...months, ...days]) {
      if (source.get(r.site)?.key !== r.key) continue;
      const f = figures.get(r.site) ?? {};
      f[r.indicator] = figure(r.indicator, r);
      figures.set(r.site, f);
    }
    const rows: ProvinceCommuneRow[] = communes.map((c) => {
      const src = source.get(c.id);
      const f = figures.get(c.id);
      return {
        id: c.id,
        name: c.name,
        district: c.district,
        lastHeardAt: c.lastHeardAt === null ? null : new Date(c.lastHeardAt).toISOString(),
        source: src && f ? src.kind : 'none',
        ...(src?.kind === 'day' && f && { asOf: src.key }),
        ...(src?.simulated && f && { simulated: true as const }),
        figures: f ?? {},
      };
    });
    const districts = [...new Set(communes.map((c) => c.district))].sort((a, b) => a.localeCompare(b, 'vi'));
    return { period: month, communes: rows, districts: districts.map((d) => ({ district: d, ...totals(rows.filter((r) => r.district === d)) })), total: totals(rows) };
  }

  /** Finished months of an area: the province's, a district's (its communes summed) or one commune's. */
  async history(q: { from: string; to: string; district?: string; commune?: string }): Promise<ProvinceHistory> {
    const months: string[] = [];
    for (let m = parseMonth(q.from); monthKey(m) <= q.to; m = addMonths(m, 1)) months.push(monthKey(m));
    const all = this.o.store.communes();
    if (q.commune && !all.some((c) => c.id === q.commune)) throw new DomainError('not-found', `unknown commune ${q.commune}`, 404);
    // The province's months count every commune that reported them, one removed since included;
    // a district's, the communes it has now (the registry knows districts, the figures do not).
    const area = q.commune ? [q.commune] : q.district ? all.filter((c) => c.district === q.district).map((c) => c.id) : undefined;
    if (q.district && area?.length === 0) throw new DomainError('not-found', `no commune in district ${q.district}`, 404);
    const span = around(q.from, months.length);
    const rp = escape.quoted(this.o.archivePolicy);
    const rows = await this.o.storage.influx.query<{ site: string; indicator: string; key: string; numerator: number; denominator: number; simulated?: boolean | null }>(
      `SELECT "numerator", "denominator", "simulated" FROM ${rp}."indicator" WHERE "period" = 'month' AND time >= ${escape.stringLit(span.from)} AND time < ${escape.stringLit(span.to)} ` +
        `${q.commune ? `AND "site" = ${escape.stringLit(q.commune)} ` : ''}GROUP BY "site", "indicator", "key"`,
    );
    const inArea = area && new Set(area);
    const wanted = new Set(months);
    const sums = new Map<string, { r: Ratio; reporting: number; simulated: boolean }>();
    for (const r of rows) {
      if ((inArea && !inArea.has(r.site)) || !wanted.has(r.key)) continue;
      const k = `${r.indicator}|${r.key}`;
      const s = sums.get(k) ?? { r: { numerator: 0, denominator: 0 }, reporting: 0, simulated: false };
      s.r.numerator += r.numerator;
      s.r.denominator += r.denominator;
      s.reporting++;
      s.simulated ||= r.simulated === true;
      sums.set(k, s);
    }
    const series = indicators.map((d) => ({
      id: d.id,
      points: months.flatMap((m) => {
        const s = sums.get(`${d.id}|${m}`);
        if (!s) return [];
        const f = figure(d.id, s.r);
        return [{ period: m, ...f, reporting: s.reporting, ...(s.simulated && { simulated: true as const }) }];
      }),
    }));
    return { version: 1, from: q.from, to: q.to, ...(q.district && { district: q.district }), ...(q.commune && { commune: q.commune }), months, series };
  }
}
