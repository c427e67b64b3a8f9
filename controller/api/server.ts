// The HTTP API: fastify with zod schemas for every body, query, params and response
// (fastify-type-provider-zod, OpenAPI at /docs), sign-in on every /api route, one error shape,
// a server-sent event stream of changes, and the dashboards served as static files under a CSP.
import type { Server as HttpServer } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { desiredConfig } from '../config/site.js';
import type { DeviceSnapshot } from '../state/live-state.js';
import { HttpApi, httpApp, type RouteEntry } from './http-app.js';
import { alertsRoutes } from './routes/alerts.js';
import { authRoutes } from './routes/auth.js';
import { commandsRoutes } from './routes/commands.js';
import type { ApiContext, ApiModules, DeviceAdmin } from './routes/context.js';
import { devicesRoutes } from './routes/devices.js';
import { eventsRoutes } from './routes/events.js';
import { indicatorReportRoutes } from './routes/indicator-report.js';
import { indicatorsRoutes } from './routes/indicators.js';
import { irrigationRoutes } from './routes/irrigation.js';
import { lightingRoutes } from './routes/lighting.js';
import { seriesRoutes } from './routes/series.js';
import { radioRoutes } from './routes/radio.js';
import { rulesRoutes } from './routes/rules.js';
import { scenesRoutes } from './routes/scenes.js';
import { setupRoutes } from './routes/setup.js';
import { systemRoutes } from './routes/system.js';
import { tokensRoutes, usersRoutes } from './routes/users.js';

export type { DeviceAdmin };

export interface ApiOptions extends ApiModules {
  log: Logger;
  http: HttpServer;
  host: string;
  port: number;
  /** Served over HTTPS: Secure cookies and HSTS. */
  tls: boolean;
  /** Another origin speakers and pages fetch bulletin audio from (RADIO_AUDIO_BASE), for the CSP. */
  audioOrigin?: string;
  sessions?: { idleMs?: number; maxMs?: number };
  signIn?: { perAccount?: number; perIp?: number; windowMs?: number };
  /** Live event streams allowed per user and in all. */
  streams?: { perActor?: number; total?: number };
}

export type { RouteEntry };

export class Api extends HttpApi {

  constructor(private readonly o: ApiOptions) {
    super(o);
  }


  async start(): Promise<void> {
    const o = this.o;
    const app = await httpApp({ log: o.log, http: o.http, auth: o.auth, tls: o.tls, title: 'Smart village control plane', ...(o.audioOrigin && { audioOrigin: o.audioOrigin }), ...(o.sessions && { sessions: o.sessions }) }, this.table);
    this.app = app as unknown as FastifyInstance;

    const { log: _log, http: _http, host: _host, port: _port, tls, audioOrigin: _ao, sessions: _s, signIn: _si, streams: _st, ...modules } = o;
    const c: ApiContext = {
      ...modules,
      secure: tls,
      deviceView: (s: DeviceSnapshot) => ({
        ...s,
        config: desiredConfig(o.site.config, o.site.device(s.id)!),
        pending: o.commands.pendingFor(s.id),
        recent: o.commands.recentFor(s.id),
      }),
      issuer: (a) => (a.kind === 'token' ? a.id : `user:${a.id}`),
      audioPath: (file, ttlMs = 3600_000) => `/api/radio/audio/${file}?${o.auth.signAudio(file, ttlMs)}`,
    };

    await app.register(systemRoutes, { ...c, prefix: '/api' });
    await app.register(alertsRoutes, { ...c, prefix: '/api/alerts' });
    await app.register(authRoutes({ perAccount: o.signIn?.perAccount ?? 10, perIp: o.signIn?.perIp ?? 30, windowMs: o.signIn?.windowMs ?? 60_000 }), { ...c, prefix: '/api/auth' });
    await app.register(setupRoutes, { ...c, prefix: '/api/setup' });
    const zones = () => o.site.config.zones.map((z) => z.id);
    await app.register(usersRoutes, { auth: c.auth, zones, prefix: '/api/users' });
    await app.register(tokensRoutes, { auth: c.auth, zones, prefix: '/api/tokens' });
    await app.register(devicesRoutes, { ...c, prefix: '/api/devices' });
    await app.register(seriesRoutes, { ...c, prefix: '/api/series' });
    await app.register(commandsRoutes, { ...c, prefix: '/api/commands' });
    await app.register(irrigationRoutes, { ...c, prefix: '/api/irrigation' });
    await app.register(lightingRoutes, { ...c, prefix: '/api/lighting' });
    await app.register(radioRoutes, { ...c, prefix: '/api/radio' });
    await app.register(rulesRoutes, { ...c, prefix: '/api/rules' });
    await app.register(scenesRoutes, { ...c, prefix: '/api/scenes' });
    await app.register(indicatorsRoutes, { ...c, prefix: '/api/indicators' });
    await app.register(indicatorReportRoutes, { ...c, prefix: '/api/indicators/report' });
    await app.register(eventsRoutes(this.streams, { perActor: o.streams?.perActor ?? 8, total: o.streams?.total ?? 500 }), { ...c, prefix: '/api/events' });

    await app.listen({ host: o.host, port: o.port });
    o.log.info({ url: `${o.tls ? 'https' : 'http'}://${o.host}:${this.port}/` }, 'http api listening');
  }
}
