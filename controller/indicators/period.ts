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
