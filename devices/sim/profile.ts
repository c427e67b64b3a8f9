// Which level a street-light profile puts in force at an instant. Shared by the simulated
// luminaire (its offline fallback) and the controller (which runs the same schedule online).
//
// A profile is an ordered list of steps, each at a local wall time ("HH:MM" in tz) or at sunset /
// sunrise plus an offset. The level in force is that of the step passed most recently, looking back
// across midnight, so "100 from dusk, 50 from 23:00, 0 from dawn" needs no special case for the wrap.
import { dayTimeInstant, localDate, zoneFormatter, type DayTime } from '../local-time.js';

export { localParts, zonedTimeToUtc, zoneFormatter } from '../local-time.js';

export type ProfileStep = DayTime & { level: number };

/** When a step happens on a given local date, or null if the sun does not rise or set that day. */
export const stepInstant = dayTimeInstant;

/** The level in force at `at`: that of the latest step passed; later steps in the list win ties. */
export function levelAt(profile: readonly ProfileStep[], lat: number, lon: number, tz: string, at: Date): number {
  const fmt = zoneFormatter(tz);
  const now = at.getTime();
  let best: { t: number; level: number } | undefined;
  // Yesterday covers the wrap across midnight; tomorrow covers a step pulled before midnight by an offset.
  for (const dayOffset of [-1, 0, 1]) {
    const date = localDate(at, tz, dayOffset, fmt);
    for (const step of profile) {
      const t = dayTimeInstant(step, date, lat, lon, tz, fmt)?.getTime();
      if (t === undefined || t > now) continue;
      if (!best || t >= best.t) best = { t, level: step.level };
    }
  }
  return best?.level ?? 0;
}
