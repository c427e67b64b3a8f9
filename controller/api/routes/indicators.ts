// The commune's indicators for a month, for officials, admins and viewers. Mounted at /api/indicators.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authorize } from '../../auth/policy.js';
import { DomainError } from '../../errors.js';
import { indicators } from '../../indicators/index.js';
import { parseMonth } from '../../indicators/period.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import { IndicatorHistory, IndicatorHistoryQuery, IndicatorSnapshot, IndicatorsQuery, NotableEvents } from '../contract/indicators.js';
import type { ApiContext } from './context.js';

/** The longest history one call reads: five years of months. */
const MAX_HISTORY_MONTHS = 60;

// Definitions as the contract shows them: everything but the query.
const definitions = indicators.map(({ compute: _c, scale: _s, ...d }) => d);

export const indicatorsRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  app.get(
    '/',
    { config: { auth: 'indicators.read' }, schema: { querystring: IndicatorsQuery, response: { 200: IndicatorSnapshot, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req) => {
      const { period, hamlet, recompute } = req.query;
      if (hamlet && !c.site.config.hamlets.some((h) => h.id === hamlet)) throw new DomainError('not-found', `unknown hamlet ${hamlet}`, 404);
      // Recomputing writes over the stored month: an admin's call, like the site's settings.
      if (recompute && !authorize(req.actor!, 'users.manage').ok) throw new DomainError('forbidden', 'only an admin may recompute a stored month', 403);
      const snap = await c.indicators.snapshot(parseMonth(period), { recompute: !!recompute });
      // The province holds the old figures of a finished month: they go again, newer, to replace them.
      if (recompute && snap.complete) await c.provincePush?.requeue(snap);
      const only = hamlet ? snap.indicators.map((f) => ({ ...f, hamlets: f.hamlets.filter((h) => h.hamlet === hamlet), findings: f.findings.filter((x) => x.hamlet === hamlet) })) : snap.indicators;
      return { ...snap, indicators: only, definitions };
    },
  );

  // What the monthly report lists beside the figures.
  app.get(
    '/notable',
    { config: { auth: 'indicators.read' }, schema: { querystring: IndicatorsQuery.pick({ period: true }), response: { 200: NotableEvents, ...AUTH_ERRORS, ...errors(400) } } },
    async (req) => c.indicators.notable(parseMonth(req.query.period)),
  );

  // Finished months' figures for the overview's sparklines; missing ones computed up to a bound.
  app.get(
    '/history',
    { config: { auth: 'indicators.read' }, schema: { querystring: IndicatorHistoryQuery, response: { 200: IndicatorHistory, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req) => {
      const { hamlet } = req.query;
      if (hamlet && !c.site.config.hamlets.some((h) => h.id === hamlet)) throw new DomainError('not-found', `unknown hamlet ${hamlet}`, 404);
      const from = parseMonth(req.query.from);
      const to = parseMonth(req.query.to);
      const n = (to.year - from.year) * 12 + to.month - from.month + 1;
      if (n > MAX_HISTORY_MONTHS) throw new DomainError('invalid', `at most ${MAX_HISTORY_MONTHS} months at a time`, 400, [{ path: 'from', message: `at most ${MAX_HISTORY_MONTHS} months` }]);
      return c.indicators.history(from, to, { hamlet });
    },
  );
};
