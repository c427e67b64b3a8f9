// The province's HTTP API (PLANE_MODE=province): the shared base (http-app.ts), sign-in and accounts,
// and the roll-up's routes. No devices, no event stream.
import type { Server as HttpServer } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Bus } from '../bus.js';
import { AUTH_ERRORS, errors } from './contract/common.js';
import { closeOnSignOut, openStream, type StreamLimits, type Streams } from './sse.js';
import { Health, SiteView } from './contract/devices.js';
import { HttpApi, httpApp } from './http-app.js';
import { authRoutes } from './routes/auth.js';
import { provinceRoutes, type ProvinceContext } from './routes/province.js';
import { setupRoutes } from './routes/setup.js';
import { tokensRoutes, usersRoutes } from './routes/users.js';

/** Everyone starts on the province's page, whatever their role. */
const HOME = '/province.html';

export interface ProvinceApiOptions extends ProvinceContext {
  log: Logger;
  http: HttpServer;
  host: string;
  port: number;
  tls: boolean;
  sessions?: { idleMs?: number; maxMs?: number };
  signIn?: { perAccount?: number; perIp?: number; windowMs?: number };
  /** Live event streams allowed per user and in all. */
  streams?: { perActor?: number; total?: number };
  bus: Bus;
  degraded(): string[];
}

// The shell of every page reads /api/site for the name and the clock's time zone; a province has no hamlets or zones.
const systemRoutes: FastifyPluginAsyncZod<ProvinceApiOptions> = async (app, o) => {
  app.get('/health', { config: { auth: 'public' }, schema: { response: { 200: Health } } }, async () => ({ ok: true, setupRequired: o.auth.setupRequired(), degraded: o.degraded() }));
  app.get('/site', { config: { auth: 'signed-in' }, schema: { response: { 200: SiteView, ...AUTH_ERRORS } } }, async () => ({
    mode: 'province' as const,
    site: { id: o.province.id, name: o.province.name, tz: o.tz },
    hamlets: [],
    zones: [],
    waterSources: [],
  }));
};

// A commune's push as it lands, for the page to show without asking again.
const eventsRoutes =
  (streams: Streams, limits: StreamLimits): FastifyPluginAsyncZod<ProvinceApiOptions> =>
  async (app, o) => {
    const off = closeOnSignOut(o.auth, streams);
    app.addHook('onClose', async () => off());
    app.get(
      '/',
      { config: { auth: 'province.read' }, schema: { response: { 200: z.string().describe('text/event-stream: province events (a commune pushed), typed in contract/events.ts'), ...AUTH_ERRORS, ...errors(429, 503) } } },
      (req, reply) =>
        openStream({
          req,
          reply,
          streams,
          limits,
          listen: (send) => [o.bus.on('provincePush', (e) => send('province', { commune: e.commune, key: e.key, kind: e.kind, result: e.result, lastHeardAt: e.at.toISOString() }))],
        }),
    );
  };

export class ProvinceApi extends HttpApi {
  constructor(private readonly o: ProvinceApiOptions) {
    super(o);
  }

  async start(): Promise<void> {
    const o = this.o;
    const app = await httpApp({ log: o.log, http: o.http, auth: o.auth, tls: o.tls, title: 'Smart village province roll-up', home: 'province.html', ...(o.sessions && { sessions: o.sessions }) }, this.table);
    this.app = app as unknown as FastifyInstance;
    const zones = () => [];
    await app.register(systemRoutes, { ...o, prefix: '/api' });
    await app.register(authRoutes({ perAccount: o.signIn?.perAccount ?? 10, perIp: o.signIn?.perIp ?? 30, windowMs: o.signIn?.windowMs ?? 60_000 }), { auth: o.auth, home: HOME, prefix: '/api/auth' });
    await app.register(setupRoutes, { auth: o.auth, home: HOME, prefix: '/api/setup' });
    await app.register(usersRoutes, { auth: o.auth, zones, prefix: '/api/users' });
    await app.register(tokensRoutes, { auth: o.auth, zones, prefix: '/api/tokens' });
    await app.register(eventsRoutes(this.streams, { perActor: o.streams?.perActor ?? 8, total: o.streams?.total ?? 500 }), { ...o, prefix: '/api/events' });
    await app.register(provinceRoutes, { auth: o.auth, store: o.store, rollup: o.rollup, province: o.province, tz: o.tz, reportPdf: o.reportPdf, ...(o.pushPerMinute && { pushPerMinute: o.pushPerMinute }), prefix: '/api/province' });
    await app.listen({ host: o.host, port: o.port });
    o.log.info({ url: `${o.tls ? 'https' : 'http'}://${o.host}:${this.port}/` }, 'province api listening');
  }
}
