// Devices: the live view, changes to the site's devices, their telemetry and commands.
// Mounted at /api/devices.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deviceType } from '../../../devices/index.js';
import { seesZone } from '../../auth/policy.js';
import { DomainError } from '../../errors.js';
import { AUTH_ERRORS, Empty, errors, IdParams } from '../contract/common.js';
import { CommandReply, CreatedDevice, Device, DevicePatch, DeviceSecret, NewDevice, SendCommand, TelemetryPoints, TelemetryQuery } from '../contract/devices.js';
import type { ApiContext } from './context.js';

export const devicesRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  const zoneOfParam = (req: { params: unknown }) => c.site.device((req.params as { id: string }).id)?.zone ?? null;
  const exists = (id: string) => {
    if (!c.site.device(id)) throw new DomainError('not-found', `unknown device ${id}`, 404);
  };

  app.get(
    '/',
    { config: { auth: { action: 'devices.read', scope: 'filtered' } }, schema: { response: { 200: z.array(Device), ...AUTH_ERRORS } } },
    async (req) => c.live.all().filter((s) => seesZone(req.actor!, s.zone)).map(c.deviceView),
  );

  app.get(
    '/:id',
    { config: { auth: { action: 'devices.read', zone: zoneOfParam } }, schema: { params: IdParams, response: { 200: Device, ...AUTH_ERRORS, ...errors(404) } } },
    async (req) => {
      const s = c.live.snapshot(req.params.id);
      if (!s) throw new DomainError('not-found', `unknown device ${req.params.id}`, 404);
      return c.deviceView(s);
    },
  );

  app.post(
    '/',
    { config: { auth: 'devices.manage' }, schema: { body: NewDevice, response: { 201: CreatedDevice, ...AUTH_ERRORS, ...errors(400, 409) } } },
    async (req, reply) => {
      if (c.site.device(req.body.id)) throw new DomainError('conflict', `device ${req.body.id} exists`, 409);
      // A change that would make the site invalid is refused whole (SiteConfigError); nothing is written.
      await c.site.update((s) => {
        s.devices.push({ attributes: {}, ...req.body });
      });
      const secret = await c.devices.issueSecret(req.body.id);
      await c.devices.pushConfig(req.body.id);
      // The secret is shown this once; only its hash is kept.
      return reply.code(201).send({ device: c.deviceView(c.live.snapshot(req.body.id)!), secret });
    },
  );

  app.patch(
    '/:id',
    { config: { auth: 'devices.manage' }, schema: { params: IdParams, body: DevicePatch, response: { 200: Device, ...AUTH_ERRORS, ...errors(400, 404) } } },
    async (req) => {
      exists(req.params.id);
      await c.site.update((s) => {
        const d = s.devices.find((x) => x.id === req.params.id)!;
        const { zone, ...rest } = req.body;
        Object.assign(d, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
        if (zone === null) delete d.zone;
        else if (zone !== undefined) d.zone = zone;
      });
      await c.devices.pushConfig(req.params.id);
      return c.deviceView(c.live.snapshot(req.params.id)!);
    },
  );

  app.delete(
    '/:id',
    { config: { auth: 'devices.manage' }, schema: { params: IdParams, response: { 204: Empty, ...AUTH_ERRORS, ...errors(404) } } },
    async (req, reply) => {
      exists(req.params.id);
      await c.site.update((s) => {
        s.devices = s.devices.filter((d) => d.id !== req.params.id);
      });
      await c.devices.forget(req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:id/secret',
    { config: { auth: 'devices.manage' }, schema: { params: IdParams, response: { 200: DeviceSecret, ...AUTH_ERRORS, ...errors(404) } } },
    async (req) => {
      exists(req.params.id);
      return { secret: await c.devices.issueSecret(req.params.id) };
    },
  );

  app.get(
    '/:id/telemetry',
    {
      config: { auth: { action: 'devices.read', zone: zoneOfParam } },
      schema: { params: IdParams, querystring: TelemetryQuery, response: { 200: TelemetryPoints, ...AUTH_ERRORS, ...errors(404) } },
    },
    async (req) => {
      exists(req.params.id);
      const d = c.site.device(req.params.id)!;
      return { points: await c.storage.recent(deviceType(d.type)!.influx.measurement, d.id, req.query.minutes) };
    },
  );

  app.post(
    '/:id/commands',
    {
      config: { auth: { action: 'devices.command', zone: zoneOfParam } },
      schema: {
        params: IdParams,
        querystring: z.object({ wait: z.stringbool().default(false) }),
        body: SendCommand,
        response: { 200: CommandReply, 202: CommandReply, ...AUTH_ERRORS, ...errors(400, 404, 409) },
      },
    },
    async (req, reply) => {
      const r = await c.commands.send({
        deviceId: req.params.id,
        action: req.body.action,
        params: req.body.params,
        issuer: c.issuer(req.actor!),
        ...(req.body.ttlS && { ttlS: req.body.ttlS }),
        ...(req.body.id && { id: req.body.id }),
      });
      if (!req.query.wait) return reply.code(202).send({ command: r });
      return reply.code(200).send({ command: await c.commands.settled(r.id) });
    },
  );
};
