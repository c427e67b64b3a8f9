// The HTTP API: fastify with zod schemas (fastify-type-provider-zod), OpenAPI docs at /docs,
// a server-sent event stream of changes, and the dashboards served as static files.
import type { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { deviceType, deviceTypes } from '../../devices/index.js';
import type { Bus } from '../bus.js';
import { desiredConfig, SiteConfigError, type SiteStore } from '../config/site.js';
import { DEVICE_TYPE_NAMES } from '../../devices/index.js';
import { CommandError, type CommandService } from '../commands/commands.js';
import type { DeviceSnapshot, LiveState } from '../state/live-state.js';
import type { Storage } from '../storage/storage.js';
import { irrigationRoutes, type IrrigationRouteDeps } from './irrigation-routes.js';
import { lightingRoutes, type LightingRouteDeps } from './lighting-routes.js';
import { radioRoutes, type RadioRouteDeps } from './radio-routes.js';

export interface ApiOptions {
  log: Logger;
  http: HttpServer;
  host: string;
  port: number;
  site: SiteStore;
  bus: Bus;
  live: LiveState;
  commands: CommandService;
  storage: Storage;
  /** Site changes: the API edits devices; the store validates and persists atomically. */
  devices: DeviceAdmin;
  irrigation: IrrigationRouteDeps;
  lighting: LightingRouteDeps;
  radio: RadioRouteDeps;
  health: () => Record<string, unknown>;
}

/** What the API needs to add, change and remove devices (wired in the composition root). */
export interface DeviceAdmin {
  issueSecret(id: string): Promise<string>;
  forget(id: string): Promise<void>;
  pushConfig(id: string): Promise<void>;
}

const DeviceId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);
const Command = z.object({
  id: z.string(),
  deviceId: z.string(),
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
  status: z.enum(['pending', 'applied', 'rejected', 'expired', 'timeout']),
  reason: z.string().optional(),
  issuer: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  settledAt: z.string().optional(),
  attempts: z.number(),
});
const Obj = z.record(z.string(), z.unknown());
const Device = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  hamlet: z.string(),
  zone: z.string().optional(),
  attributes: Obj,
  availability: z.enum(['online', 'offline', 'unknown']),
  availabilityWhy: z.enum(['message', 'silence']).optional(),
  lastSeen: z.string().optional(),
  telemetry: Obj.optional(),
  telemetryAt: z.string().optional(),
  state: Obj.optional(),
  stateAt: z.string().optional(),
  lastEvent: Obj.optional(),
  /** The config the plane gives the device (its safety limits), so a UI can show real bounds. */
  config: Obj,
  pending: z.array(Command),
  recent: z.array(Command),
});
const ErrorBody = z.object({
  statusCode: z.number(),
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  command: Command.optional(),
});

const publicDir = fileURLToPath(new URL('../../dashboards/public/', import.meta.url));

export class Api {
  private app?: { close(): Promise<unknown> };
  private readonly streams = new Set<() => void>();

  constructor(private readonly o: ApiOptions) {}

  async start(): Promise<void> {
    const o = this.o;
    const app = Fastify({
      loggerInstance: o.log.child({ module: 'api' }) as never,
      logController: new LogController({ disableRequestLogging: true }),
      serverFactory: (handler) => o.http.on('request', handler),
    }).withTypeProvider<ZodTypeProvider>();
    this.app = app;
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler((err, req, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        const issues = err.validation.map((v) => ({
          path: [err.validationContext, ...(v.instancePath ? v.instancePath.split('/').filter(Boolean) : [])].join('.'),
          message: v.message ?? 'invalid',
        }));
        return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues });
      }
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status >= 500) {
        req.log.error({ err }, 'request failed');
        return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
      }
      return reply.code(status).send({ statusCode: status, error: 'Error', message: (err as Error).message });
    });

    await app.register(fastifySwagger, {
      openapi: { info: { title: 'Smart village control plane', version: '1' } },
      transform: jsonSchemaTransform,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
    await app.register(fastifyStatic, { root: publicDir, index: 'index.html' });

    const withPending = (s: DeviceSnapshot) => ({
      ...s,
      config: desiredConfig(o.site.config, o.site.device(s.id)!),
      pending: o.commands.pendingFor(s.id),
      recent: o.commands.recentFor(s.id),
    });

    app.get('/api/health', { schema: { response: { 200: z.record(z.string(), z.unknown()) } } }, async () => o.health());

    app.get('/api/site', { schema: { response: { 200: z.looseObject({}) } } }, async () => {
      const c = o.site.config;
      return { site: c.site, hamlets: c.hamlets, zones: c.zones, waterSources: c.waterSources };
    });

    app.get('/api/types', async () =>
      Object.values(deviceTypes).map((t) => ({
        type: t.type,
        label: t.label,
        capabilities: t.capabilities,
        commands: Object.entries(t.commands).map(([action, params]) => ({ action, params: z.toJSONSchema(params) })),
        reportEveryS: t.reportEveryS,
        offlineAfterS: t.offlineAfterS,
      })),
    );

    app.get('/api/devices', { schema: { response: { 200: z.array(Device) } } }, async () => o.live.all().map(withPending));

    app.get(
      '/api/devices/:id',
      { schema: { params: z.object({ id: DeviceId }), response: { 200: Device, 404: ErrorBody } } },
      async (req, reply) => {
        const s = o.live.snapshot(req.params.id);
        if (!s) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `unknown device ${req.params.id}` });
        return withPending(s);
      },
    );

    const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must match ^[a-z0-9][a-z0-9-]{1,62}$');
    const DeviceFields = {
      name: z.string().trim().min(1).max(120),
      hamlet: Id,
      zone: Id.optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
      config: z.record(z.string(), z.unknown()).optional(),
    };
    // A change that would make the site invalid is refused whole; nothing is written.
    const badSite = (e: unknown) => {
      if (!(e instanceof SiteConfigError)) throw e;
      return { statusCode: 400, error: 'Bad Request', message: e.lines.join('; '), issues: e.lines.map(splitIssue) };
    };

    app.post(
      '/api/devices',
      {
        schema: {
          body: z.object({ id: Id, type: z.enum(DEVICE_TYPE_NAMES), ...DeviceFields }),
          response: { 201: z.object({ device: Device, secret: z.string() }), 400: ErrorBody, 409: ErrorBody },
        },
      },
      async (req, reply) => {
        if (o.site.device(req.body.id)) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `device ${req.body.id} exists` });
        try {
          await o.site.update((s) => {
            s.devices.push({ attributes: {}, ...req.body });
          });
        } catch (e) {
          return reply.code(400).send(badSite(e));
        }
        const secret = await o.devices.issueSecret(req.body.id);
        await o.devices.pushConfig(req.body.id);
        // The secret is shown this once; only its hash is kept.
        return reply.code(201).send({ device: withPending(o.live.snapshot(req.body.id)!), secret });
      },
    );

    app.patch(
      '/api/devices/:id',
      {
        schema: {
          params: z.object({ id: DeviceId }),
          body: z.object({ name: DeviceFields.name.optional(), hamlet: Id.optional(), zone: Id.nullable().optional(), attributes: DeviceFields.attributes, config: DeviceFields.config }),
          response: { 200: Device, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        if (!o.site.device(req.params.id)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `unknown device ${req.params.id}` });
        try {
          await o.site.update((s) => {
            const d = s.devices.find((x) => x.id === req.params.id)!;
            const { zone, ...rest } = req.body;
            Object.assign(d, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
            if (zone === null) delete d.zone;
            else if (zone !== undefined) d.zone = zone;
          });
        } catch (e) {
          return reply.code(400).send(badSite(e));
        }
        await o.devices.pushConfig(req.params.id);
        return withPending(o.live.snapshot(req.params.id)!);
      },
    );

    app.delete(
      '/api/devices/:id',
      { schema: { params: z.object({ id: DeviceId }), response: { 204: z.null(), 404: ErrorBody } } },
      async (req, reply) => {
        if (!o.site.device(req.params.id)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `unknown device ${req.params.id}` });
        await o.site.update((s) => {
          s.devices = s.devices.filter((d) => d.id !== req.params.id);
        });
        await o.devices.forget(req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/devices/:id/secret',
      { schema: { params: z.object({ id: DeviceId }), response: { 200: z.object({ secret: z.string() }), 404: ErrorBody } } },
      async (req, reply) => {
        if (!o.site.device(req.params.id)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `unknown device ${req.params.id}` });
        return { secret: await o.devices.issueSecret(req.params.id) };
      },
    );

    app.get(
      '/api/devices/:id/telemetry',
      {
        schema: {
          params: z.object({ id: DeviceId }),
          querystring: z.object({ minutes: z.coerce.number().int().min(1).max(60 * 24 * 31).default(60) }),
          response: { 200: z.object({ points: z.array(z.record(z.string(), z.unknown())) }), 404: ErrorBody },
        },
      },
      async (req, reply) => {
        const d = o.site.device(req.params.id);
        if (!d) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `unknown device ${req.params.id}` });
        const points = await o.storage.recent(deviceType(d.type)!.influx.measurement, d.id, req.query.minutes);
        return { points };
      },
    );

    app.post(
      '/api/devices/:id/commands',
      {
        schema: {
          params: z.object({ id: DeviceId }),
          querystring: z.object({ wait: z.stringbool().default(false) }),
          body: z.object({
            action: z.string().min(1).max(32),
            params: z.record(z.string(), z.unknown()).default({}),
            ttlS: z.number().int().min(1).max(86400).optional(),
            id: z.string().min(1).max(64).optional(),
          }),
          response: { 200: z.object({ command: Command }), 202: z.object({ command: Command }), 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody },
        },
      },
      async (req, reply) => {
        try {
          const r = await o.commands.send({
            deviceId: req.params.id,
            action: req.body.action,
            params: req.body.params,
            issuer: `api:${req.ip}`,
            ...(req.body.ttlS && { ttlS: req.body.ttlS }),
            ...(req.body.id && { id: req.body.id }),
          });
          if (!req.query.wait) return reply.code(202).send({ command: r });
          return reply.code(200).send({ command: await o.commands.settled(r.id) });
        } catch (e) {
          if (!(e instanceof CommandError)) throw e;
          const map = { 'unknown-device': 404, invalid: 400, refused: 409, busy: 429, conflict: 409 } as const;
          const code = map[e.code];
          return reply.code(code).send({
            statusCode: code,
            error: e.code,
            message: e.message,
            ...(e.issues.length && { issues: e.issues.map(splitIssue) }),
            ...(e.record && { command: e.record }),
          });
        }
      },
    );

    app.get(
      '/api/commands/:id',
      { schema: { params: z.object({ id: z.string().min(1).max(64) }), response: { 200: z.object({ command: Command }), 404: ErrorBody } } },
      async (req, reply) => {
        const r = o.commands.get(req.params.id);
        if (!r) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `unknown command ${req.params.id}` });
        return { command: r };
      },
    );

    irrigationRoutes(app as never, o.irrigation);
    lightingRoutes(app as never, o.lighting);
    await radioRoutes(app as never, o.radio);

    app.get('/api/events', (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      res.write('retry: 2000\n\n');
      const offs = [
        o.bus.on('device', (s) => send('device', withPending(s))),
        o.bus.on('command', (c) => {
          send('command', c);
          const s = o.live.snapshot(c.deviceId);
          if (s) send('device', withPending(s));
        }),
        o.bus.on('alert', (a) => send('alert', a)),
        o.bus.on('radio', (e) => {
          try {
            send('radio', o.radio.radio.bulletin(e.bulletinId));
          } catch {
            // trimmed from memory meanwhile: nothing to show
          }
        }),
      ];
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      const close = () => {
        clearInterval(ping);
        for (const off of offs) off();
        this.streams.delete(close);
        res.end();
      };
      this.streams.add(close);
      req.raw.on('close', close);
    });

    await app.listen({ host: o.host, port: o.port });
    o.log.info({ url: `http://${o.host}:${this.port}/` }, 'http api listening');
  }

  get port(): number {
    const a = this.o.http.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  async stop(): Promise<void> {
    for (const close of [...this.streams]) close();
    await this.app?.close();
  }
}

function splitIssue(line: string): { path: string; message: string } {
  const i = line.indexOf(': ');
  return i < 0 ? { path: '', message: line } : { path: line.slice(0, i), message: line.slice(i + 2) };
}
