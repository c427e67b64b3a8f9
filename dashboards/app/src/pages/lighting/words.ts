// Pure helpers of the lighting page: a light's status and faults, steps and rules in words, API
// paths as field names, and the dates of a night at the site (a night runs noon to noon and carries
// the date of its evening).
import type { AlertCode } from '../../../../../controller/alert-codes.js';
import { serverNow } from '../../lib/http.js';
import { isKey, t, type Key } from '../../lib/i18n.js';
import { dayKey, fmtNum, siteParts, siteTimeToMs, withUnit } from '../../lib/format.js';
import type { Alert } from '../../api.js';
import type { Light, Rule, Step } from './api.js';

export const pct = (n: number): string => withUnit(fmtNum(Math.round(n)), '%');
export const kwh = (n: number): string => withUnit(fmtNum(n, 2), 'kWh');

/** A number field of a light's reported state or telemetry (both are open records on the wire). */
export function numOf(o: Record<string, unknown> | null | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' ? v : undefined;
}
export function strOf(o: Record<string, unknown> | null | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** "Hoàng hôn − 10 phút", "23:00". */
export function whenText(step: Step): string {
  if ('at' in step) return step.at;
  const name = t(`lit.astro.${step.astro}`);
  const off = step.offsetMin;
  if (!off) return name;
  return `${name} ${off > 0 ? '+' : '−'} ${withUnit(fmtNum(Math.abs(off)), t('unit.min'))}`;
}

/** A light's alert codes (controller/alert-codes.ts) and the fault kinds the page words them by. */
const FAULT_OF_CODE: Partial<Record<AlertCode, string>> = {
  'light-lamp-failure': 'lampFailure',
  'light-dimming-failure': 'dimmingFailure',
  'light-unexpected-on': 'unexpectedOn',
  'light-offline': 'offline',
};

/** A light's alert as { kind, device }, from its code; undefined for any other alert. */
export function failureOf(a: Alert): { kind: string; device: string } | undefined {
  const kind = FAULT_OF_CODE[a.what.code];
  return kind && 'device' in a.what ? { kind, device: a.what.device } : undefined;
}

/** A fault kind in words (a lampStatus the page has no words for is shown as sent). */
export function kindText(kind: string): string {
  const k = `lit.kind.${kind}`;
  return isKey(k) ? t(k) : kind;
}

/** Active fault kinds of a light (not "offline": that is its availability), from alerts and its own lampStatus. */
export function faultsOf(light: Light, active: Alert[]): string[] {
  const kinds = new Set<string>();
  for (const a of active) {
    const f = failureOf(a);
    if (f && f.device === light.id && f.kind !== 'offline') kinds.add(f.kind);
  }
  const st = strOf(light.telemetry, 'lampStatus');
  if (st && st !== 'ok') kinds.add(st);
  return [...kinds];
}

export type LightStatus = 'on' | 'off' | 'failed' | 'offline' | 'unknown';

/** One word per light, so the group's counts add up. */
export function lightStatus(light: Light, active: Alert[]): LightStatus {
  if (light.availability === 'offline') return 'offline';
  if (faultsOf(light, active).length) return 'failed';
  const level = numOf(light.state, 'level');
  if (level === undefined) return 'unknown';
  return level > 0 ? 'on' : 'off';
}

// ---------------------------------------------------------------- dates at the site

function ymd(y: number, m: number, d: number): string {
  const x = new Date(Date.UTC(y, m - 1, d));
  return `${x.getUTCFullYear()}-${String(x.getUTCMonth() + 1).padStart(2, '0')}-${String(x.getUTCDate()).padStart(2, '0')}`;
}

/** YYYY-MM-DD plus n days. */
export function addDays(date: string, n: number): string {
  const [y = 1970, m = 1, d = 1] = date.split('-').map(Number);
  return ymd(y, m, d + n);
}

/** Last night: the date of yesterday's evening at the site. */
export const lastNight = (): string => addDays(dayKey(serverNow()), -1);

/** The night now belongs to (its evening's date: before noon it is yesterday's), noon to noon. */
export function currentNight(now = serverNow()): { from: number; to: number } {
  const p = siteParts(now);
  const d = p.hour < 12 ? p.day - 1 : p.day;
  return { from: siteTimeToMs(p.year, p.month, d, 12, 0), to: siteTimeToMs(p.year, p.month, d + 1, 12, 0) };
}

/** The next time HH:MM at the site, from now. */
export function nextLocalTime(hhmm: string, now = serverNow()): number {
  const [hh = 0, mm = 0] = hhmm.split(':').map(Number);
  const p = siteParts(now);
  const at = siteTimeToMs(p.year, p.month, p.day, hh, mm);
  return at > now ? at : siteTimeToMs(p.year, p.month, p.day + 1, hh, mm);
}

/** MM-DD or YYYY-MM-DD from the API as the reader writes it: 30/04 or 30/04/2026. */
export function dayFromApi(s: string): string {
  const m = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(s);
  if (!m) return s;
  return m[1] ? `${m[3]}/${m[2]}/${m[1]}` : `${m[3]}/${m[2]}`;
}

/**
 * 30/04 → 04-30, 30/04/2026 → 2026-04-30. Anything else, or a day that does not exist, is sent as
 * typed, so the server says what is wrong and the form keeps it.
 */
export function dayToApi(s: string): string {
  const v = s.trim();
  const m = /^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}))?$/.exec(v);
  if (!m || !m[1] || !m[2]) return v;
  const [day, month] = [Number(m[1]), Number(m[2])];
  const probe = new Date(Date.UTC(m[3] ? Number(m[3]) : 2024, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return v;
  const md = `${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return m[3] ? `${m[3]}-${md}` : md;
}

/** When a calendar rule applies, in words. */
export function ruleWhen(r: Rule): string {
  if (r.kind === 'weekdays') {
    const days = [...r.days].sort((a, b) => a - b);
    return days.length === 7 ? t('lit.cal.everyDay') : days.map((x) => (isKey(`irr.day.${x}`) ? t(`irr.day.${x}` as Key) : String(x))).join(', ');
  }
  if (r.kind === 'dates') return r.from === r.to ? dayFromApi(r.from) : t('lit.cal.range', { from: dayFromApi(r.from), to: dayFromApi(r.to) });
  return t('lit.cal.lunar', { day: r.day, month: r.month, n: r.days });
}

// ---------------------------------------------------------------- API paths in words

const FIELD: Record<string, Key> = {
  at: 'lit.form.time',
  offsetMin: 'lit.form.offset',
  level: 'lit.form.level',
  program: 'lit.cal.program',
  from: 'lit.cal.from',
  to: 'lit.cal.to',
  days: 'lit.cal.days',
  month: 'lit.cal.lunarMonth',
  day: 'lit.cal.lunarDay',
};
const TOP: Record<string, Key> = {
  id: 'lit.form.id',
  name: 'lit.form.name',
  steps: 'lit.form.steps',
  rules: 'lit.cal.rules',
  default: 'lit.cal.default',
  level: 'lit.levelPct',
  untilIso: 'lit.until',
};

/** Words for an API path such as "steps.0.level" or "rules.1.from" (already without "body."). */
export function pathLabel(path: string): string {
  const parts = path.split('.').filter(Boolean);
  const [a, b, c] = parts;
  const field = c ? FIELD[c] : undefined;
  if ((a === 'steps' || a === 'rules') && b !== undefined && /^\d+$/.test(b)) {
    const n = Number(b) + 1;
    const head = a === 'steps' ? t('lit.form.stepN', { n }) : t('lit.cal.ruleN', { n });
    return field ? `${head} · ${t(field)}` : head;
  }
  const top = a ? TOP[a] : undefined;
  return top ? t(top) : parts.join('.');
}
