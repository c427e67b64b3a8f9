// Scenes: list and read them with their last runs (staff), save and delete (admin), run and undo
// (admin, official, operator; every action is checked as the caller first: one refused action
// refuses the whole run, 403 `scene-action-forbidden`). Mounted at /api/scenes.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError } from '../../errors.js';
import { AUTH_ERRORS, Empty, errors, IdParams } from '../contract/common.js';
import { RunParams, SceneBody, SceneList, SceneRun, SceneView } from '../contract/scenes.js';
import type { ApiContext } from './context.js';

export const scenesRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  const view = (id: string, runs = Infinity): SceneView => {
    const running = c.scenes.running(id);
    return { scene: c.scenes.scene(id), ...(running && { running }), runs: c.scenes.runsOf(id).slice(0, runs) };
  };

  app.get('/', { config: { auth: 'scenes.read' }, schema: { response: { 200: SceneList, ...AUTH_ERRORS } } }, async () => ({
    scenes: c.scenes.list().map((s) => view(s.id, 3)),
  }));

  app.get('/runs/:runId', { config: { auth: 'scenes.read' }, schema: { params: RunParams, response: { 200: SceneRun, ...AUTH_ERRORS, ...errors(404) } } }, async (req) =>
    c.scenes.runById(req.params.runId),
  );

  app.get('/:id', { config: { auth: 'scenes.read' }, schema: { params: IdParams, response: { 200: SceneView, ...AUTH_ERRORS, ...errors(404) } } }, async (req) => view(req.params.id));

  app.put(
    '/:id',
    { config: { auth: 'scenes.manage' }, schema: { params: IdParams, body: SceneBody, response: { 200: SceneView, ...AUTH_ERRORS, ...errors(400) } } },
    async (req) => {
      const { id, ...rest } = req.body;
      if (id && id !== req.params.id) throw new DomainError('invalid', 'the id in the body differs from the path', 400, [{ path: 'id', message: 'must match the path' }]);
      await c.scenes.put({ ...rest, id: req.params.id });
      return view(req.params.id);
    },
  );

  app.delete('/:id', { config: { auth: 'scenes.manage' }, schema: { params: IdParams, response: { 204: Empty, ...AUTH_ERRORS, ...errors(404, 409) } } }, async (req, reply) => {
    if (c.scenes.running(req.params.id)) throw new DomainError('scene-running', 'the scene is running', 409);
    await c.scenes.remove(req.params.id);
    return reply.code(204).send(null);
  });

  // 202: the run has started; its actions and devices settle on the live stream (`scene`).
  for (const [path, undo] of [['/:id/run', false], ['/:id/undo', true]] as const) {
    app.post(path, { config: { auth: 'scenes.run' }, schema: { params: IdParams, response: { 202: SceneRun, ...AUTH_ERRORS, ...errors(400, 404, 409) } } }, async (req, reply) =>
      reply.code(202).send(c.scenes.run(req.actor!, req.params.id, { undo })),
    );
  }
};
