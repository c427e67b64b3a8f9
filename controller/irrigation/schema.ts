// Irrigation programs and the run queue's durable state, validated with zod.
import { z } from 'zod';
import { Note } from './notes.js';

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must match ^[a-z0-9][a-z0-9-]{1,62}$');
const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

export const StartTime = z.union([
  z.object({ at: Hhmm }),
  z.object({ astro: z.enum(['sunrise', 'sunset']), offsetMin: z.number().int().min(-240).max(240).default(0) }),
]);

export const Calendar = z.discriminatedUnion('kind', [
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  z.object({ kind: z.literal('weekly'), days: z.array(z.number().int().min(1).max(7)).min(1).max(7) }),
  /** Every N days counted from a local start date. */
  z.object({ kind: z.literal('interval'), everyDays: z.number().int().min(1).max(60), from: LocalDate }),
  z.object({ kind: z.literal('once'), date: LocalDate }),
]);

export const Program = z.object({
  id: Id,
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  calendar: Calendar,
  starts: z.array(StartTime).min(1).max(4),
  steps: z.array(z.object({ zone: Id, durationS: z.number().int().min(1).max(4 * 3600) })).min(1).max(32),
  /** Scales every step, as OpenSprinkler's water level: 0–250 %. */
  waterLevelPct: z.number().int().min(0).max(250).default(100),
  /** Scale further by evapotranspiration (Hargreaves ET0 of the last 24 h against the reference). */
  weatherAdjust: z.boolean().default(false),
});
export type Program = z.infer<typeof Program>;
export type ProgramInput = z.input<typeof Program>;

export const RunReason = z.enum(['program', 'manual', 'sensor']);
export type RunReason = z.infer<typeof RunReason>;

export const Run = z.object({
  id: z.string(),
  zone: Id,
  source: z.string().optional(),
  valves: z.array(Id),
  durationS: z.number().int().min(1),
  reason: RunReason,
  program: Id.optional(),
  /** Sensor runs stop early when the zone's soil reaches this. */
  stopAtPct: z.number().optional(),
  issuer: z.string(),
  status: z.enum(['queued', 'starting', 'running', 'stopping', 'done', 'cancelled', 'failed']),
  /** Why it ended as it did (skipped step, failure, early stop). */
  note: z.string().optional(),
  /** The note as a code with parameters, for pages to put in words. */
  noteCode: Note.optional(),
  queuedAt: z.number(),
  startedAt: z.number().optional(),
  endsAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** totalLiters of each valve when the run started, for the run's water. */
  litersAtStart: z.record(z.string(), z.number()).optional(),
  /** totalLiters of each valve in its first reading after the run ended. */
  litersAtEnd: z.record(z.string(), z.number()).optional(),
  /** When the plane saw the run end, on the wall clock readings are stamped with (epoch ms). */
  endSeenAt: z.number().optional(),
  liters: z.number().optional(),
  /** Written to InfluxDB (at its end, again once its water is known: same series and time, so it overwrites). */
  recorded: z.boolean().optional(),
});
export type Run = z.infer<typeof Run>;

export const Settings = z.object({
  paused: z.boolean().default(false),
  /** No program starts before this instant (epoch ms). */
  rainDelayUntil: z.number().optional(),
  /** Programs skip when the weather station saw more rain than this in the last 24 h. */
  rainSkipMm: z.number().min(0).max(500).default(5),
  /** ET0 (mm/day) at which weather-adjusted programs run at their own water level. */
  referenceEt0Mm: z.number().min(0.5).max(15).default(4),
  /** A start missed while the controller was down still runs if it is at most this late. */
  missedStartGraceS: z.number().int().min(0).max(6 * 3600).default(1800),
});
export type Settings = z.infer<typeof Settings>;

/** What irrigation keeps on disk: programs, settings, the live queue, and where scheduling got to. */
export const IrrigationFile = z.object({
  programs: z.array(Program).default([]),
  settings: Settings.default({ paused: false, rainSkipMm: 5, referenceEt0Mm: 4, missedStartGraceS: 1800 }),
  runs: z.array(Run).default([]),
  /** Program starts up to this instant have been handled (run or skipped). */
  scheduledThrough: z.number().optional(),
  /** Sensor-driven runs per zone: when the last started, and starts per local day. */
  sensorRuns: z.record(z.string(), z.object({ lastAt: z.number(), day: z.string(), count: z.number().int() })).default({}),
});
export type IrrigationFile = z.infer<typeof IrrigationFile>;
