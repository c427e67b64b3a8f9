// Rules: list, read (with state and trace), create or replace, delete, enable and disable, and
// test a rule not yet saved against the past.
// Mounted at /api/rules. A farmer sees and changes only their own rules, which may touch only
// their zones (checked by the engine as the rule's owner, when saved and again when acting).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError } from '../../errors.js';
import { AUTH_ERRORS, Empty, errors, IdParams } from '../contract/common.js';
import { RuleBody, RuleList, RuleTestBody, RuleTestResult, RuleView } from '../contract/rules.js';
import type { ApiContext } from './context.js';

export const rulesRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  // Farmers get their own rules only: the engine filters, and refuses the rest as not found.
  const read = { action: 'rules.read', scope: 'filtered' } as const;
  const manage = { action: 'rules.manage', scope: 'handler' } as const;

  app.get('/', { config: { auth: read }, schema: { response: { 200: RuleList, ...AUTH_ERRORS } } }, async (req) => ({ rules: c.rules.list(req.actor!) }));

  // What a rule, not yet saved, would have done over a past range: replayed from InfluxDB, no side effects.
  app.post(
    '/test',
    { config: { auth: manage }, schema: { body: RuleTestBody, response: { 200: RuleTestResult, ...AUTH_ERRORS, ...errors(400) } } },
    async (req) => {
      const { rule, from, to } = req.body;
      const { id, owner, ...rest } = rule;
      const end = Math.min(Date.parse(to), c.rules.now());
      return c.rules.test({ ...rest, id: id ?? 'test', owner: owner ?? req.actor!.id }, req.actor!, Date.parse(from), end);
    },
  );

  app.get('/:id', { config: { auth: read }, schema: { params: IdParams, response: { 200: RuleView, ...AUTH_ERRORS, ...errors(404) } } }, async (req) =>
    c.rules.visible(req.params.id, req.actor!),
  );

  app.put(
    '/:id',
    { config: { auth: manage }, schema: { params: IdParams, body: RuleBody, response: { 200: RuleView, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req) => {
      const { id, owner, ...rest } = req.body;
      if (id && id !== req.params.id) throw new DomainError('invalid', 'the id in the body differs from the path', 400, [{ path: 'id', message: 'must match the path' }]);
      return c.rules.put({ ...rest, id: req.params.id, owner: owner ?? req.actor!.id }, req.actor!);
    },
  );

  app.delete('/:id', { config: { auth: manage }, schema: { params: IdParams, response: { 204: Empty, ...AUTH_ERRORS, ...errors(404) } } }, async (req, reply) => {
    await c.rules.remove(req.params.id, req.actor!);
    return reply.code(204).send(null);
  });

  for (const [path, enabled] of [['/:id/enable', true], ['/:id/disable', false]] as const) {
    app.post(path, { config: { auth: manage }, schema: { params: IdParams, response: { 200: RuleView, ...AUTH_ERRORS, ...errors(404) } } }, async (req) =>
      c.rules.setEnabled(req.params.id, enabled, req.actor!),
    );
  }
};
