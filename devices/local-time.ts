// Local wall time in an IANA time zone (Asia/Ho_Chi_Minh for the commune), and sun-relative
// instants: shared by device simulators, street-light profiles and irrigation programs.
import { getTimes } from 'suncalc';

export interface LocalParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter for localParts, one per zone: building one costs more than a reading's whole ingest. */
export function zoneFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) formatters.set(tz, (f = newFormatter(tz)));
  return f;
}

function newFormatter(tz: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

/** Wall-clock fields of an instant in an IANA time zone. */
export function localParts(date: Date, tz: string, fmt = zoneFormatter(tz)): LocalParts {
  const out: Record<string, number> = {};
  for (const p of fmt.formatToParts(date)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return {
    year: out.year ?? NaN,
    month: out.month ?? NaN,
    day: out.day ?? NaN,
    hour: out.hour ?? NaN,
    minute: out.minute ?? NaN,
    second: out.second ?? NaN,
  };
}

/** The instant at which the wall clock in tz reads the given local date and time. */
export function zonedTimeToUtc(
  y: number,
  month: number,
  d: number,
  hh: number,
  mm: number,
  tz: string,
  fmt = zoneFormatter(tz),
): Date {
  const asUtc = Date.UTC(y, month - 1, d, hh, mm);
  const offsetAt = (t: number) => {
    const p = localParts(new Date(t), tz, fmt);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
  };
  const first = asUtc - offsetAt(asUtc);
  // Re-check at the candidate: across a DST change the offset there differs from the first guess.
  const second = asUtc - offsetAt(first);
  return new Date(second);
}

/** A time of day: fixed local "HH:MM", or sunrise/sunset plus an offset in minutes. */
export type DayTime = { at: string } | { astro: 'sunset' | 'sunrise'; offsetMin: number };

/** When a day time happens on a given local date, or null if the sun does not rise or set that day. */
export function dayTimeInstant(
  t: DayTime,
  date: { year: number; month: number; day: number },
  lat: number,
  lon: number,
  tz: string,
  fmt = zoneFormatter(tz),
): Date | null {
  if ('at' in t) {
    const [hh, mm] = t.at.split(':').map(Number) as [number, number];
    return zonedTimeToUtc(date.year, date.month, date.day, hh, mm, tz, fmt);
  }
  // Local noon picks that local day's solar day unambiguously.
  const noon = zonedTimeToUtc(date.year, date.month, date.day, 12, 0, tz, fmt);
  const sun = getTimes(noon, lat, lon)[t.astro];
  return sun ? new Date(sun.getTime() + t.offsetMin * 60_000) : null;
}

/** The local calendar date `offsetDays` after the local date of `at`. */
export function localDate(at: Date, tz: string, offsetDays = 0, fmt = zoneFormatter(tz)): { year: number; month: number; day: number } {
  const p = localParts(at, tz, fmt);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + offsetDays));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
