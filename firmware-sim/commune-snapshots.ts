// Simulated communes for the province roll-up: a province's communes (names, districts) and the
// snapshots each would push, without running 100 planes. Pure and deterministic for a seed.
// Each commune gets a small site of its own (its size: hamlets, and the clusters, lights and
// zones in each) and its figures come from the demo's history generator (indicator-history.ts)
// for that site; a per-commune "maturity" then pulls a few communes well below the targets while
// most sit near them. A day snapshot is the month so far: what adds up over days scales with the
// days elapsed, shares stay shares.
import { SiteConfig, type SiteInput } from '../controller/config/site.js';
import type { SnapshotPush } from '../controller/api/contract/province.js';
import { indicators as allIndicators, meets, valueOf, type IndicatorDefinition, type Ratio } from '../controller/indicators/index.js';
import { monthSpan, parseMonth, type Month } from '../controller/indicators/period.js';
import { zonedTimeToUtc } from '../devices/local-time.js';
import { simulateIndicatorHistory } from './indicator-history.js';
import { rngFor, type SeededRng } from './rng.js';

export interface SimulatedCommune {
  id: string;
  name: string;
  district: string;
  /** Its own stream of figures. */
  seed: number;
  /** Hamlets in the commune: its size. */
  hamlets: number;
  /** 0.4 (far from the targets) to 1 (at them): how far its figures fall short. */
  maturity: number;
  lat: number;
  lon: number;
}

export interface SimulatedProvince {
  seed: number;
  districts: string[];
  communes: SimulatedCommune[];
}

export type PushPeriod = { kind: 'month'; month: string } | { kind: 'day'; day: string };

const TZ = 'Asia/Ho_Chi_Minh';

// Syllables of real commune names (Tân Phúc, Yên Lạc, …); pairs of them give plausible names.
const FIRST = ['Tân', 'Yên', 'Hoằng', 'Quảng', 'Thiệu', 'Vĩnh', 'Xuân', 'Minh', 'Đông', 'Hợp', 'Thọ', 'Nga', 'Thành', 'Định', 'Cẩm', 'Hà', 'Phú', 'Đồng'];
const SECOND = ['Phúc', 'Lạc', 'Hòa', 'An', 'Bình', 'Thịnh', 'Hưng', 'Lộc', 'Thuận', 'Tiến', 'Long', 'Sơn', 'Trung', 'Đức', 'Nghĩa', 'Quang', 'Thắng', 'Lợi', 'Khê', 'Phong'];
// Districts of Thanh Hóa, the province the issue cites.
const DISTRICTS = ['Yên Định', 'Thọ Xuân', 'Triệu Sơn', 'Nông Cống', 'Hoằng Hóa', 'Quảng Xương', 'Hậu Lộc', 'Nga Sơn', 'Vĩnh Lộc', 'Thiệu Hóa', 'Cẩm Thủy', 'Thạch Thành'];

/** "Xã Tân Phúc" → "xa-tan-phuc": no diacritics, đ as d. */
export const slug = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

function shuffled<T>(xs: readonly T[], r: SeededRng): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A province's communes, unevenly spread over its districts (each has at least one). */
export function simulatedProvince(o: { seed: number; communes: number; districts: number }): SimulatedProvince {
  if (o.districts < 1 || o.districts > DISTRICTS.length || o.districts > o.communes) throw new Error(`1 to ${Math.min(DISTRICTS.length, o.communes)} districts`);
  const r = rngFor(o.seed, 'province');
  const districts = shuffled(DISTRICTS, r)
    .slice(0, o.districts)
    .map((d) => `Huyện ${d}`);
  const weights = districts.map(() => 0.5 + r.next());
  const sum = weights.reduce((s, w) => s + w, 0);
  const pickDistrict = (i: number): string => {
    if (i < districts.length) return districts[i]!;
    let x = r.next() * sum;
    for (let k = 0; k < districts.length; k++) if ((x -= weights[k]!) < 0) return districts[k]!;
    return districts.at(-1)!;
  };
  // Two names can share an id (Đông and Đồng lose their marks alike): the first keeps it.
  const byId = new Map<string, string>();
  for (const name of shuffled(
    FIRST.flatMap((a) => SECOND.map((b) => `Xã ${a} ${b}`)),
    r,
  ))
    if (!byId.has(slug(name))) byId.set(slug(name), name);
  if (o.communes > byId.size) throw new Error(`at most ${byId.size} simulated communes`);
  const names = [...byId.values()].slice(0, o.communes);
  const communes = names.map((name, i): SimulatedCommune => {
    const c = rngFor(o.seed, `commune:${i}`);
    // About one commune in six is well behind (new to the system, or poorly served); most are near.
    const maturity = c.next() < 0.17 ? 0.4 + 0.3 * c.next() : 0.88 + 0.12 * c.next();
    return {
      id: slug(name),
      name,
      district: pickDistrict(i),
      seed: Math.floor(c.next() * 2 ** 31),
      hamlets: 3 + Math.floor(c.next() * 8),
      maturity: Math.round(maturity * 1000) / 1000,
      lat: Math.round((19.5 + c.next() * 0.8) * 1000) / 1000,
      lon: Math.round((105.3 + c.next() * 0.6) * 1000) / 1000,
    };
  });
  return { seed: o.seed, districts, communes };
}

/**
 * The commune's site: hamlets ("Thôn 1" …), each with a cluster or a few (an immature commune has
 * hamlets with none), street lights grouped per hamlet, and a greenhouse or field now and then.
 */
export function communeSite(c: SimulatedCommune): SiteConfig {
  const r = rngFor(c.seed, 'site');
  const site: SiteInput = {
    site: { id: c.id, name: c.name, lat: c.lat, lon: c.lon, tz: TZ },
    hamlets: [],
    zones: [],
    devices: [{ id: 'weather-01', type: 'weather-station', name: 'Trạm thời tiết UBND xã', hamlet: 'thon-1', attributes: {} }],
    lightGroups: [],
  };
  for (let h = 1; h <= c.hamlets; h++) {
    const hamlet = `thon-${h}`;
    site.hamlets.push({ id: hamlet, name: `Thôn ${h}` });
    const clusters = r.next() < 2 * (1 - c.maturity) ** 2 ? 0 : 1 + Math.floor(r.next() * 3);
    for (let i = 1; i <= clusters; i++) site.devices.push({ id: `loa-${h}-${i}`, type: 'loudspeaker', name: `Cụm loa ${i} Thôn ${h}`, hamlet, attributes: {} });
    const lights = 6 + Math.floor(r.next() * 15);
    const ids: string[] = [];
    for (let i = 1; i <= lights; i++) {
      ids.push(`den-${h}-${i}`);
      site.devices.push({ id: `den-${h}-${i}`, type: 'street-light', name: `Đèn Thôn ${h} số ${i}`, hamlet, attributes: { ratedPowerW: [40, 50, 60, 80][Math.floor(r.next() * 4)]! } });
    }
    site.lightGroups!.push({ id: `den-thon-${h}`, name: `Đèn Thôn ${h}`, devices: ids });
    if (r.next() < 0.5) {
      const greenhouse = r.next() < 0.5;
      const zone = `vung-${h}`;
      site.zones!.push({
        id: zone,
        name: greenhouse ? `Nhà màng Thôn ${h}` : `Cánh đồng Thôn ${h}`,
        hamlet,
        kind: greenhouse ? 'greenhouse' : 'field',
        areaM2: Math.round(greenhouse ? 500 + r.next() * 1000 : 3000 + r.next() * 15000),
        crop: greenhouse ? 'Dưa lưới' : 'Lúa',
      });
      site.devices.push({ id: `van-${h}`, type: 'irrigation-valve', name: `Van Thôn ${h}`, hamlet, zone, attributes: { kind: greenhouse ? 'drip' : 'sprinkler' } });
      if (greenhouse) site.devices.push({ id: `cam-bien-${h}`, type: 'greenhouse-sensor', name: `Cảm biến Thôn ${h}`, hamlet, zone, attributes: {} });
    }
  }
  return SiteConfig.parse(site);
}

// Which way an indicator's figure goes when a commune is behind: shares of good things fall,
// times to repair or resolve and failures rise; totals (energy, airtime) only follow the site.
const WORSE_WHEN_HIGHER = new Set([
  'lighting-lamps-failed',
  'lighting-lamp-repair-time',
  'lighting-energy-per-light-night',
  'irrigation-water-per-hectare',
  'radio-emergency-reach-median',
  'radio-emergency-reach-p95',
  'plane-open-alerts',
  'plane-alert-resolve-time',
  'plane-alert-ack-time',
]);

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
/** Counts stay whole. */
const like = (original: number, x: number) => (Number.isInteger(original) ? Math.round(x) : round(x));

/** The commune's shortfall applied to a month's figure. */
function behind(c: SimulatedCommune, d: IndicatorDefinition, r: Ratio, period: string): Ratio {
  // Squared: a commune near maturity loses about a point, one far behind a fifth. Each indicator
  // lags by its own amount in a commune: one is weak in lighting, another in radio.
  const gap = (1 - c.maturity) ** 2 * (0.5 + rngFor(c.seed, `behind:${period}:${d.id}`).next());
  if (WORSE_WHEN_HIGHER.has(d.id)) {
    const n = like(r.numerator, r.numerator * (1 + 4 * gap));
    return { numerator: d.unit === '%' ? Math.min(n, r.denominator) : n, denominator: r.denominator };
  }
  if (d.unit === '%') return { numerator: like(r.numerator, r.numerator * (1 - 0.8 * gap)), denominator: r.denominator };
  return r;
}

/**
 * What of a figure grows with the days of the month: `both` (a share of events or hours),
 * `numerator` (a total, or a count over a fixed population), `none` (a state, a median).
 */
const DAY_SCALING: Record<string, 'both' | 'numerator' | 'none'> = {
  'radio-hamlets-reached': 'none',
  'radio-emergency-reach-median': 'none',
  'radio-emergency-reach-p95': 'none',
  'lighting-remotely-managed': 'none',
  'irrigation-automated-share': 'none',
  'plane-open-alerts': 'none',
  'lighting-lamps-failed': 'numerator',
  'irrigation-water-per-hectare': 'numerator',
};
const dayScaling = (d: IndicatorDefinition, r: Ratio) => DAY_SCALING[d.id] ?? (d.unit === 's' ? 'none' : d.unit !== '%' && r.denominator === 1 ? 'numerator' : 'both');

function soFar(d: IndicatorDefinition, r: Ratio, f: number): Ratio {
  const how = dayScaling(d, r);
  if (how === 'none' || f >= 1) return r;
  return { numerator: like(r.numerator, r.numerator * f), denominator: how === 'both' ? like(r.denominator, r.denominator * f) : r.denominator };
}

// A month's figures are worked out once for a commune's 30 day pushes and its month push; the
// cache only saves time (the figures depend on the inputs alone).
const cache = new Map<string, Map<string, Ratio>>();
const CACHED = 512;

/** The commune's figures for a whole month, before any day scaling. */
function monthFigures(c: SimulatedCommune, month: Month, defs: readonly IndicatorDefinition[]): Map<string, Ratio> {
  const key = defs === allIndicators ? JSON.stringify([c, month]) : undefined;
  const hit = key === undefined ? undefined : cache.get(key);
  if (hit) return hit;
  const out = computeMonth(c, month, defs);
  if (key !== undefined) {
    if (cache.size >= CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, out);
  }
  return out;
}

function computeMonth(c: SimulatedCommune, month: Month, defs: readonly IndicatorDefinition[]): Map<string, Ratio> {
  const [m] = simulateIndicatorHistory({ site: communeSite(c), indicators: defs, months: [month], seed: c.seed });
  const period = m!.period;
  return new Map(
    m!.indicators.map((f) => {
      const d = defs.find((x) => x.id === f.id)!;
      return [f.id, behind(c, d, f.commune, period)];
    }),
  );
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The push a commune would send for a finished month, or for a closed day (the month so far
 * through that day). `computedAt` follows the period's end, later for a later day, so the
 * province sees each push as newer than the one before.
 */
export function communePush(c: SimulatedCommune, p: PushPeriod, o: { indicators?: readonly IndicatorDefinition[] } = {}): SnapshotPush {
  const defs = o.indicators ?? allIndicators;
  let month: Month;
  let day: number | undefined;
  if (p.kind === 'month') month = parseMonth(p.month);
  else {
    const m = DAY.exec(p.day);
    if (!m) throw new Error(`not a day: ${p.day}`);
    month = { year: Number(m[1]), month: Number(m[2]) };
    day = Number(m[3]);
  }
  const span = monthSpan(month, TZ);
  const days = Math.round((span.to.getTime() - span.from.getTime()) / 86_400_000);
  if (day !== undefined && (day < 1 || day > days)) throw new Error(`not a day of ${month.year}-${month.month}: ${day}`);
  const to = day === undefined || day === days ? span.to : zonedTimeToUtc(month.year, month.month, day + 1, 0, 0, TZ);
  const f = day === undefined ? 1 : day / days;
  const figures = monthFigures(c, month, defs);
  // A few minutes after the period closes (the commune's daily job), then a little more per commune.
  const computedAt = new Date(to.getTime() + (day === undefined ? 3_600_000 : 300_000) + (c.seed % 600) * 1000);
  const snapshot = {
    version: 1 as const,
    site: c.id,
    period: `${month.year}-${String(month.month).padStart(2, '0')}`,
    from: span.from.toISOString(),
    to: to.toISOString(),
    complete: day === undefined,
    computedAt: computedAt.toISOString(),
    simulated: true,
    indicators: defs.map((d) => {
      const r = soFar(d, figures.get(d.id)!, f);
      const value = valueOf(d, r);
      const met = meets(d, value);
      return { id: d.id, numerator: r.numerator, denominator: r.denominator, value, ...(met !== undefined && { met }), hamlets: [], findings: [] };
    }),
  };
  return day === undefined ? { kind: 'month', snapshot } : { kind: 'day', day: (p as { day: string }).day, snapshot };
}

/** The month's days as YYYY-MM-DD, in order. */
export function daysOf(month: string): string[] {
  const m = parseMonth(month);
  const span = monthSpan(m, TZ);
  const days = Math.round((span.to.getTime() - span.from.getTime()) / 86_400_000);
  return Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}
