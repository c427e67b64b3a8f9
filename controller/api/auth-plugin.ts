// Sign-in on the HTTP side: server-side sessions (@fastify/session over the SQLite store), API
// tokens as `Authorization: Bearer`, CSRF tokens for cookie sessions, and the hook that makes
// every /api route declare who may call it. Deny by default: a route under /api without a
// declaration cannot even be registered.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import type * as Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/auth.js';
import { authorize, isZoned, type Action, type Actor, type Resource } from '../auth/policy.js';
import type { AuthStore } from '../auth/store.js';
import { DomainError } from '../errors.js';

/** Who may call a route: anyone, any signed-in actor, or those the policy allows an action. */
export type RouteAuth =
  | 'public'
  | 'signed-in'
  | Action
  | {
      action: Action;
      /** The farm zone the request is about (from its params), for the farmer's scope. */
      zone?: (req: FastifyRequest) => string | null | undefined;
      /**
       * For a farmer's zoned action without `zone`: `filtered`, the handler shows only the
       * farmer's zones; `handler`, the handler checks the zone itself (it is in the body) with
       * req.authorize(). Without either a farmer is refused.
       */
      scope?: 'filtered' | 'handler';
      /** A URL signed by the plane lets a caller without a session in (speakers fetching audio). */
      signed?: (req: FastifyRequest) => string | undefined;
    };

interface SessionData {
  login?: string;
  /** Why the plane signed this session out (an admin's change, a password change elsewhere). */
  ended?: string;
  createdAt?: number;
  seenAt?: number;
  _csrf?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** How the actor proved who they are; CSRF applies to cookie sessions only. */
    actorVia: 'session' | 'token' | 'signed-url' | null;
    /** Throws 403 unless the policy allows the actor this action on this zone or bulletin. */
    authorize(action: Action, resource?: Resource): Actor;
  }
  interface Session extends SessionData {}
}

export interface AuthHttpOptions {
  auth: Auth;
  /** Cookies get Secure when the plane serves HTTPS. */
  secure: boolean;
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  maxMs: number;
}

export class AuthRefusal extends DomainError {}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session store @fastify/session asks; rows expire at the earlier of the idle and absolute limits. */
class SqliteSessionStore implements fastifySession.SessionStore {
  constructor(
    private readonly store: AuthStore,
    private readonly o: { idleMs: number; maxMs: number },
  ) {}

  get(sid: string, cb: (err: unknown, session?: Fastify.Session | null) => void): void {
    try {
      const row = this.store.session(sid, Date.now());
      cb(null, row ? (JSON.parse(row.data) as Fastify.Session) : null);
    } catch (e) {
      cb(e);
    }
  }

  set(sid: string, session: Fastify.Session, cb: (err?: unknown) => void): void {
    try {
      const created = session.createdAt ?? Date.now();
      const seen = session.seenAt ?? created;
      const expiresAt = Math.min(created + this.o.maxMs, seen + this.o.idleMs);
      this.store.putSession({ sid, login: session.login ?? null, data: JSON.stringify(session), expiresAt });
      cb();
    } catch (e) {
      cb(e);
    }
  }

  destroy(sid: string, cb: (err?: unknown) => void): void {
    try {
      this.store.deleteSession(sid);
      cb();
    } catch (e) {
      cb(e);
    }
  }
}

const refuse = (code: string, message: string, status: number): never => {
  throw new AuthRefusal(code, message, status);
};

/** Installs sessions, CSRF, rate limiting and the route-declaration hook on the root app. */
export async function installAuth(app: FastifyInstance, o: AuthHttpOptions): Promise<void> {
  const { auth } = o;

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') && route.url !== '/api') return;
    if (route.config?.auth === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no permission (config.auth)`);
    }
  });

  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: auth.sessionSecret,
    cookieName: 'village.sid',
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: o.secure },
    store: new SqliteSessionStore(auth.store, o),
    saveUninitialized: false,
    rolling: false,
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  await app.register(fastifyRateLimit, { global: false });

  app.decorateRequest('actor', null);
  app.decorateRequest('actorVia', null);
  app.decorateRequest('authorize', function (this: FastifyRequest, action: Action, resource?: Resource) {
    const actor = this.actor ?? refuse('unauthenticated', 'sign in first', 401);
    const d = authorize(actor, action, resource);
    if (!d.ok) refuse('forbidden', d.reason, 403);
    return actor;
  });

  app.addHook('onRequest', async (req) => {
    const decl = req.routeOptions.config?.auth;
    if (decl === undefined || decl === 'public') return;
    if (auth.setupRequired()) refuse('setup-required', 'setup required: an admin must be created first', 503);

    const found = actorOf(req);
    if (!found) {
      const signed = typeof decl === 'object' ? decl.signed : undefined;
      if (signed) {
        const problem = signed(req);
        if (problem) refuse('bad-signature', problem, 403);
        req.actorVia = 'signed-url';
        return;
      }
      refuse('unauthenticated', 'sign in first', 401);
    }
    const { actor, mustChange } = found!;
    req.actor = actor;
    if (mustChange && decl !== 'signed-in') refuse('password-change-required', 'change the temporary password first', 403);
    if (decl === 'signed-in') return;
    const action = typeof decl === 'string' ? decl : decl.action;
    const zoneOf = typeof decl === 'object' ? decl.zone : undefined;
    const d = authorize(actor, action, zoneOf ? { zone: zoneOf(req) ?? null } : undefined);
    if (!d.ok) refuse('forbidden', d.reason, 403);
    // Deny by default: a zoned route that neither names its zone nor filters is not for farmers.
    if (actor.role === 'farmer' && isZoned(action) && !zoneOf && !(typeof decl === 'object' && decl.scope)) {
      refuse('forbidden', `${action} here is not limited to a farmer's zones`, 403);
    }
  });

  // Cookie sessions need the page's CSRF token on every state-changing request; tokens and signed
  // URLs carry no ambient credential, so they need none.
  app.addHook('onRequest', (req, reply, done) => {
    if (req.actorVia !== 'session' || SAFE.has(req.method)) return done();
    app.csrfProtection(req, reply, done);
  });

  /**
   * The actor of the request (a bearer token wins over a cookie session), and whether it must
   * change a temporary password first: one look at the user per request.
   */
  function actorOf(req: FastifyRequest): { actor: Actor; mustChange: boolean } | null {
    const h = req.headers.authorization;
    if (h !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(h);
      if (!m) refuse('unauthenticated', 'Authorization must be "Bearer <token>"', 401);
      const a = auth.tokenActor(m![1]!);
      if (typeof a === 'string') refuse('unauthenticated', a, 401);
      req.actorVia = 'token';
      return { actor: a as Actor, mustChange: false };
    }
    const s = req.session;
    if (s?.ended) {
      const why = s.ended;
      void req.session.destroy().catch(() => {});
      refuse('session-ended', `signed out: ${why}`, 401);
    }
    if (!s?.login) return null;
    const now = Date.now();
    const u = auth.user(s.login);
    const ended = !u || u.state !== 'active' ? 'user disabled or removed' : now - (s.createdAt ?? 0) > o.maxMs ? 'session too old' : now - (s.seenAt ?? 0) > o.idleMs ? 'session idle too long' : undefined;
    if (ended) {
      void req.session.destroy().catch(() => {});
      refuse('session-ended', `signed out: ${ended}`, 401);
    }
    // Idle time counts from the last request; writing it once a minute (or a tenth of the idle
    // limit, if shorter) is close enough and spares the store a write per request.
    if (now - (s.seenAt ?? 0) > Math.min(60_000, o.idleMs / 10)) s.seenAt = now;
    req.actorVia = 'session';
    return { actor: auth.actorOf(u!), mustChange: u!.mustChange };
  }
}

/** Signs the request's session in as a user: a new session id, so a planted one is worthless. */
export async function startSession(req: FastifyRequest, reply: FastifyReply, login: string): Promise<string> {
  await req.session.regenerate();
  const now = Date.now();
  req.session.login = login;
  req.session.createdAt = now;
  req.session.seenAt = now;
  return reply.generateCsrf();
}

/** Refuses a state-changing request another site's page sent (sign-in and setup have no session yet). */
export function checkSameOrigin(req: FastifyRequest): void {
  if (req.headers['sec-fetch-site'] === 'cross-site') refuse('cross-origin', 'cross-site request refused', 403);
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) refuse('cross-origin', `cross-origin request from ${origin} refused`, 403);
  } else if (origin === 'null') {
    refuse('cross-origin', 'request from an opaque origin refused', 403);
  }
}
