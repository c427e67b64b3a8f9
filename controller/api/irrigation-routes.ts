// Irrigation API: zones with moisture, valves and the next run; programs; the run queue and its
// controls; history; water used. Mounted by the API server.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Alerts } from '../alerts.js';
import type { SiteStore } from '../config/site.js';
import type { WaterAccounting } from '../irrigation/accounting.js';
import { IrrigationError, type Irrigation } from '../irrigation/irrigation.js';
import { Program } from '../irrigation/schema.js';
import type { LiveState } from '../state/live-state.js';

export interface IrrigationRouteDeps {
  irrigation: Irrigation;
  accounting: WaterAccounting;
  alerts: Alerts;
  site: SiteStore;
  live: LiveState;
}

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);

export function irrigationRoutes(app: FastifyInstance, d: IrrigationRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const fail = (e: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) => {
    if (!(e instanceof IrrigationError)) throw e;
    const code = e.code === 'not-found' ? 404 : 400;
    return reply.code(code).send({ statusCode: code, error: e.code, message: e.message });
  };
  const by = (ip: string) => `api:${ip}`;

  r.get('/api/irrigation/zones', async () => {
    const now = d.irrigation.now();
    return d.site.config.zones.map((zone) => {
      const active = d.irrigation.active().find((x) => x.zone === zone.id);
      const next = d.irrigation.nextProgramStart(zone.id);
      return {
        ...zone,
        moisture: d.irrigation.zoneMoisture(zone.id) ?? null,
        valves: d.irrigation.valvesOf(zone.id).map((id) => {
          const s = d.live.snapshot(id);
          return { id, name: s?.name, availability: s?.availability, state: s?.state ?? null, stateAt: s?.stateAt ?? null, telemetry: s?.telemetry ?? null };
        }),
        activeRun: active ?? null,
        queued: d.irrigation.runs().filter((x) => x.zone === zone.id && x.status === 'queued').length,
        nextProgramStart: next ? { ...next, inS: Math.round((next.at - now) / 1000) } : null,
      };
    });
  });

  r.get('/api/irrigation/programs', async () => d.irrigation.programsView());

  r.put(
    '/api/irrigation/programs/:id',
    { schema: { params: z.object({ id: Id }), body: Program.omit({ id: true }) } },
    async (req, reply) => {
      try {
        return await d.irrigation.putProgram({ ...req.body, id: req.params.id });
      } catch (e) {
        return fail(e, reply);
      }
    },
  );

  r.delete('/api/irrigation/programs/:id', { schema: { params: z.object({ id: Id }) } }, async (req, reply) => {
    try {
      await d.irrigation.deleteProgram(req.params.id);
      return reply.code(204).send();
    } catch (e) {
      return fail(e, reply);
    }
  });

  // `now` is the scheduler's clock, so a page counts down against it rather than the phone's.
  r.get('/api/irrigation/queue', async () => ({ now: d.irrigation.now(), ...d.irrigation.queue() }));

  r.post(
    '/api/irrigation/run',
    { schema: { body: z.object({ zone: Id, durationS: z.number().int().min(1).max(4 * 3600) }) } },
    async (req, reply) => {
      try {
        return reply.code(202).send(await d.irrigation.runNow({ ...req.body, issuer: by(req.ip) }));
      } catch (e) {
        return fail(e, reply);
      }
    },
  );

  r.post('/api/irrigation/runs/:id/stop', { schema: { params: z.object({ id: z.string().max(64) }) } }, async (req, reply) => {
    try {
      return await d.irrigation.stopRunById(req.params.id, by(req.ip));
    } catch (e) {
      return fail(e, reply);
    }
  });

  r.post('/api/irrigation/pause', async (req) => {
    await d.irrigation.pause(by(req.ip));
    return d.irrigation.queue();
  });
  r.post('/api/irrigation/resume', async () => {
    await d.irrigation.resume();
    return d.irrigation.queue();
  });
  r.post('/api/irrigation/cancel', async (req) => ({ cancelled: await d.irrigation.cancelAll(by(req.ip)) }));
  r.post('/api/irrigation/rain-delay', { schema: { body: z.object({ hours: z.number().min(0).max(24 * 14) }) } }, async (req) =>
    d.irrigation.setRainDelay(req.body.hours),
  );

  r.get('/api/irrigation/settings', async () => d.irrigation.settings());
  r.patch(
    '/api/irrigation/settings',
    { schema: { body: z.object({ rainSkipMm: z.number().min(0).max(500), referenceEt0Mm: z.number().min(0.5).max(15), missedStartGraceS: z.number().int().min(0).max(21600) }).partial() } },
    async (req) => d.irrigation.updateSettings(req.body),
  );

  r.get(
    '/api/irrigation/history',
    { schema: { querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) } },
    async (req) => d.irrigation.recent(req.query.limit),
  );

  r.get(
    '/api/irrigation/zones/:id/water',
    { schema: { params: z.object({ id: Id }), querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(7) }) } },
    async (req, reply) => {
      const zone = d.site.config.zones.find((x) => x.id === req.params.id);
      if (!zone) return reply.code(404).send({ statusCode: 404, error: 'not-found', message: `unknown zone ${req.params.id}` });
      const to = new Date(d.irrigation.now());
      const from = new Date(to.getTime() - req.query.days * 86_400_000);
      const [total, daily] = await Promise.all([
        d.accounting.zoneLiters(zone.id, from, to),
        d.accounting.zoneDaily(zone.id, from, to, d.site.config.site.tz),
      ]);
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

  r.get(
    '/api/irrigation/sources/:id/water',
    { schema: { params: z.object({ id: Id }), querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(7) }) } },
    async (req, reply) => {
      if (!d.site.config.waterSources.some((w) => w.id === req.params.id)) {
        return reply.code(404).send({ statusCode: 404, error: 'not-found', message: `unknown water source ${req.params.id}` });
      }
      const to = new Date(d.irrigation.now());
      const from = new Date(to.getTime() - req.query.days * 86_400_000);
      return { source: req.params.id, from: from.toISOString(), to: to.toISOString(), ...(await d.accounting.sourceLiters(req.params.id, from, to)) };
    },
  );

  r.get('/api/alerts', async () => ({ active: d.alerts.active(), recent: d.alerts.recent() }));
}
