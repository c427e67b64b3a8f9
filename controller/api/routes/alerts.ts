// The alert inbox: what the caller may see (a farmer: their zones), unacknowledged active first,
// and acknowledging one with a note. Mounted at /api/alerts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { seesZone } from '../../auth/policy.js';
import { DomainError } from '../../errors.js';
import { AckBody, AlertKeyParams, AlertList, AlertsQuery, AlertState } from '../contract/alerts.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import type { ApiContext } from './context.js';

export const alertsRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  app.get(
    '/',
    { config: { auth: { action: 'alerts.read', scope: 'filtered' } }, schema: { querystring: AlertsQuery, response: { 200: AlertList, ...AUTH_ERRORS, ...errors(400) } } },
    async (req) => {
      const q = req.query;
      const alerts = c.alerts.list({
        ...(q.state && { state: q.state }),
        ...(q.ack && { ack: q.ack === 'yes' }),
        visible: (a) => seesZone(req.actor!, a.zone) && (!q.zone || a.zone === q.zone),
        limit: q.limit,
      });
      return { alerts };
    },
  );

  app.post(
    '/:key/ack',
    {
      config: { auth: { action: 'alerts.ack', scope: 'handler' } },
      schema: { params: AlertKeyParams, body: AckBody, response: { 200: AlertState, ...AUTH_ERRORS, ...errors(400, 404, 409) } },
    },
    async (req) => {
      const a = c.alerts.get(req.params.key);
      if (!a) throw new DomainError('not-found', `no alert ${req.params.key}`, 404);
      // A farmer acknowledges only their zones' alerts (403, logged with its reason).
      req.authorize('alerts.ack', { zone: a.zone ?? null });
      return c.alerts.acknowledge(req.actor!, a.key, req.body?.note || undefined);
    },
  );
};
