// What every HTTP API of the program shares, the commune's (server.ts) and the province's
// (province-server.ts): fastify with zod schemas, one error shape, sign-in with every /api route
// declaring who may call it, helmet's CSP, OpenAPI at /docs, and the web app's pages.
import { existsSync, readdirSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Auth } from '../auth/auth.js';
import { installAuth, type RouteAuth } from './auth-plugin.js';
import { installErrorHandler } from './errors.js';
import type { Streams } from './sse.js';

export interface HttpAppOptions {
  log: Logger;
  http: HttpServer;
  auth: Auth;
  /** Served over HTTPS: Secure cookies and HSTS. */
  tls: boolean;
  /** Another origin speakers and pages fetch bulletin audio from (RADIO_AUDIO_BASE), for the CSP. */
  audioOrigin?: string;
  sessions?: { idleMs?: number; maxMs?: number };
  /** The page `/` leads to (the app's index by default). */
  home?: string;
  title: string;
}

/** A registered route and who may call it, for the route × role test and /docs. */
export interface RouteEntry {
  method: string;
  url: string;
  auth: RouteAuth | undefined;
}

/** The typed web app, built by scripts/build-app.ts (the README's commands build it when stale). */
const appDir = fileURLToPath(new URL('../../dashboards/dist/', import.meta.url));


/** The app before its routes: register them, then listen. */
export async function httpApp(o: HttpAppOptions, table: RouteEntry[]) {
  const app = Fastify({
    loggerInstance: o.log.child({ module: 'api' }) as never,
    logController: new LogController({ disableRequestLogging: true }),
    serverFactory: (handler) => o.http.on('request', handler),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app as unknown as FastifyInstance);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) table.push({ method, url: r.url, auth: r.config?.auth });
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'media-src': ["'self'", ...(o.audioOrigin ? [o.audioOrigin] : [])],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        // On a plain-HTTP LAN an upgrade would break every page.
        'upgrade-insecure-requests': o.tls ? [] : null,
      },
    },
    hsts: o.tls ? { maxAge: 15_552_000 } : false,
  });
  await installAuth(app as unknown as FastifyInstance, {
    auth: o.auth,
    secure: o.tls,
    idleMs: o.sessions?.idleMs ?? 2 * 3600_000,
    maxMs: o.sessions?.maxMs ?? 12 * 3600_000,
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: o.title, version: '1' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'village.sid' }, token: { type: 'http', scheme: 'bearer' } } },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  const built = existsSync(appDir);
  // Registered even unbuilt: it also gives reply.sendFile, which the radio's audio route uses.
  await app.register(fastifyStatic, { root: appDir, prefix: '/app/', serve: built });
  if (built) {
    // Each page keeps a lasting address outside /app/ (bookmarks, links, the setup code's URL).
    for (const page of readdirSync(appDir).filter((f) => f.endsWith('.html'))) {
      const to = page === 'index.html' ? '/app/' : `/app/${page}`;
      const from = page === 'index.html' ? '/' : `/${page}`;
      if (from === '/' && o.home) continue;
      app.get(from, { schema: { hide: true } }, (req, reply) => reply.redirect(to + (req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''), 302));
    }
  } else o.log.warn('the web app is not built (dashboards/dist): run `npm run build:app`; /app/ pages are missing');
  if (built && o.home) app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect(`/app/${o.home}`, 302));
  return app;
}

/** What both APIs are once started: a port, the route table, requests without the network, a stop. */
export abstract class HttpApi {
  protected app?: FastifyInstance;
  protected readonly table: RouteEntry[] = [];
  /** The live event streams open now (sse.ts), closed at stop. */
  protected readonly streams: Streams = new Set();

  constructor(private readonly server: { http: HttpServer }) {}

  /** Live event streams open now. */
  get openStreams(): number {
    return this.streams.size;
  }

  get port(): number {
    const a = this.server.http.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  /** Every registered route with its declared permission. */
  routes(): readonly RouteEntry[] {
    return this.table;
  }

  /** A request without the network (fastify's inject), for route tests. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse> {
    if (!this.app) throw new Error('api not started');
    return this.app.inject(opts);
  }

  async stop(): Promise<void> {
    for (const s of [...this.streams]) s.close();
    await this.app?.close();
  }
}
