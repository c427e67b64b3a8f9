// Why a run ended as it did, why a program start was skipped, and how its water level was set: a
// code with parameters for pages to put in words (they parsed the English with regexes), and the
// English sentence of before, kept for logs, the history and older pages.
import { z } from 'zod';

export const Note = z.discriminatedUnion('code', [
  z.object({ code: z.literal('paused'), by: z.string() }),
  z.object({ code: z.literal('cancelled'), by: z.string() }),
  z.object({ code: z.literal('stopped'), by: z.string() }),
  z.object({ code: z.literal('after-pause'), run: z.string() }),
  /** The valve's time was up and it had not reported closed: the plane closed it. */
  z.object({ code: z.literal('overdue') }),
  z.object({ code: z.literal('no-valve') }),
  z.object({ code: z.literal('command-failed'), device: z.string(), status: z.string(), reason: z.string().optional() }),
  z.object({ code: z.literal('error'), message: z.string() }),
  z.object({ code: z.literal('soil-reached'), pct: z.number(), targetPct: z.number() }),
  z.object({ code: z.literal('capped'), maxS: z.number() }),
  z.object({ code: z.literal('dry'), pct: z.number().optional(), belowPct: z.number(), forS: z.number() }),
  z.object({ code: z.literal('missed'), at: z.number() }),
  z.object({ code: z.literal('rain-delay'), until: z.number() }),
  z.object({ code: z.literal('rain'), mm: z.number(), maxMm: z.number() }),
  z.object({ code: z.literal('by-sensor'), zone: z.string() }),
  z.object({ code: z.literal('no-step') }),
  z.object({ code: z.literal('et0'), mm: z.number() }),
  z.object({ code: z.literal('no-weather') }),
]);
export type Note = z.infer<typeof Note>;

/** The English sentence of a note, as the plane wrote it before notes had codes. */
export function noteText(n: Note): string {
  switch (n.code) {
    case 'paused':
    case 'cancelled':
    case 'stopped':
      return `${n.code} by ${n.by}`;
    case 'after-pause':
      return `rest of run ${n.run} after pause`;
    case 'overdue':
      return 'closed by the plane after its time';
    case 'no-valve':
      return 'the zone has no valve';
    case 'command-failed':
      return `${n.device}: ${n.status}${n.reason ? ` (${n.reason})` : ''}`;
    case 'error':
      return n.message;
    case 'soil-reached':
      return `soil reached ${n.pct.toFixed(1)} % (target ${n.targetPct} %)`;
    case 'capped':
      return `capped at the zone's maximum ${n.maxS} s`;
    case 'dry':
      return `soil ${n.pct?.toFixed(1)} % below ${n.belowPct} % for ${n.forS} s`;
    case 'missed':
      return `missed: the controller was not running at ${new Date(n.at).toISOString()}`;
    case 'rain-delay':
      return `rain delay until ${new Date(n.until).toISOString()}`;
    case 'rain':
      return `rain ${n.mm.toFixed(1)} mm in the last 24 h > ${n.maxMm} mm`;
    case 'by-sensor':
      return `step ${n.zone}: watered by its soil sensors`;
    case 'no-step':
      return 'no step to run';
    case 'et0':
      return `ET0 ${n.mm.toFixed(1)} mm/day`;
    case 'no-weather':
      return 'no weather data: water level unadjusted';
  }
}

/** A run's `note` and `noteCode` fields together. */
export const runNote = (n: Note) => ({ note: noteText(n), noteCode: n });
