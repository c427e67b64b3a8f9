// The commune's indicators for a month: each figure with its definition, numerator and
// denominator, per hamlet, and what pulled it down. Versioned: the province roll-up aggregates
// these snapshots.
import { z } from 'zod';
import { MONTH_PATTERN } from '../../indicators/period.js';
import { Id } from './common.js';

const Label = z.object({ vi: z.string(), en: z.string() });

export const IndicatorsQuery = z.object({
  period: z.string().regex(MONTH_PATTERN, 'a month as YYYY-MM'),
  /** Only this hamlet's figures (the commune's stay beside them). */
  hamlet: Id.optional(),
  /** Compute a finished month again instead of reading what was stored (admins). */
  recompute: z.enum(['1', 'true']).optional(),
});

export const IndicatorDefinitionView = z.object({
  id: z.string(),
  name: Label,
  definition: Label,
  numerator: Label,
  denominator: Label,
  unit: z.enum(['%', 'h', 'kWh', 'm³/ha', 's', 'count']),
  period: z.enum(['day', 'month']),
  scope: z.enum(['hamlet', 'commune']),
  target: z.object({ op: z.enum(['>=', '<=']), value: z.number() }).optional(),
  mapsTo: Label.optional(),
});

const RatioView = z.object({ numerator: z.number(), denominator: z.number(), value: z.number().nullable() });

export const IndicatorFigure = RatioView.extend({
  id: z.string(),
  met: z.boolean().optional(),
  hamlets: z.array(RatioView.extend({ hamlet: z.string() })),
  findings: z.array(z.object({ hamlet: z.string().optional(), device: z.string().optional(), code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() })),
});

export const IndicatorSnapshot = z.object({
  version: z.literal(1),
  site: z.string(),
  period: z.string(),
  from: z.string(),
  to: z.string(),
  complete: z.boolean(),
  computedAt: z.string(),
  computeMs: z.number(),
  /** True when the month's figures are simulated (a demo's seeded history), not computed from data. */
  simulated: z.boolean().optional(),
  indicators: z.array(IndicatorFigure),
  definitions: z.array(IndicatorDefinitionView),
});
export type IndicatorSnapshot = z.infer<typeof IndicatorSnapshot>;

export const IndicatorHistoryQuery = z
  .object({
    from: z.string().regex(MONTH_PATTERN, 'a month as YYYY-MM'),
    to: z.string().regex(MONTH_PATTERN, 'a month as YYYY-MM'),
    /** This hamlet's figures instead of the commune's. */
    hamlet: Id.optional(),
  })
  .refine((q) => q.from <= q.to, { message: 'from comes before to', path: ['from'] });

/** One month's figure of an indicator; a month never computed has no point. */
export const IndicatorHistoryPoint = RatioView.extend({
  period: z.string(),
  met: z.boolean().optional(),
  /** Present on a simulated figure (a demo's seeded history). */
  simulated: z.literal(true).optional(),
});

/** Finished months' figures, one series per indicator (the month under way is in GET /api/indicators). */
export const IndicatorHistory = z.object({
  version: z.literal(1),
  site: z.string(),
  from: z.string(),
  to: z.string(),
  /** Absent: the commune's figures. */
  hamlet: z.string().optional(),
  /** The months asked for, oldest first. */
  months: z.array(z.string()),
  series: z.array(z.object({ id: z.string(), points: z.array(IndicatorHistoryPoint) })),
});
export type IndicatorHistory = z.infer<typeof IndicatorHistory>;

export const ReportQuery = z.object({
  period: z.string().regex(MONTH_PATTERN, 'a month as YYYY-MM'),
  /** Another month to set beside it (last month's figures otherwise). */
  compare: z.string().regex(MONTH_PATTERN, 'a month as YYYY-MM').optional(),
  /** The report's language: Vietnamese, as officials file it, unless asked. */
  lang: z.enum(['vi', 'en']).default('vi'),
});

/** The month's notable events for the report: emergencies aired, and devices offline a day or more. */
export const NotableEvents = z.object({
  period: z.string(),
  emergencies: z.array(
    z.object({ bulletin: z.string(), title: z.string(), airedAt: z.string(), clusters: z.number(), played: z.number(), slowestS: z.number().optional() }),
  ),
  outages: z.array(z.object({ hamlet: z.string().optional(), device: z.string(), hours: z.number(), code: z.string() })),
});
export type NotableEvents = z.infer<typeof NotableEvents>;
