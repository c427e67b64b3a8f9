// Street-lighting API: groups with tonight's plan, programs, calendars, overrides and failures.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Alerts } from '../alerts.js';
import type { SiteStore } from '../config/site.js';
import { LightingError, type Lighting } from '../lighting/lighting.js';
import type { LiveState } from '../state/live-state.js';

export interface LightingRouteDeps {
  lighting: Lighting;
  alerts: Alerts;
  site: SiteStore;
  live: LiveState;
}

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);

export function lightingRoutes(app: FastifyInstance, d: LightingRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const fail = (e: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) => {
    if (e instanceof z.ZodError) {
      const issues = e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return reply.code(400).send({ statusCode: 400, error: 'invalid', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues });
    }
    if (!(e instanceof LightingError)) throw e;
    const code = e.code === 'not-found' ? 404 : 400;
    return reply.code(code).send({ statusCode: code, error: e.code, message: e.message });
  };

  r.get('/api/lighting/groups', async () => {
    const night = d.lighting.nightOf(d.lighting.now());
    return d.site.config.lightGroups.map((g) => {
      const first = g.devices[0]!;
      const program = d.lighting.programFor(first, night);
      return {
        ...g,
        calendar: d.lighting.calendars()[g.id] ?? null,
        tonight: program ? { program: program.id, name: program.name, steps: d.lighting.plan(program.steps, night) } : null,
        lights: g.devices.map((id) => {
          const s = d.live.snapshot(id);
          return { id, name: s?.name, availability: s?.availability, state: s?.state ?? null, telemetry: s?.telemetry ?? null, desired: d.lighting.desiredLevel(id) ?? null };
        }),
      };
    });
  });

  r.get('/api/lighting/programs', async () => d.lighting.programs());
  r.put('/api/lighting/programs/:id', { schema: { params: z.object({ id: Id }) } }, async (req, reply) => {
    try {
      return await d.lighting.putProgram({ ...(req.body as object), id: req.params.id });
    } catch (e) {
      return fail(e, reply);
    }
  });
  r.delete('/api/lighting/programs/:id', { schema: { params: z.object({ id: Id }) } }, async (req, reply) => {
    try {
      await d.lighting.deleteProgram(req.params.id);
      return reply.code(204).send();
    } catch (e) {
      return fail(e, reply);
    }
  });

  r.put('/api/lighting/groups/:id/calendar', { schema: { params: z.object({ id: Id }) } }, async (req, reply) => {
    try {
      return await d.lighting.setCalendar(req.params.id, req.body);
    } catch (e) {
      return fail(e, reply);
    }
  });

  r.get('/api/lighting/overrides', async () => d.lighting.overrides());
  r.post(
    '/api/lighting/overrides',
    {
      schema: {
        body: z.object({
          group: Id.optional(),
          device: Id.optional(),
          /** null (or absent) returns the lights to their program. */
          level: z.number().int().min(0).max(100).nullable().default(null),
          untilIso: z.iso.datetime({ offset: true }).optional(),
        }).refine((b) => !!b.group !== !!b.device, { message: 'give exactly one of group or device', path: ['group'] }),
      },
    },
    async (req, reply) => {
      try {
        const target = req.body.group ? { group: req.body.group } : { device: req.body.device! };
        const ov = await d.lighting.override({ target, level: req.body.level, by: `api:${req.ip}`, ...(req.body.untilIso && { until: Date.parse(req.body.untilIso) }) });
        return reply.code(201).send(ov);
      } catch (e) {
        return fail(e, reply);
      }
    },
  );

  r.get('/api/lighting/failures', async () => ({
    active: d.alerts.active().filter((a) => a.key.startsWith('light.')),
    recent: d.alerts.recent().filter((a) => a.key.startsWith('light.')),
  }));
}
