// Irrigation: zones with moisture, valves and the next run; programs; the run queue and its
// controls; history; water used. A farmer sees and acts on the zones of their scope only.
// Mounted at /api/irrigation.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { seesZone } from '../../auth/policy.js';
import { DomainError } from '../../errors.js';
import { AUTH_ERRORS, Empty, errors, IdParams } from '../contract/common.js';
import {
  DaysQuery,
  HistoryItem,
  ProgramBody,
  ProgramView,
  Program as ProgramSchema,
  Queue,
  QueueNow,
  RainDelay,
  Run as RunSchema,
  RunNow,
  Settings,
  SettingsPatch,
  SourceWater,
  ZoneHistory,
  ZoneHistoryQuery,
  ZoneView,
  ZoneWater,
} from '../contract/irrigation.js';
import { ZoneHistoryReader } from '../../irrigation/zone-history.js';
import { ownsProgram, visibleHistory, visibleQueue } from '../visible.js';
import type { ApiContext } from './context.js';

const idParam = (req: { params: unknown }) => (req.params as { id: string }).id;

export const irrigationRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  const ir = c.irrigation;
  const zoneHistory = new ZoneHistoryReader({ storage: c.storage, site: c.site, runs: () => ir.runs() });

  app.get('/zones', { config: { auth: { action: 'irrigation.read', scope: 'filtered' } }, schema: { response: { 200: z.array(ZoneView), ...AUTH_ERRORS } } }, async (req) =>
    ir.zoneViews((zone) => seesZone(req.actor!, zone)),
  );

  app.get('/programs', { config: { auth: { action: 'irrigation.read', scope: 'filtered' } }, schema: { response: { 200: z.array(ProgramView), ...AUTH_ERRORS } } }, async (req) =>
    (await ir.programsView()).filter((p) => ownsProgram(req.actor!, p)),
  );

  app.put(
    '/programs/:id',
    {
      config: { auth: { action: 'irrigation.programs', scope: 'handler' } },
      schema: { params: IdParams, body: ProgramBody, response: { 200: ProgramSchema, ...AUTH_ERRORS, ...errors(400) } },
    },
    async (req) => {
      // A farmer may change a program only if it waters their zones, before and after.
      const old = ir.programs().find((p) => p.id === req.params.id);
      for (const s of [...(old?.steps ?? []), ...req.body.steps]) req.authorize('irrigation.programs', { zone: s.zone });
      return ir.putProgram({ ...req.body, id: req.params.id });
    },
  );

  app.delete(
    '/programs/:id',
    { config: { auth: { action: 'irrigation.programs', scope: 'handler' } }, schema: { params: IdParams, response: { 204: Empty, ...AUTH_ERRORS, ...errors(404) } } },
    async (req, reply) => {
      const old = ir.programs().find((p) => p.id === req.params.id);
      for (const s of old?.steps ?? []) req.authorize('irrigation.programs', { zone: s.zone });
      await ir.deleteProgram(req.params.id);
      return reply.code(204).send(null);
    },
  );

  // `now` is the scheduler's clock, so a page counts down against it rather than the phone's.
  app.get('/queue', { config: { auth: { action: 'irrigation.read', scope: 'filtered' } }, schema: { response: { 200: QueueNow, ...AUTH_ERRORS } } }, async (req) =>
    visibleQueue(req.actor!, ir.queueNow()),
  );

  app.post(
    '/run',
    { config: { auth: { action: 'irrigation.run', scope: 'handler' } }, schema: { body: RunNow, response: { 202: RunSchema, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req, reply) => {
      req.authorize('irrigation.run', { zone: req.body.zone });
      return reply.code(202).send(await ir.runNow({ ...req.body, issuer: c.issuer(req.actor!) }));
    },
  );

  const runZone = (req: { params: unknown }) => ir.runs().find((r) => r.id === (req.params as { id: string }).id)?.zone ?? null;
  app.post(
    '/runs/:id/stop',
    {
      config: { auth: { action: 'irrigation.run', zone: runZone } },
      schema: { params: z.object({ id: z.string().max(64) }), response: { 200: RunSchema, ...AUTH_ERRORS, ...errors(404) } },
    },
    async (req) => ir.stopRunById(req.params.id, c.issuer(req.actor!)),
  );

  app.post('/pause', { config: { auth: 'irrigation.control' }, schema: { response: { 200: Queue, ...AUTH_ERRORS } } }, async (req) => {
    await ir.pause(c.issuer(req.actor!));
    return ir.queue();
  });
  app.post('/resume', { config: { auth: 'irrigation.control' }, schema: { response: { 200: Queue, ...AUTH_ERRORS } } }, async () => {
    await ir.resume();
    return ir.queue();
  });
  app.post('/cancel', { config: { auth: 'irrigation.control' }, schema: { response: { 200: z.object({ cancelled: z.number().int() }), ...AUTH_ERRORS } } }, async (req) => ({
    cancelled: await ir.cancelAll(c.issuer(req.actor!)),
  }));
  app.post('/rain-delay', { config: { auth: 'irrigation.control' }, schema: { body: RainDelay, response: { 200: Settings, ...AUTH_ERRORS, ...errors(400) } } }, async (req) =>
    ir.setRainDelay(req.body.hours),
  );

  app.get('/settings', { config: { auth: { action: 'irrigation.read', scope: 'filtered' } }, schema: { response: { 200: Settings, ...AUTH_ERRORS } } }, async () => ir.settings());
  app.patch('/settings', { config: { auth: 'irrigation.control' }, schema: { body: SettingsPatch, response: { 200: Settings, ...AUTH_ERRORS, ...errors(400) } } }, async (req) =>
    ir.updateSettings(req.body),
  );

  app.get(
    '/history',
    {
      config: { auth: { action: 'irrigation.read', scope: 'filtered' } },
      schema: { querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }), response: { 200: z.array(HistoryItem), ...AUTH_ERRORS } },
    },
    async (req) => visibleHistory(req.actor!, ir.recent(req.query.limit), ir.programs()),
  );

  app.get(
    '/zones/:id/water',
    {
      config: { auth: { action: 'irrigation.read', zone: idParam } },
      schema: { params: IdParams, querystring: DaysQuery, response: { 200: ZoneWater, ...AUTH_ERRORS, ...errors(404) } },
    },
    async (req) => {
      const zone = c.site.config.zones.find((x) => x.id === req.params.id);
      if (!zone) throw new DomainError('not-found', `unknown zone ${req.params.id}`, 404);
      const to = new Date(ir.now());
      const from = new Date(to.getTime() - req.query.days * 86_400_000);
      const [total, daily] = await Promise.all([c.accounting.zoneLiters(zone.id, from, to), c.accounting.zoneDaily(zone.id, from, to, c.site.config.site.tz)]);
      return {
        zone: zone.id,
        from: from.toISOString(),
        to: to.toISOString(),
        liters: total.liters,
        byValve: total.byValve,
        litersPerM2PerDay: total.liters / zone.areaM2 / req.query.days,
        daily,
      };
    },
  );

  // The zone's chart: soil moisture per sensor with the runs that watered it (shaded on the page).
  app.get(
    '/zones/:id/history',
    {
      config: { auth: { action: 'irrigation.read', zone: idParam } },
      schema: { params: IdParams, querystring: ZoneHistoryQuery, response: { 200: ZoneHistory, ...AUTH_ERRORS, ...errors(400, 404) } },
    },
    async (req) => {
      if (!c.site.config.zones.some((x) => x.id === req.params.id)) throw new DomainError('not-found', `unknown zone ${req.params.id}`, 404);
      await c.storage.flush();
      return zoneHistory.read(req.params.id, req.query.from, req.query.to, req.query.points);
    },
  );

  // A water source is shared by several farmers' zones: staff only.
  app.get(
    '/sources/:id/water',
    { config: { auth: 'irrigation.read' }, schema: { params: IdParams, querystring: DaysQuery, response: { 200: SourceWater, ...AUTH_ERRORS, ...errors(404) } } },
    async (req) => {
      if (!c.site.config.waterSources.some((w) => w.id === req.params.id)) throw new DomainError('not-found', `unknown water source ${req.params.id}`, 404);
      const to = new Date(ir.now());
      const from = new Date(to.getTime() - req.query.days * 86_400_000);
      return { source: req.params.id, from: from.toISOString(), to: to.toISOString(), ...(await c.accounting.sourceLiters(req.params.id, from, to)) };
    },
  );
};
