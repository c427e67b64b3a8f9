// Street-lighting API: groups with tonight's plan, programs, calendars, overrides and failures.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Alerts } from '../alerts.js';
import type { SiteStore } from '../config/site.js';
import type { LightEnergy } from '../lighting/energy.js';
import { LightingError, type Lighting } from '../lighting/lighting.js';
import type { LiveState } from '../state/live-state.js';

export interface LightingRouteDeps {
  lighting: Lighting;
  energy: LightEnergy;
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
      const program = d.lighting.groupProgram(g.id, night);
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

  // A night's energy per light and group against the full-power baseline; each light's figure is stored.
  r.get(
    '/api/lighting/energy',
    { schema: { querystring: z.object({ night: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }) } },
    async (req, reply) => {
      const n = d.lighting.nightOf(d.lighting.now() - 86_400_000);
      const night = req.query.night ?? `${n.year}-${String(n.month).padStart(2, '0')}-${String(n.day).padStart(2, '0')}`;
      const [y, m, day] = night.split('-').map(Number) as [number, number, number];
      const stepsFor = (id: string) => d.lighting.programFor(id, { year: y, month: m, day })?.steps ?? [];
      try {
        // Each light once; groups are sums of their lights (savedPct from the sums).
        const ids = [...new Set(d.site.config.lightGroups.flatMap((g) => g.devices))];
        const lights = await Promise.all(ids.map((id) => d.energy.night(id, night, stepsFor(id))));
        const byId = new Map(lights.map((l) => [l.deviceId, l]));
        const groups = d.site.config.lightGroups.map((g) => {
          const ls = g.devices.map((id) => byId.get(id)!);
          const sum = (k: 'kwh' | 'baselineKwh' | 'onHours') => ls.reduce((a, l) => a + l[k], 0);
          const baselineKwh = sum('baselineKwh');
          const savedKwh = baselineKwh - sum('kwh');
          return { id: g.id, name: g.name, kwh: sum('kwh'), baselineKwh, savedKwh, savedPct: baselineKwh > 0 ? (100 * savedKwh) / baselineKwh : 0, onHours: sum('onHours') };
        });
        for (const l of lights) await d.energy.store(l);
        return { night, groups, lights };
      } catch (e) {
        return reply.code(400).send({ statusCode: 400, error: 'invalid', message: (e as Error).message });
      }
    },
  );

  r.get('/api/lighting/failures', async () => ({
    active: d.alerts.active().filter((a) => a.key.startsWith('light.')),
    recent: d.alerts.recent().filter((a) => a.key.startsWith('light.')),
  }));
}
