// Irrigation: zones with moisture and valves, programs, the run queue, history and water used.
import { z } from 'zod';
import { SiteConfig } from '../../config/site.js';
import { Note } from '../../irrigation/notes.js';
import { Program, Run, Settings } from '../../irrigation/schema.js';
import { Id, Obj } from './common.js';
import { LinesQuery, NamedSeries } from './series.js';

export { Program, Run, Settings };

/** A zone as the site file sets it up (area, crop, water source, its longest run, sensor watering). */
export const ZoneConfig = SiteConfig.shape.zones.unwrap().element;
export type ZoneConfig = z.infer<typeof ZoneConfig>;

export const ZoneView = ZoneConfig.extend({
  moisture: z.object({ pct: z.number(), sensors: z.number() }).nullable(),
  valves: z.array(
    z.object({
      id: z.string(),
      name: z.string().optional(),
      availability: z.string().optional(),
      state: Obj.nullable(),
      stateAt: z.string().nullable(),
      telemetry: Obj.nullable(),
    }),
  ),
  activeRun: Run.nullable(),
  queued: z.number().int(),
  nextProgramStart: z.object({ at: z.number(), program: z.string(), inS: z.number() }).nullable(),
}).loose();

export const ProgramView = Program.extend({ nextStartAt: z.number().optional(), effectiveLevelPct: z.number(), levelNote: z.string().optional(), levelNoteCode: Note.optional() });
export const ProgramBody = Program.omit({ id: true });

export const QueuedRun = Run.extend({ expectedStartAt: z.number().optional(), waitingFor: z.array(z.string()).optional() });
export const Queue = z.object({ paused: z.boolean(), rainDelayUntil: z.number().optional(), running: z.array(Run), queued: z.array(QueuedRun) });
export const QueueNow = Queue.extend({ now: z.number() });

export const RunNow = z.object({ zone: Id, durationS: z.number().int().min(1).max(4 * 3600) });
export const RainDelay = z.object({ hours: z.number().min(0).max(24 * 14) });
export const SettingsPatch = z.object({ rainSkipMm: z.number().min(0).max(500), referenceEt0Mm: z.number().min(0.5).max(15), missedStartGraceS: z.number().int().min(0).max(21600) }).partial();

export const ProgramEvent = z.object({ at: z.number(), program: z.string(), outcome: z.enum(['started', 'skipped']), reason: z.string().optional(), reasonCode: Note.optional(), levelPct: z.number().optional() });
export const HistoryItem = z.union([Run, ProgramEvent]);

/** How many history items an `irrigation` event carries: what a page lists. */
export const EVENT_HISTORY = 20;

/**
 * A change of irrigation, as /api/events pushes it (event `irrigation`), filtered like the routes:
 * what `GET /zones` (the changed zones only), `/queue` and `/history?limit=20` would answer now.
 */
export const IrrigationEvent = z.object({
  zones: z.array(ZoneView).describe('the zones whose view changed, each whole; every zone after a change of the queue, programs or settings'),
  queue: QueueNow,
  history: z.array(HistoryItem).describe(`the latest ${EVENT_HISTORY} runs and program events before filtering, newest first`),
});
export type ZoneView = z.infer<typeof ZoneView>;
export type QueueNow = z.infer<typeof QueueNow>;
export type HistoryItem = z.infer<typeof HistoryItem>;
export type IrrigationEvent = z.infer<typeof IrrigationEvent>;

export const DaysQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(7) });
export const ZoneWater = z.object({
  zone: z.string(),
  from: z.string(),
  to: z.string(),
  liters: z.number(),
  byValve: z.record(z.string(), z.number()),
  litersPerM2PerDay: z.number(),
  daily: z.array(z.object({ day: z.string(), liters: z.number(), litersPerM2: z.number() })),
});
export const SourceWater = z.object({ source: z.string(), from: z.string(), to: z.string(), liters: z.number(), byZone: z.record(z.string(), z.number()) });

/** A zone over a time range, for its chart: soil moisture per sensor and the runs that watered it. */
export const ZoneHistoryQuery = LinesQuery;
/** When water ran: `to` is null while the run is still under way. */
export const RunPeriod = z.object({ run: z.string(), from: z.number(), to: z.number().nullable(), status: z.string(), program: z.string().optional(), liters: z.number().optional() });
export const ZoneHistory = z.object({
  zone: Id,
  from: z.number(),
  to: z.number(),
  stepMs: z.number().int().positive(),
  metric: z.string(),
  unit: z.string().optional(),
  /** One series per soil sensor of the zone, on the same buckets. */
  sensors: z.array(NamedSeries),
  runs: z.array(RunPeriod),
});
export type ZoneHistory = z.infer<typeof ZoneHistory>;
