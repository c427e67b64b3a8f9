// A scene is data: a named list of actions (the rules' actions, controller/rules/schema.ts) run by
// one tap with a confirmation or by a rule, and an optional undo. A run is recorded per action
// (pending → sent → done | failed) and, where devices answer, per device.
import { z } from 'zod';
import { Id } from '../api/contract/common.js';
import { Action } from '../rules/schema.js';

const NoScene = (list: Action[]) => list.every((a) => a.kind !== 'scene');
const Actions = z.array(Action).max(20).refine(NoScene, { message: 'a scene cannot run another scene' });

export const Scene = z.strictObject({
  id: Id,
  name: z.string().trim().min(1).max(120),
  description: z.string().max(1000).optional(),
  /** What the button asks before running. */
  confirm: z.string().trim().min(1).max(500),
  actions: Actions.min(1),
  undo: Actions.optional(),
});
export type Scene = z.infer<typeof Scene>;
export type SceneInput = z.input<typeof Scene>;

export const ACTION_STATES = ['pending', 'sent', 'done', 'failed'] as const;
/**
 * A device's outcome: a light's command `sent` until `applied`, `rejected` or `expired` (no answer
 * in time); a cluster's emergency delivery `sent` until `started`, then `finished`, or `failed`.
 */
export const DEVICE_STATES = ['sent', 'applied', 'rejected', 'expired', 'started', 'finished', 'failed'] as const;
export type DeviceOutcome = (typeof DEVICE_STATES)[number];
/** Settled: nothing more is awaited from the device for the scene to be done. */
export const SETTLED: ReadonlySet<DeviceOutcome> = new Set(['applied', 'rejected', 'expired', 'started', 'finished', 'failed']);

export const RunDevice = z.object({ id: z.string(), state: z.enum(DEVICE_STATES), reason: z.string().optional(), at: z.number() });
export type RunDevice = z.infer<typeof RunDevice>;

export const RunAction = z.object({
  kind: z.string(),
  state: z.enum(ACTION_STATES),
  /** What happened, in a few words (for logs and the record; pages use state and devices). */
  detail: z.string().optional(),
  /** The refusal or failure as a code, for pages. */
  code: z.string().optional(),
  bulletin: z.string().optional(),
  devices: z.array(RunDevice).default([]),
});
export type RunAction = z.infer<typeof RunAction>;

export const SceneRun = z.object({
  id: z.string(),
  scene: z.string(),
  name: z.string(),
  undo: z.boolean(),
  /** Who ran it: `user:<login>`, a token, or `rule:<id>`. */
  by: z.string(),
  startedAt: z.number(),
  /** All actions performed and every device settled (or the settle time passed). */
  endedAt: z.number().optional(),
  status: z.enum(['running', 'done', 'failed']),
  actions: z.array(RunAction),
});
export type SceneRun = z.infer<typeof SceneRun>;

export const ScenesFile = z.object({
  scenes: z.array(Scene).default([]),
  /** The last runs, newest last. */
  runs: z.array(SceneRun).default([]),
});
export type ScenesFile = z.infer<typeof ScenesFile>;
