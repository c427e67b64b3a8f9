// Street lighting: groups with tonight's plan, programs, calendars, overrides, energy, failures.
import { z } from 'zod';
import { ProfileStep } from '../../../devices/types/street-light.js';
import { LightCalendar, LightProgram, Override } from '../../lighting/schema.js';
import { Id, Obj } from './common.js';
import { Alert } from './devices.js';
import { NamedSeries } from './series.js';

export { LightCalendar, LightProgram, Override };

export const GroupView = z.object({
  id: z.string(),
  name: z.string(),
  devices: z.array(z.string()),
  calendar: LightCalendar.nullable(),
  tonight: z.object({ program: z.string(), name: z.string(), steps: z.array(z.object({ at: z.string(), level: z.number(), step: ProfileStep })) }).nullable(),
  lights: z.array(
    z.object({
      id: z.string(),
      name: z.string().optional(),
      availability: z.string().optional(),
      state: Obj.nullable(),
      telemetry: Obj.nullable(),
      desired: z.object({ level: z.number(), source: z.enum(['override', 'program']) }).nullable(),
    }),
  ),
});

export type GroupView = z.infer<typeof GroupView>;

/**
 * A change of street lighting, as /api/events pushes it (event `lighting`) to roles with
 * lighting.read: the changed groups as `GET /groups` shows them, and `GET /overrides`.
 */
export const LightingEvent = z.object({
  groups: z.array(GroupView).describe('the groups whose view changed (a light reported, or every group after a change of programs, calendars or overrides), each whole'),
  overrides: z.array(Override),
});
export type LightingEvent = z.infer<typeof LightingEvent>;

export const LightProgramBody = LightProgram.omit({ id: true });

export const NewOverride = z
  .object({
    group: Id.optional(),
    device: Id.optional(),
    /** null (or absent) returns the lights to their program. */
    level: z.number().int().min(0).max(100).nullable().default(null),
    untilIso: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((b) => !!b.group !== !!b.device, { message: 'give exactly one of group or device', path: ['group'] });

const Energy = { kwh: z.number(), baselineKwh: z.number(), savedKwh: z.number(), savedPct: z.number(), onHours: z.number() };
export const EnergyNight = z.object({
  night: z.string(),
  groups: z.array(z.object({ id: z.string(), name: z.string(), ...Energy })),
  lights: z.array(z.object({ deviceId: z.string(), night: z.string(), ...Energy })),
});
export const EnergyQuery = z.object({ night: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() });

/** Lamp failures are alerts: those active, and the latest occurrence of each cleared one. */
export const Failures = z.object({ active: z.array(Alert), recent: z.array(Alert) });

/** A light group over a time range, for its chart: each light's power, and the nights (sunset to sunrise) shaded. */
export const GroupHistory = z.object({
  group: Id,
  from: z.number(),
  to: z.number(),
  stepMs: z.number().int().positive(),
  metric: z.string(),
  unit: z.string().optional(),
  lights: z.array(NamedSeries),
  nights: z.array(z.object({ from: z.number(), to: z.number() })),
});
export type GroupHistory = z.infer<typeof GroupHistory>;
