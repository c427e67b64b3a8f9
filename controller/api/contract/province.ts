// The province roll-up (PROVINCE.md): communes registered with a push token each, the snapshots
// they push (the commune's versioned indicator JSON, per closed day and per finished month), and
// what the province page reads: communes × indicators for a month, district totals, history.
import { z } from 'zod';
import { MONTH_PATTERN } from '../../indicators/period.js';
import { Id, Instant } from './common.js';
import { IndicatorDefinitionView, IndicatorFigure, IndicatorHistoryPoint } from './indicators.js';

export const DAY_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MonthKey = z.string().regex(MONTH_PATTERN, 'a month as YYYY-MM');
const DayKey = z.string().regex(DAY_PATTERN, 'a day as YYYY-MM-DD');
const Name = z.string().trim().min(1).max(120);

export const NewCommune = z.object({ id: Id, name: Name, district: Name });
export const CommuneView = z.object({
  id: z.string(),
  name: z.string(),
  district: z.string(),
  createdAt: Instant,
  /** The last push the province accepted from this commune (any result), or null: never heard. */
  lastHeardAt: Instant.nullable(),
  /** The id of the commune's push token (its secret is shown once, when made). */
  tokenId: z.string(),
});
export type CommuneView = z.infer<typeof CommuneView>;
/** A commune made or re-keyed: its push token, shown this once. */
export const CommuneWithToken = z.object({ commune: CommuneView, token: z.string() });

/**
 * One snapshot pushed by a commune. `day`: the month so far, through the end of that local day
 * (`snapshot.complete` false); `month`: the finished month (`complete` true). The snapshot is what
 * GET /api/indicators answers on the commune, definitions optional (the province has its own).
 */
export const SnapshotPush = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('day'), day: DayKey, snapshot: z.looseObject({}) }),
  z.object({ kind: z.literal('month'), snapshot: z.looseObject({}) }),
]);
export type SnapshotPush = z.infer<typeof SnapshotPush>;
/** The snapshot inside a push, checked apart so a wrong version gets its own code. */
export const PushedSnapshot = z.object({
  version: z.literal(1),
  site: z.string(),
  period: MonthKey,
  from: Instant,
  to: Instant,
  complete: z.boolean(),
  computedAt: z.iso.datetime({ offset: true }),
  simulated: z.boolean().optional(),
  indicators: z.array(IndicatorFigure.omit({ hamlets: true, findings: true }).extend({ hamlets: z.array(z.unknown()).optional(), findings: z.array(z.unknown()).optional() })).min(1),
});
export type PushedSnapshot = z.infer<typeof PushedSnapshot>;

/**
 * What the province did with a push. `stored`: new, or newer than what it had for that commune and
 * period; `unchanged`: the same snapshot again (a retry); `superseded`: older than what it has,
 * so kept out. A commune's outbox drops the push on any of the three.
 */
export const PushResult = z.object({ result: z.enum(['stored', 'unchanged', 'superseded']), commune: z.string(), key: z.string() });
export type PushResult = z.infer<typeof PushResult>;

/** The live stream's `province` event (GET /api/events on a province): a commune pushed. */
export const ProvincePushed = PushResult.extend({ kind: z.enum(['day', 'month']), lastHeardAt: Instant });
export type ProvincePushed = z.infer<typeof ProvincePushed>;

export const ProvinceTableQuery = z.object({ period: MonthKey });

const Figure = z.object({ numerator: z.number(), denominator: z.number(), value: z.number().nullable(), met: z.boolean().optional() });
export type ProvinceFigure = z.infer<typeof Figure>;

export const ProvinceCommuneRow = z.object({
  id: z.string(),
  name: z.string(),
  district: z.string(),
  lastHeardAt: Instant.nullable(),
  /** Where the month's figures come from: its finished snapshot, the latest day's, or none yet. */
  source: z.enum(['month', 'day', 'none']),
  /** For `day`: the day the figures run through. */
  asOf: DayKey.optional(),
  simulated: z.literal(true).optional(),
  /** By indicator id; an indicator the commune did not send is absent. */
  figures: z.record(z.string(), Figure),
});
export type ProvinceCommuneRow = z.infer<typeof ProvinceCommuneRow>;

export const AreaTotals = z.object({
  /** Communes in the area, and those with figures for the month. */
  communes: z.number(),
  reporting: z.number(),
  /** Each indicator's numerators and denominators summed over the reporting communes. */
  figures: z.record(z.string(), Figure),
});

export const ProvinceTable = z.object({
  version: z.literal(1),
  province: z.object({ id: z.string(), name: z.string() }),
  period: z.string(),
  communes: z.array(ProvinceCommuneRow),
  districts: z.array(AreaTotals.extend({ district: z.string() })),
  total: AreaTotals,
  definitions: z.array(IndicatorDefinitionView),
});
export type ProvinceTable = z.infer<typeof ProvinceTable>;

export const ProvinceHistoryQuery = z
  .object({
    from: MonthKey,
    to: MonthKey,
    /** The area: one district's totals, or one commune's figures; the province's without either. */
    district: Name.optional(),
    commune: Id.optional(),
  })
  .refine((q) => q.from <= q.to, { message: 'from comes before to', path: ['from'] })
  .refine((q) => !(q.district && q.commune), { message: 'a district or a commune, not both', path: ['district'] });

export const ProvinceHistory = z.object({
  version: z.literal(1),
  from: z.string(),
  to: z.string(),
  district: z.string().optional(),
  commune: z.string().optional(),
  months: z.array(z.string()),
  /** Finished months only (the month under way is in the table); a month no commune sent has no point. */
  series: z.array(z.object({ id: z.string(), points: z.array(IndicatorHistoryPoint.extend({ reporting: z.number() })) })),
});
export type ProvinceHistory = z.infer<typeof ProvinceHistory>;
