// History of one metric of one device, downsampled in InfluxDB for a chart: GET /api/series.
import { z } from 'zod';
import { Id } from './common.js';

/** An instant as epoch milliseconds or an ISO 8601 string. */
const When = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = typeof v === 'number' || /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 time' });
      return z.NEVER;
    }
    return ms;
  });

export const MAX_SERIES_DAYS = 400;

export const SeriesQuery = z
  .object({
    device: Id,
    metric: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a metric key'),
    /** Default: 24 hours before `to`. */
    from: When.optional(),
    /** Default: now. */
    to: When.optional(),
    /** Buckets across the range (each gives mean, min and max). */
    points: z.coerce.number().int().min(10).max(2000).default(1000),
  })
  .transform((q, ctx) => {
    const to = q.to ?? Date.now();
    const from = q.from ?? to - 24 * 3600_000;
    if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    if (to - from > MAX_SERIES_DAYS * 24 * 3600_000) ctx.addIssue({ code: 'custom', path: ['from'], message: `at most ${MAX_SERIES_DAYS} days before to` });
    return { ...q, from, to };
  });

/** Columns, as a chart takes them: bucket start times and, per bucket, mean, min and max (null where empty). */
export const Series = z.object({
  device: Id,
  metric: z.string(),
  unit: z.string().optional(),
  from: z.number(),
  to: z.number(),
  /** Bucket width. */
  stepMs: z.number().int().positive(),
  t: z.array(z.number()),
  mean: z.array(z.number().nullable()),
  min: z.array(z.number().nullable()),
  max: z.array(z.number().nullable()),
});
export type Series = z.infer<typeof Series>;

/** One device's series in a chart of several on the same buckets (a zone's sensors, a group's lights). */
export const NamedSeries = Series.omit({ metric: true, unit: true, from: true, to: true, stepMs: true }).extend({ name: z.string() });

/** The range of a chart of several devices: from and to as epoch ms, at most MAX_SERIES_DAYS apart. */
export const LinesQuery = z
  .object({ from: z.coerce.number().int(), to: z.coerce.number().int(), points: z.coerce.number().int().min(10).max(2000).default(500) })
  .refine((q) => q.from < q.to, { path: ['from'], message: 'must be before to' })
  .refine((q) => q.to - q.from <= MAX_SERIES_DAYS * 86_400_000, { path: ['from'], message: `at most ${MAX_SERIES_DAYS} days before to` });
