// Numbers, durations and times in the current language, clock times in the site's time zone.
import { signal } from '@preact/signals';
import { serverNow } from './http.js';
import { locale, t } from './i18n.js';

/** The site's IANA time zone (from /api/site): every clock time on the pages is in it. */
export const siteTz = signal<string | undefined>(undefined);

const cached = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function memo<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let f = cached.get(key) as F | undefined;
  if (!f) cached.set(key, (f = make()));
  return f;
}

/** A number with at most `digits` decimals (default: none for integers, else 2 below 10, else 1). */
export function fmtNum(n: number, digits?: number): string {
  const d = digits ?? (Number.isInteger(n) ? 0 : Math.abs(n) < 10 ? 2 : 1);
  return memo(`n|${locale()}|${d}`, () => new Intl.NumberFormat(locale(), { maximumFractionDigits: d })).format(n);
}

/** A number with its unit, joined by a no-break space. */
export const withUnit = (text: string, unit?: string): string => (unit ? `${text}\u00a0${unit}` : text);

export function fmtDuration(totalS: number): string {
  const s = Math.max(0, Math.round(totalS));
  const [hrs, min, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const parts: string[] = [];
  if (hrs) parts.push(withUnit(fmtNum(hrs), t('unit.h')));
  if (min) parts.push(withUnit(fmtNum(min), t('unit.min')));
  if (sec || parts.length === 0) parts.push(withUnit(fmtNum(sec), t('unit.s')));
  return parts.join(' ');
}

/** A countdown as m:ss (or h:mm:ss), for what changes every second. */
export function fmtClock(totalS: number): string {
  const s = Math.max(0, Math.round(totalS));
  const hrs = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return hrs ? `${hrs}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

function timeFormat(withDate: boolean, seconds = false): Intl.DateTimeFormat {
  const tz = siteTz.value;
  return memo(`t|${locale()}|${tz}|${withDate}|${seconds}`, () => {
    const opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(seconds && { second: '2-digit' }), ...(withDate && { day: '2-digit', month: '2-digit' }) };
    try {
      return new Intl.DateTimeFormat(locale(), { ...opts, timeZone: tz });
    } catch {
      return new Intl.DateTimeFormat(locale(), opts);
    }
  });
}

export type When = number | string | Date;

/** Clock time HH:MM at the site, never with the date (for a plan within one night). */
export function fmtHm(when: When): string {
  const d = new Date(when);
  return Number.isNaN(d.getTime()) ? String(when) : timeFormat(false).format(d);
}

export interface SiteParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock fields of an instant at the site. */
export function siteParts(when: When): SiteParts {
  const tz = siteTz.value;
  const f = memo(`p|${tz}`, () => {
    const opts: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    try {
      return new Intl.DateTimeFormat('en-US', { ...opts, timeZone: tz });
    } catch {
      return new Intl.DateTimeFormat('en-US', opts);
    }
  });
  const p = Object.fromEntries(f.formatToParts(new Date(when)).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second) };
}

/**
 * The instant of a wall-clock time at the site (a day past the month's end rolls over). The offset
 * is read at that instant, so a time across a DST change is still right.
 */
export function siteTimeToMs(year: number, month: number, day: number, hour: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = siteParts(guess);
    const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(guess / 1000) * 1000;
    const next = wall - offset;
    if (next === guess) break;
    guess = next;
  }
  return guess;
}

/** YYYY-MM-DD of an instant at the site. */
export function dayKey(d: When): string {
  const tz = siteTz.value;
  return memo(`d|${tz}`, () => {
    try {
      return new Intl.DateTimeFormat('en-CA', { timeZone: tz });
    } catch {
      return new Intl.DateTimeFormat('en-CA');
    }
  }).format(new Date(d));
}

/** Clock time at the site, with the date when it is not today; `seconds` adds them. */
export function fmtTime(when: When, { seconds = false } = {}): string {
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return String(when);
  return timeFormat(dayKey(d) !== dayKey(serverNow()), seconds).format(d);
}

/** Time and full date at the site, for documents that outlive the day (the monthly report). */
export function fmtDateTime(when: When): string {
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return String(when);
  const tz = siteTz.value;
  return memo(`dt|${locale()}|${tz}`, () => {
    const opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', day: '2-digit', month: '2-digit', year: 'numeric' };
    try {
      return new Intl.DateTimeFormat(locale(), { ...opts, timeZone: tz });
    } catch {
      return new Intl.DateTimeFormat(locale(), opts);
    }
  }).format(d);
}

/** A local date "YYYY-MM-DD" as the reader writes dates (dd/mm/yyyy in Vietnamese). */
export function fmtLocalDate(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return memo(`ld|${locale()}`, () => new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' })).format(d);
}

export function fmtRelative(when: When, now = serverNow()): string {
  const then = new Date(when).getTime();
  if (Number.isNaN(then)) return '';
  const diffS = Math.round((then - now) / 1000);
  const abs = Math.abs(diffS);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  if (abs < 10) return rtf.format(0, 'second');
  if (abs < 60) return rtf.format(diffS, 'second');
  if (abs < 3600) return rtf.format(Math.round(diffS / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diffS / 3600), 'hour');
  return rtf.format(Math.round(diffS / 86400), 'day');
}

/** Who issued a command or stopped a run: `user:<login>` is the login, `token:<id>` an API token. */
export function issuerName(issuer: string | undefined): string {
  const s = issuer ?? '';
  if (s.startsWith('user:')) return s.slice(5);
  if (s.startsWith('token:')) return t('issuer.token', { id: s.slice(6) });
  return s;
}

/** Lower case, without Vietnamese diacritics, so "thon dong" finds "Thôn Đông". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

/** An id made from a Vietnamese name ("Tưới sáng" → "tuoi-sang"), as the API's ids allow. */
export function slug(name: string, max = 63): string {
  return fold(name).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max);
}
