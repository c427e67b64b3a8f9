// Sign-in and the signed-in actor. Mounted at /api/auth.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTION_NAMES, authorize, type Actor } from '../../auth/policy.js';
import { DomainError } from '../../errors.js';
import { checkSameOrigin, startSession } from '../auth-plugin.js';
import { AUTH_ERRORS, Empty, errors } from '../contract/common.js';
import { ChangePassword, Me, SignIn } from '../contract/auth.js';
import type { ApiContext } from './context.js';

export interface SignInLimits {
  /** Failed sign-ins per account per minute before 429. */
  perAccount: number;
  /** Failed sign-ins per client address per minute before 429. */
  perIp: number;
  /** The window the counts are kept for (a minute; tests shorten it). */
  windowMs: number;
}

export function authRoutes(limits: SignInLimits): FastifyPluginAsyncZod<Pick<ApiContext, 'auth'>> {
  return async (app, c) => {
    // Only failures count (ASVS 2.2.1): a real user is not locked out by their own successes.
    const byIp = app.createRateLimit({ max: limits.perIp, timeWindow: limits.windowMs, keyGenerator: (req) => `ip:${req.ip}` });
    const byAccount = app.createRateLimit({
      max: limits.perAccount,
      timeWindow: limits.windowMs,
      keyGenerator: (req) => `login:${String((req.body as { login?: string } | undefined)?.login ?? '').trim().toLowerCase()}`,
    });
    /** Read without counting: at the limit, no password is even checked. */
    type Check = Awaited<ReturnType<typeof byIp>>;
    const limited = (r: Check): r is Extract<Check, { isAllowed: false }> => !r.isAllowed && r.remaining === 0;

    app.post(
      '/sign-in',
      { config: { auth: 'public' }, schema: { body: SignIn, response: { 200: Me, ...errors(400, 401, 403, 429) } } },
      async (req, reply) => {
        checkSameOrigin(req);
        const [ip, account] = await Promise.all([byIp(req, { increment: false }), byAccount(req, { increment: false })]);
        for (const r of [ip, account]) {
          if (limited(r)) {
            const wait = Math.max(1, r.ttlInSeconds);
            c.auth.audit({ kind: 'sign-in-failed', login: req.body.login.toLowerCase(), by: req.body.login.toLowerCase(), ip: req.ip, reason: r === ip ? 'rate limited (address)' : 'rate limited (account)' });
            reply.header('retry-after', String(wait));
            throw new DomainError('rate-limited', `too many failed sign-ins: try again in ${wait} s`, 429, [], { retryAfterS: wait });
          }
        }
        let user;
        try {
          user = await c.auth.signIn(req.body.login, req.body.password, req.ip);
        } catch (e) {
          await Promise.all([byIp(req), byAccount(req)]);
          throw e;
        }
        const csrfToken = await startSession(req, reply, user.login);
        return me(c, c.auth.actorOf(user), 'user', user.mustChange, csrfToken);
      },
    );

    app.post('/sign-out', { config: { auth: 'signed-in' }, schema: { response: { 204: Empty, ...AUTH_ERRORS } } }, async (req, reply) => {
      if (req.actorVia === 'session') {
        c.auth.signOut(req.actor!.id, req.ip);
        await req.session.destroy();
      }
      return reply.code(204).send(null);
    });

    // Public so that a page can ask "am I signed in, and is setup needed" without a 401.
    app.get('/me', { config: { auth: 'public' }, schema: { response: { 200: Me } } }, async (req, reply) => {
      const setupRequired = c.auth.setupRequired();
      const s = req.session;
      const bearer = req.headers.authorization;
      if (bearer) {
        const a = c.auth.tokenActor(bearer.replace(/^Bearer\s+/i, ''));
        if (typeof a === 'string') return { signedIn: false, setupRequired };
        return me(c, a, 'token', false);
      }
      const u = s?.login ? c.auth.user(s.login) : undefined;
      if (!u || u.state !== 'active') return { signedIn: false, setupRequired };
      return me(c, c.auth.actorOf(u), 'user', u.mustChange, reply.generateCsrf());
    });

    app.post(
      '/password',
      { config: { auth: 'signed-in' }, schema: { body: ChangePassword, response: { 204: Empty, ...AUTH_ERRORS, ...errors(400) } } },
      async (req, reply) => {
        if (req.actor!.kind !== 'user') throw new DomainError('forbidden', 'API tokens have no password', 403);
        // Every other session of the user ends; this one goes on.
        await c.auth.changePassword(req.actor!.id, req.body.current, req.body.password, req.ip, req.session.sessionId);
        return reply.code(204).send(null);
      },
    );
  };
}

/** The signed-in actor as pages see it, with what the role may do. */
export function me(c: Pick<ApiContext, 'auth'>, a: Actor, kind: 'user' | 'token', mustChange: boolean, csrfToken?: string): z.infer<typeof Me> {
  return {
    signedIn: true,
    setupRequired: c.auth.setupRequired(),
    user: { login: a.id, name: a.name ?? a.id, role: a.role, zones: [...a.zones], kind, mustChange },
    ...(csrfToken && { csrfToken }),
    can: Object.fromEntries(ACTION_NAMES.map((x) => [x, authorize(a, x).ok])),
  };
}
