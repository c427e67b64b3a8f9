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
