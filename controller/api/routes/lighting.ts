// Street lighting: groups with tonight's plan, programs, calendars, overrides and failures.
// Mounted at /api/lighting.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { AUTH_ERRORS, Empty, errors, IdParams } from '../contract/common.js';
import { GroupHistoryReader } from '../../lighting/group-history.js';
import { LinesQuery } from '../contract/series.js';
import { EnergyNight, EnergyQuery, Failures, GroupHistory, GroupView, LightCalendar, LightProgram, LightProgramBody, NewOverride, Override } from '../contract/lighting.js';
import type { ApiContext } from './context.js';

export const lightingRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  const l = c.lighting;
  const groupHistory = new GroupHistoryReader({ storage: c.storage, site: c.site });

  app.get('/groups', { config: { auth: 'lighting.read' }, schema: { response: { 200: z.array(GroupView), ...AUTH_ERRORS } } }, async () => l.groupViews());

  app.get('/programs', { config: { auth: 'lighting.read' }, schema: { response: { 200: z.array(LightProgram), ...AUTH_ERRORS } } }, async () => l.programs());
  app.put(
    '/programs/:id',
    { config: { auth: 'lighting.control' }, schema: { params: IdParams, body: LightProgramBody, response: { 200: LightProgram, ...AUTH_ERRORS, ...errors(400) } } },
    async (req) => l.putProgram({ ...req.body, id: req.params.id }),
  );
  app.delete(
    '/programs/:id',
    { config: { auth: 'lighting.control' }, schema: { params: IdParams, response: { 204: Empty, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req, reply) => {
      await l.deleteProgram(req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/groups/:id/calendar',
    { config: { auth: 'lighting.control' }, schema: { params: IdParams, body: LightCalendar, response: { 200: LightCalendar, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req) => l.setCalendar(req.params.id, req.body),
  );

  app.get('/overrides', { config: { auth: 'lighting.read' }, schema: { response: { 200: z.array(Override), ...AUTH_ERRORS } } }, async () => l.overrides());
  app.post(
    '/overrides',
    { config: { auth: 'lighting.control' }, schema: { body: NewOverride, response: { 201: Override, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req, reply) => {
      const target = req.body.group ? { group: req.body.group } : { device: req.body.device! };
      const ov = await l.override({ target, level: req.body.level, by: c.issuer(req.actor!), ...(req.body.untilIso && { until: Date.parse(req.body.untilIso) }) });
      return reply.code(201).send(ov);
    },
  );

  // A night's energy per light and group against the full-power baseline; each light's figure is stored.
  app.get('/energy', { config: { auth: 'lighting.read' }, schema: { querystring: EnergyQuery, response: { 200: EnergyNight, ...AUTH_ERRORS, ...errors(400) } } }, async (req) => {
    const n = l.nightOf(l.now() - 86_400_000);
    const night = req.query.night ?? `${n.year}-${String(n.month).padStart(2, '0')}-${String(n.day).padStart(2, '0')}`;
    const [y, m, day] = night.split('-').map(Number) as [number, number, number];
    const stepsFor = (id: string) => l.programFor(id, { year: y, month: m, day })?.steps ?? [];
    try {
      // Each light once; groups are sums of their lights (savedPct from the sums).
      const ids = [...new Set(c.site.config.lightGroups.flatMap((g) => g.devices))];
      const lights = await Promise.all(ids.map((id) => c.energy.night(id, night, stepsFor(id))));
      const byId = new Map(lights.map((x) => [x.deviceId, x]));
      const groups = c.site.config.lightGroups.map((g) => {
        const ls = g.devices.map((id) => byId.get(id)!);
        const sum = (k: 'kwh' | 'baselineKwh' | 'onHours') => ls.reduce((a, x) => a + x[k], 0);
        const baselineKwh = sum('baselineKwh');
        const savedKwh = baselineKwh - sum('kwh');
        return { id: g.id, name: g.name, kwh: sum('kwh'), baselineKwh, savedKwh, savedPct: baselineKwh > 0 ? (100 * savedKwh) / baselineKwh : 0, onHours: sum('onHours') };
      });
      for (const x of lights) await c.energy.store(x);
      return { night, groups, lights };
    } catch (e) {
      if (e instanceof DomainError) throw e;
      throw new DomainError('invalid', (e as Error).message, 400);
    }
  });

  app.get('/failures', { config: { auth: 'lighting.read' }, schema: { response: { 200: Failures, ...AUTH_ERRORS } } }, async () => ({
    active: c.alerts.active().filter((a) => a.key.startsWith('light.')),
    recent: c.alerts.list({ state: 'cleared', visible: (a) => a.key.startsWith('light.'), limit: 100 }).map((a) => ({ ...a, endedAt: a.clearedAt })),
  }));

  // The group's chart: each light's power, with the nights shaded.
  app.get(
    '/groups/:id/history',
    { config: { auth: 'lighting.read' }, schema: { params: IdParams, querystring: LinesQuery, response: { 200: GroupHistory, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req) => {
      if (!c.site.config.lightGroups.some((g) => g.id === req.params.id)) throw new DomainError('not-found', `unknown light group ${req.params.id}`, 404);
      return groupHistory.read(req.params.id, req.query.from, req.query.to, req.query.points);
    },
  );
};
