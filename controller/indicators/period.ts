// The periods indicators are reported for: a calendar month ("2026-11") in the site's time zone.
import { zonedTimeToUtc } from '../../devices/local-time.js';

export interface Month {
  year: number;
  month: number;
}

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parseMonth(s: string): Month {
  const m = MONTH_PATTERN.exec(s);
  if (!m) throw new Error(`not a month: ${s}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

export const monthKey = (m: Month): string => `${m.year}-${String(m.month).padStart(2, '0')}`;

export function addMonths(m: Month, n: number): Month {
  const i = m.year * 12 + (m.month - 1) + n;
  return { year: Math.floor(i / 12), month: (i % 12) + 1 };
}

/** The month's instants at the site, [from, to). */
export function monthSpan(m: Month, tz: string): { from: Date; to: Date } {
  const next = addMonths(m, 1);
  return { from: zonedTimeToUtc(m.year, m.month, 1, 0, 0, tz), to: zonedTimeToUtc(next.year, next.month, 1, 0, 0, tz) };
}

/** A local calendar day, "2026-11-15". */
export const dayKeyOf = (d: { year: number; month: number; day: number }): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

function dayParts(key: string): { year: number; month: number; day: number } {
  const [year, month, day] = key.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

export function addDays(key: string, n: number): string {
  const p = dayParts(key);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + n));
  return dayKeyOf({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** The day's instants at the site, [from, to). */
export function daySpan(key: string, tz: string): { from: Date; to: Date } {
  const p = dayParts(key);
  const n = dayParts(addDays(key, 1));
  return { from: zonedTimeToUtc(p.year, p.month, p.day, 0, 0, tz), to: zonedTimeToUtc(n.year, n.month, n.day, 0, 0, tz) };
}

export const monthOfDay = (key: string): Month => parseMonth(key.slice(0, 7));

/** The last day of its month: its snapshot is the finished month's. */
export const endsMonth = (key: string): boolean => addDays(key, 1).slice(0, 7) !== key.slice(0, 7);
