// Scenes as the API takes and shows them (controller/scenes/schema.ts): the scene, the run under
// way and the last runs, each action's state and each device's outcome.
import { z } from 'zod';
import { Scene, SceneRun } from '../../scenes/schema.js';
import { Id } from './common.js';

export { Scene, SceneRun };

/** PUT body: a whole scene; the id comes from the path. */
export const SceneBody = Scene.extend({ id: Id.optional() });

export const SceneView = z.object({
  scene: Scene,
  /** The run (or undo) under way: a second tap answers 409 with it. */
  running: SceneRun.optional(),
  /** The last runs, newest first (all kept for one scene; three in the list). */
  runs: z.array(SceneRun),
});
export type SceneView = z.infer<typeof SceneView>;

export const SceneList = z.object({ scenes: z.array(SceneView) });
export type SceneList = z.infer<typeof SceneList>;

export const RunParams = z.object({ runId: z.string().regex(/^sr-[0-9a-f]{8}$/, 'not a run id') });
