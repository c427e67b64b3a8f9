// When a program's starts fall: its calendar picks local days, each start time (fixed, or sunrise /
// sunset ± minutes at the site) picks the instant on that day. Pure, for any clock.
import { dayTimeInstant, localDate, zoneFormatter } from '../../devices/local-time.js';
import type { Program } from './schema.js';

export interface Place {
  lat: number;
  lon: number;
  tz: string;
}

const ymd = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Whether the calendar runs on a local date. */
export function runsOn(cal: Program['calendar'], date: { year: number; month: number; day: number }): boolean {
  const utcDay = Date.UTC(date.year, date.month - 1, date.day) / 86_400_000;
  switch (cal.kind) {
    case 'weekly': {
      const iso = ((new Date(utcDay * 86_400_000).getUTCDay() + 6) % 7) + 1;
      return cal.days.includes(iso);
    }
    case 'interval': {
      const [y, m, d] = cal.from.split('-').map(Number) as [number, number, number];
      const n = utcDay - Date.UTC(y, m - 1, d) / 86_400_000;
      return n >= 0 && n % cal.everyDays === 0;
    }
    case 'once':
      return cal.date === ymd(date);
  }
}

/** The program's start instants in (fromMs, toMs], oldest first. */
export function startsBetween(program: Program, fromMs: number, toMs: number, place: Place): number[] {
  const fmt = zoneFormatter(place.tz);
  const out: number[] = [];
  // A start may be pulled across midnight by an offset: look one day either side.
  const days = Math.ceil((toMs - fromMs) / 86_400_000) + 2;
  for (let i = -1; i < days; i++) {
    const date = localDate(new Date(fromMs), place.tz, i, fmt);
    if (!runsOn(program.calendar, date)) continue;
    for (const s of program.starts) {
      const t = dayTimeInstant(s, date, place.lat, place.lon, place.tz, fmt)?.getTime();
      if (t !== undefined && t > fromMs && t <= toMs) out.push(t);
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The next start after `afterMs`, looking up to `horizonDays` ahead. */
export function nextStart(program: Program, afterMs: number, place: Place, horizonDays = 62): number | undefined {
  if (!program.enabled) return undefined;
  for (let d = 0; d < horizonDays; d += 7) {
    const s = startsBetween(program, afterMs + d * 86_400_000, afterMs + (d + 7) * 86_400_000, place);
    if (s.length) return s[0];
  }
  return undefined;
}

export { ymd as localDateString };
