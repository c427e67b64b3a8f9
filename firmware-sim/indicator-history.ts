// Plausible past months of the indicators, for the demo's first start: without them the overview's
// trends and month-over-month changes are empty. Pure and deterministic for a seed. The figures
// follow the site (hamlets, and the clusters, lights, metered zones and devices in each, by trait),
// the month's days and dark hours; shares sit mostly near their targets with some months and
// hamlets below, and improve a little over the months. The commune's figure is made the way the
// real query makes it: the sum of its hamlets' ratios where the indicator adds up (counts, hours),
// its own where it does not (a median, bulletins counted once however many hamlets heard them).
// Whoever stores these marks them simulated (IndicatorService.seedSimulated).
import { deviceType } from '../devices/index.js';
import { desiredConfig, type SiteConfig } from '../controller/config/site.js';
import type { IndicatorDefinition, Ratio } from '../controller/indicators/define.js';
import { monthKey, monthSpan, type Month } from '../controller/indicators/period.js';
import { devicesWith, type SiteDevice } from '../controller/indicators/query.js';
import { rngFor, type SeededRng } from './rng.js';

export interface SimulatedFigure {
  id: string;
  commune: Ratio;
  /** Every hamlet of the site, for a hamlet-scoped indicator only. */
  hamlets?: Record<string, Ratio>;
}

export interface SimulatedMonth {
  period: string;
  indicators: SimulatedFigure[];
}

/**
 * How the commune's figure relates to its hamlets': `sum` adds numerators and denominators,
 * `total` adds numerators over a denominator of 1 (a total, not a ratio), `own` is worked out
 * on its own (a median, a percentile, hours of bulletins counted once).
 */
export type CommuneRule = 'sum' | 'total' | 'own';

const H = 3_600_000;
const NONE: Ratio = { numerator: 0, denominator: 0 };
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** What a rule knows of the month. */
interface MonthCtx {
  site: SiteConfig;
  month: Month;
  days: number;
  hours: number;
  /** Hours a light's program has it on per night: the dark hours plus the dusk and dawn offsets. */
  litH: number;
  /** 0 for the oldest month generated, 1 for the latest: the mild improvement. */
  progress: number;
  /** May to October: the rainy season in northern Vietnam (less irrigation, more emergencies). */
  rainy: boolean;
  /** A hamlet's bad month: 0 for most, up to ~0.15 for one now and then, shared by all indicators. */
  dip: Record<string, number>;
  emergencies: number;
  /** A value worked out once per month and key (figures that must agree, like energy used and saved). */
  once<T>(key: string, make: (r: SeededRng) => T): T;
}

/** Units counted per hamlet, by trait (never by device type name). */
const speakers = (m: MonthCtx, h: string) => devicesWith(m.site, 'speaker').filter((d) => d.hamlet === h);
const lights = (m: MonthCtx, h: string) => devicesWith(m.site, 'luminaire').filter((d) => d.hamlet === h);
const groupedLights = (m: MonthCtx, h: string) => lights(m, h).filter((d) => m.site.lightGroups.some((g) => g.devices.includes(d.id)));
const meteredZones = (m: MonthCtx, h: string) => {
  const valves = devicesWith(m.site, 'valve');
  return m.site.zones.filter((z) => z.hamlet === h && valves.some((v) => v.zone === z.id));
};
const devicesOf = (m: MonthCtx, h: string) => m.site.devices.filter((d) => d.hamlet === h);

/** A share near `base`, a little better in later months, lower in a hamlet's bad month. */
function share(m: MonthCtx, r: SeededRng, base: number, hamlet?: string, o: { trend?: number; sd?: number } = {}): number {
  const dip = hamlet ? (m.dip[hamlet] ?? 0) : 0;
  return clamp01(base - (o.trend ?? 0.02) * (1 - m.progress) - dip + r.normal(0, o.sd ?? 0.006));
}

/** `count` units, `share` of them good, as whole units. */
const whole = (count: number, s: number): Ratio => ({ numerator: Math.round(count * s), denominator: count });

/** Night length in hours at a latitude around a day of the year (the usual declination formula). */
function nightHours(lat: number, dayOfYear: number): number {
  const decl = ((23.44 * Math.PI) / 180) * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
  const x = -Math.tan((lat * Math.PI) / 180) * Math.tan(decl);
  const day = (2 * Math.acos(Math.max(-1, Math.min(1, x))) * 180) / Math.PI / 15;
  return 24 - day;
}

const ratedW = (m: MonthCtx, d: SiteDevice) => {
  const w = desiredConfig(m.site, d).ratedPowerW;
  return typeof w === 'number' ? w : 60;
};

/** A hamlet's lighting for the month: scheduled, lit and metered, shared by the lighting rules. */
function lighting(m: MonthCtx, h: string) {
  return m.once(`lighting:${h}`, (r) => {
    const ls = groupedLights(m, h);
    const nights = ls.length * m.days;
    const scheduledH = nights * m.litH;
    const lit = share(m, r, 0.975, h, { trend: 0.03 });
    // Dimmed to 50 % late at night: about three quarters of full power over the night on average.
    const level = 0.74 + r.normal(0, 0.01);
    const baselineKwh = ls.reduce((s, d) => s + (ratedW(m, d) * m.days * m.litH) / 1000, 0);
    const usedKwh = baselineKwh * level * lit;
    return { nights, scheduledH, litH: scheduledH * lit, usedKwh: round(usedKwh), savedKwh: round(baselineKwh - usedKwh) };
  });
}

/** Normal bulletins a month (about one a day), priority ones, each one's length in hours. */
function bulletins(m: MonthCtx) {
  return m.once('bulletins', (r) => ({
    normal: m.days + Math.round(r.next() * 6),
    priority: 2 + Math.round(r.next() * 4),
    lengthH: { normal: 0.15, priority: 0.08, emergency: 0.05 },
  }));
}

type Level = 'normal' | 'priority' | 'emergency';
const due = (m: MonthCtx, level: Level) => (level === 'emergency' ? m.emergencies : bulletins(m)[level]);

export interface Rule {
  commune: CommuneRule;
  /** A hamlet's ratio (for `total`, its numerator over 1). */
  hamlet?: (m: MonthCtx, r: SeededRng, h: string) => Ratio;
  /** The commune's own figure (`own`), from its hamlets' when it has any. */
  own?: (m: MonthCtx, r: SeededRng, hamlets: Record<string, Ratio>) => Ratio;
}

const delivery = (level: Level, base: number): Rule => ({
  commune: 'sum',
  hamlet: (m, r, h) => {
    const n = speakers(m, h).length * due(m, level);
    return n === 0 ? NONE : whole(n, share(m, r, base, h));
  },
});

const airtime = (level: Level): Rule => ({
  commune: 'own',
  // A hamlet hears most of the commune's bulletins (some are for other hamlets only).
  hamlet: (m, r, h) => (speakers(m, h).length === 0 ? NONE : { numerator: round(due(m, level) * bulletins(m).lengthH[level] * (0.85 + 0.15 * r.next())), denominator: 1 }),
  own: (m) => ({ numerator: round(due(m, level) * bulletins(m).lengthH[level]), denominator: 1 }),
});

/** Seconds from an emergency's sending to a cluster playing it: a hamlet's median, and its 95th percentile. */
function reach(m: MonthCtx, h: string) {
  return m.once(`reach:${h}`, (r) => {
    const median = 6 + 8 * (1 - m.progress) + 4 * r.next() + 200 * (m.dip[h] ?? 0);
    return { median: round(median, 1), p95: round(median * (2 + r.next()), 1) };
  });
}
const reachRule = (k: 'median' | 'p95'): Rule => ({
  commune: 'own',
  hamlet: (m, _r, h) => (speakers(m, h).length === 0 || m.emergencies === 0 ? NONE : { numerator: reach(m, h)[k], denominator: 1 }),
  own: (_m, _r, hamlets) => {
    const xs = Object.values(hamlets).filter((x) => x.denominator > 0).map((x) => x.numerator).sort((a, b) => a - b);
    if (xs.length === 0) return NONE;
    // Over all deliveries: the median lies among the hamlets' medians, the 95th near their worst.
    return { numerator: k === 'median' ? xs[Math.floor(xs.length / 2)]! : xs.at(-1)!, denominator: 1 };
  },
});

/** Cubic metres per hectare a zone takes in a month: drip in greenhouses, sprinklers in fields, less in the rains. */
const depthM3PerHa = (m: MonthCtx, kind: string) => (kind === 'greenhouse' ? 900 : 650) * (m.rainy ? 0.55 : 1) * (m.days / 30);

/** The rules, by indicator id. An indicator missing here gets `generic` by its unit. */
const RULES: Record<string, Rule> = {
  'radio-hamlets-reached': {
    commune: 'sum',
    // Not reached: no cluster, or a bad month bad enough to silence it.
    hamlet: (m, _r, h) => ({ numerator: speakers(m, h).length > 0 && (m.dip[h] ?? 0) < 0.12 ? 1 : 0, denominator: 1 }),
  },
  'radio-cluster-availability': {
    commune: 'sum',
    hamlet: (m, r, h) => {
      const n = speakers(m, h).length;
      return n === 0 ? NONE : { numerator: round(n * m.hours * share(m, r, 0.985, h)), denominator: n * m.hours };
    },
  },
  'radio-delivery-normal': delivery('normal', 0.975),
  'radio-delivery-priority': delivery('priority', 0.985),
  'radio-delivery-emergency': delivery('emergency', 0.995),
  'radio-emergency-within-60s': delivery('emergency', 0.97),
  'radio-emergency-reach-median': reachRule('median'),
  'radio-emergency-reach-p95': reachRule('p95'),
  'radio-airtime-normal': airtime('normal'),
  'radio-airtime-priority': airtime('priority'),
  'radio-airtime-emergency': airtime('emergency'),

  'lighting-remotely-managed': {
    commune: 'sum',
    hamlet: (m, r, h) => {
      const n = lights(m, h).length;
      const silent = Math.min(n, (r.next() < 0.15 ? 1 : 0) + Math.round((m.dip[h] ?? 0) * 12));
      return { numerator: n - silent, denominator: n };
    },
  },
  'lighting-lamp-availability': {
    commune: 'sum',
    hamlet: (m, _r, h) => {
      const l = lighting(m, h);
      return { numerator: round(l.litH), denominator: round(l.scheduledH) };
    },
  },
  'lighting-lamps-failed': {
    commune: 'sum',
    hamlet: (m, _r, h) => {
      const n = lights(m, h).length;
      return { numerator: Math.min(n, failures(m, h)), denominator: n };
    },
  },
  'lighting-lamp-repair-time': {
    commune: 'sum',
    // Repairs get quicker as the commune gets used to the alerts: about 40 hours down to 20.
    hamlet: (m, r, h) => {
      const n = Math.min(lights(m, h).length, failures(m, h));
      return { numerator: round(n * (20 + 20 * (1 - m.progress)) * (0.7 + 0.6 * r.next()), 1), denominator: n };
    },
  },
  'lighting-energy-used': { commune: 'total', hamlet: (m, _r, h) => ({ numerator: lighting(m, h).usedKwh, denominator: 1 }) },
  'lighting-energy-saved': { commune: 'total', hamlet: (m, _r, h) => ({ numerator: lighting(m, h).savedKwh, denominator: 1 }) },
  'lighting-energy-per-light-night': {
    commune: 'sum',
    hamlet: (m, _r, h) => ({ numerator: lighting(m, h).usedKwh, denominator: lighting(m, h).nights }),
  },

  'irrigation-water-per-hectare': {
    commune: 'sum',
    hamlet: (m, r, h) => {
      const zs = meteredZones(m, h);
      const ha = zs.reduce((s, z) => s + z.areaM2 / 10_000, 0);
      const m3 = zs.reduce((s, z) => s + (z.areaM2 / 10_000) * depthM3PerHa(m, z.kind) * (0.85 + 0.3 * r.next()), 0);
      return { numerator: round(m3, 1), denominator: round(ha, 4) };
    },
  },
  'irrigation-automated-share': {
    commune: 'sum',
    hamlet: (m, r, h) => {
      const ha = round(meteredZones(m, h).reduce((s, z) => s + z.areaM2 / 10_000, 0), 4);
      return { numerator: round(ha * share(m, r, 0.92, h, { trend: 0.06, sd: 0.02 }), 4), denominator: ha };
    },
  },
  'irrigation-water-saved': {
    commune: 'own',
    own: (m, r) => {
      const planned = m.site.zones.reduce((s, z) => s + (z.areaM2 / 10_000) * depthM3PerHa(m, z.kind) * (m.rainy ? 1.6 : 1.1), 0);
      const saved = planned * ((m.rainy ? 0.3 : 0.08) + 0.05 * r.next());
      return { numerator: round(saved, 1), denominator: round(planned, 1) };
    },
  },

  'plane-telemetry-completeness': {
    commune: 'sum',
    hamlet: (m, r, h) => {
      const expected = devicesOf(m, h).reduce((s, d) => s + Math.floor((m.hours * 3600) / (deviceType(d.type)?.reportEveryS ?? 300)), 0);
      return whole(expected, share(m, r, 0.975, h, { trend: 0.03 }));
    },
  },
  'plane-command-success': {
    commune: 'sum',
    hamlet: (m, r, h) => whole(devicesOf(m, h).length * (2 + Math.round(r.next() * 3)), share(m, r, 0.992, h, { trend: 0.015, sd: 0.004 })),
  },
  'plane-device-availability': {
    commune: 'sum',
    hamlet: (m, r, h) => {
      const n = devicesOf(m, h).length;
      return { numerator: round(n * m.hours * share(m, r, 0.985, h)), denominator: n * m.hours };
    },
  },
  'plane-open-alerts': { commune: 'own', own: (m, r) => ({ numerator: Math.round(1 + 4 * (1 - m.progress) + 2 * r.next()), denominator: 1 }) },
  'plane-alert-resolve-time': {
    commune: 'own',
    own: (m, r) => {
      const n = 8 + Math.round(r.next() * 12);
      return { numerator: round(n * (4 + 6 * (1 - m.progress)) * (0.8 + 0.4 * r.next()), 1), denominator: n };
    },
  },
  // Someone looks at most alerts within hours, sooner as the inbox becomes a habit.
  'plane-alert-ack-time': {
    commune: 'own',
    own: (m, r) => {
      const n = 6 + Math.round(r.next() * 10);
      return { numerator: round(n * (0.5 + 2.5 * (1 - m.progress)) * (0.8 + 0.4 * r.next()), 1), denominator: n };
    },
  },
};

/** Lamps failed in a hamlet this month: now and then one, more in its bad month. */
const failures = (m: MonthCtx, h: string) => m.once(`failures:${h}`, (r) => (r.next() < 0.35 ? 1 : 0) + Math.round((m.dip[h] ?? 0) * 10));

/** For an indicator the table lacks: a share of the hamlet's devices near its target, or a small figure near its target. */
function generic(d: IndicatorDefinition): Rule {
  const t = d.target;
  if (d.unit === '%') {
    const base = !t ? 0.95 : t.op === '>=' ? Math.min(1, t.value / 100 + 0.01) : Math.max(0, (t.value / 100) * 0.8);
    return { commune: 'sum', hamlet: (m, r, h) => whole(devicesOf(m, h).length * 10, share(m, r, base, h)) };
  }
  if (d.unit === 'count') return { commune: 'total', hamlet: (m, r) => ({ numerator: Math.round(2 * (1 - m.progress) + r.next() * 2), denominator: 1 }) };
  const level = t ? t.value * (t.op === '<=' ? 0.8 : 1.1) : 10;
  return {
    commune: 'sum',
    hamlet: (m, r, h) => {
      const n = devicesOf(m, h).length;
      return n === 0 ? NONE : { numerator: round(n * level * (0.9 + 0.2 * r.next())), denominator: n };
    },
  };
}

/** The rule an indicator's simulated figures follow. */
export function ruleOf(d: IndicatorDefinition): Rule {
  return RULES[d.id] ?? generic(d);
}

/** Whether the table has a rule of its own for an indicator (else it gets the generic one by unit). */
export const hasOwnRule = (id: string): boolean => id in RULES;

/**
 * Each month's figures for every indicator: the commune's, and each hamlet's for a hamlet-scoped
 * one. Months in any order; `progress` runs from the earliest to the latest.
 */
export function simulateIndicatorHistory(o: { site: SiteConfig; indicators: readonly IndicatorDefinition[]; months: readonly Month[]; seed: number }): SimulatedMonth[] {
  const { site } = o;
  const keys = o.months.map(monthKey);
  const order = [...keys].sort();
  return o.months.map((month, i) => {
    const key = keys[i]!;
    const rm = rngFor(o.seed, `indicator-history:${key}`);
    const span = monthSpan(month, site.site.tz);
    const hours = (span.to.getTime() - span.from.getTime()) / H;
    const memo = new Map<string, unknown>();
    const m: MonthCtx = {
      site,
      month,
      days: Math.round(hours / 24),
      hours,
      litH: nightHours(site.site.lat, Math.round(30.4 * (month.month - 1) + 15)) + 20 / 60,
      progress: order.length > 1 ? order.indexOf(key) / (order.length - 1) : 1,
      rainy: month.month >= 5 && month.month <= 10,
      // About one hamlet in four has a bad month.
      dip: Object.fromEntries(site.hamlets.map((h) => [h.id, rm.next() < 0.25 ? round(0.04 + 0.11 * rm.next()) : 0])),
      emergencies: 1 + (rm.next() < (month.month >= 5 && month.month <= 10 ? 0.6 : 0.2) ? 1 : 0),
      once<T>(k: string, make: (r: SeededRng) => T): T {
        if (!memo.has(k)) memo.set(k, make(rngFor(o.seed, `indicator-history:${key}:${k}`)));
        return memo.get(k) as T;
      },
    };
    const indicators = o.indicators.map((d): SimulatedFigure => {
      const rule = ruleOf(d);
      // One stream per indicator and month, so adding an indicator leaves the others' figures alone.
      const r = rngFor(o.seed, `indicator-history:${key}:${d.id}`);
      const hamlets: Record<string, Ratio> = rule.hamlet ? Object.fromEntries(site.hamlets.map((h) => [h.id, rule.hamlet!(m, r, h.id)])) : {};
      const rows = Object.values(hamlets);
      const commune =
        rule.commune === 'own'
          ? rule.own!(m, r, hamlets)
          : { numerator: round(rows.reduce((s, x) => s + x.numerator, 0)), denominator: rule.commune === 'total' ? 1 : round(rows.reduce((s, x) => s + x.denominator, 0)) };
      return { id: d.id, commune, ...(d.scope === 'hamlet' && { hamlets }) };
    });
    return { period: key, indicators };
  });
}
