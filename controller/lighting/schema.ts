// Street-lighting control programs, calendars and overrides (TALQ-style), validated with zod.
import { z } from 'zod';
import { ProfileStep } from '../../devices/types/street-light.js';

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must match ^[a-z0-9][a-z0-9-]{1,62}$');
/** MM-DD every year, or YYYY-MM-DD once. */
const Day = z
  .string()
  .regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'must be MM-DD or YYYY-MM-DD')
  .refine((v) => {
    // A date that exists (29 February in a leap year; MM-DD is checked against 2024, a leap year).
    const [y, m, d] = (v.length === 5 ? `2024-${v}` : v).split('-').map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, 'no such date');

export const LightProgram = z.object({
  id: Id,
  name: z.string().trim().min(1).max(120),
  /** Ordered steps; the level in force is the latest step passed (across midnight). */
  steps: z.array(ProfileStep).min(1).max(16),
});
export type LightProgram = z.infer<typeof LightProgram>;

export const CalendarRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('weekdays'), days: z.array(z.number().int().min(1).max(7)).min(1), program: Id }),
  /** A date range, inclusive; MM-DD ranges may wrap the year end (12-30 to 01-02). */
  z.object({ kind: z.literal('dates'), from: Day, to: Day, program: Id }),
  /** A lunar-calendar date (e.g. Tết: month 1, day 1, for 3 days). */
  z.object({ kind: z.literal('lunar'), month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(30), days: z.number().int().min(1).max(15).default(1), program: Id }),
]);
export type CalendarRule = z.infer<typeof CalendarRule>;

export const LightCalendar = z.object({
  /** Ordered: the first rule that matches the night's date wins; else the default program. */
  rules: z.array(CalendarRule).max(64).default([]),
  default: Id,
});
export type LightCalendar = z.infer<typeof LightCalendar>;

export const Override = z.object({
  id: z.string(),
  target: z.union([z.object({ group: Id }), z.object({ device: Id })]),
  /** A level holds the lights there; null returns them to their program (TALQ's empty override). */
  level: z.number().int().min(0).max(100).nullable(),
  until: z.number().optional(),
  at: z.number(),
  by: z.string(),
});
export type Override = z.infer<typeof Override>;

export const LightingFile = z.object({
  programs: z.array(LightProgram).default([]),
  calendars: z.record(z.string(), LightCalendar).default({}),
  overrides: z.array(Override).default([]),
});
export type LightingFile = z.infer<typeof LightingFile>;
