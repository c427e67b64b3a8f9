// Which level a street-light profile puts in force at an instant. Shared by the simulated
// luminaire (its offline fallback) and the controller (which runs the same schedule online).
//
// A profile is an ordered list of steps, each at a local wall time ("HH:MM" in tz) or at sunset /
// sunrise plus an offset. The level in force is that of the step passed most recently, looking back
// across midnight, so "100 from dusk, 50 from 23:00, 0 from dawn" needs no special case for the wrap.
import { getTimes } from 'suncalc';

export type ProfileStep =
  | { at: string; level: number }
  | { astro: 'sunset' | 'sunrise'; offsetMin: number; level: number };

export interface LocalParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A formatter for localParts. Building one is costly; callers that convert many instants reuse one. */
export function zoneFormatter(tz: string): Intl.DateTimeFormat {
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

/** When a step happens on a given local date, or null if the sun does not rise or set that day. */
export function stepInstant(
  step: ProfileStep,
  date: { year: number; month: number; day: number },
  lat: number,
  lon: number,
  tz: string,
  fmt = zoneFormatter(tz),
): Date | null {
  if ('at' in step) {
    const [hh, mm] = step.at.split(':').map(Number) as [number, number];
    return zonedTimeToUtc(date.year, date.month, date.day, hh, mm, tz, fmt);
  }
  // Local noon picks that local day's solar day unambiguously.
  const noon = zonedTimeToUtc(date.year, date.month, date.day, 12, 0, tz, fmt);
  const t = getTimes(noon, lat, lon)[step.astro];
  return t ? new Date(t.getTime() + step.offsetMin * 60_000) : null;
}

/** The level in force at `at`: that of the latest step passed; later steps in the list win ties. */
export function levelAt(profile: readonly ProfileStep[], lat: number, lon: number, tz: string, at: Date): number {
  const fmt = zoneFormatter(tz);
  const today = localParts(at, tz, fmt);
  const now = at.getTime();
  let best: { t: number; level: number } | undefined;
  // Yesterday covers the wrap across midnight; tomorrow covers a step pulled before midnight by an offset.
  for (const dayOffset of [-1, 0, 1]) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
    const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    for (const step of profile) {
      const t = stepInstant(step, date, lat, lon, tz, fmt)?.getTime();
      if (t === undefined || t > now) continue;
      if (!best || t >= best.t) best = { t, level: step.level };
    }
  }
  return best?.level ?? 0;
}
