// Rules as the API takes and shows them: the rule itself (controller/rules/schema.ts), its
// persisted per-target state and its last evaluations.
import { z } from 'zod';
import { Rule, RuleFields, RuleState } from '../../rules/schema.js';
import { Id } from './common.js';

/** PUT body: a whole rule; the id comes from the path and the owner defaults to the caller. */
export const RuleBody = RuleFields.extend({ id: Id.optional(), owner: z.string().min(1).max(64).optional() });

export const TraceEntry = z.object({
  at: z.number(),
  input: z.enum(['reading', 'tick', 'event']),
  target: z.string().optional(),
  phase: z.enum(['idle', 'pending', 'active', 'clearing']),
  why: z.string(),
  value: z.number().optional(),
  fired: z.boolean().optional(),
});

export const RuleView = z.object({
  rule: Rule,
  state: RuleState.optional(),
  /** The last evaluations, oldest first: why it fired or did not. */
  trace: z.array(TraceEntry),
  /** When a timer will next look at it (a pending `for`, a repeat, a stale device, a time). */
  nextDeadlineAt: z.number().optional(),
});
export type RuleView = z.infer<typeof RuleView>;

export const RuleList = z.object({ rules: z.array(RuleView) });

/** The longest range a rule is tested over. */
export const MAX_TEST_DAYS = 92;

/** POST /api/rules/test: a rule, not saved, and the past range to replay it over. */
export const RuleTestBody = z
  .object({
    rule: RuleBody,
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { message: 'from comes before to', path: ['from'] })
  .refine((b) => Date.parse(b.to) - Date.parse(b.from) <= MAX_TEST_DAYS * 86_400_000, { message: `at most ${MAX_TEST_DAYS} days`, path: ['to'] });

export const RuleTestResult = z.object({
  from: z.number(),
  to: z.number(),
  /** What was replayed: readings of the devices it selects, and events. */
  readings: z.number(),
  events: z.number(),
  /** More matched than one test reads: the replay stopped early. */
  truncated: z.boolean(),
  /** Each time it would have fired (repeats included), and when that target cleared after it. */
  fired: z.array(z.object({ at: z.number(), target: z.string(), device: z.string().optional(), value: z.number().optional(), repeat: z.number(), clearedAt: z.number().optional() })),
  /** Targets still pending or active at the range's end. */
  open: z.array(z.object({ target: z.string(), phase: z.enum(['pending', 'active', 'clearing']) })),
});
export type RuleTestResult = z.infer<typeof RuleTestResult>;
