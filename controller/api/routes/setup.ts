// First run: the one-time setup code makes the first admin. Mounted at /api/setup.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkSameOrigin, startSession } from '../auth-plugin.js';
import { me } from './auth.js';
import { errors } from '../contract/common.js';
import { Me, Setup } from '../contract/auth.js';
import type { ApiContext } from './context.js';

export const setupRoutes: FastifyPluginAsyncZod<Pick<ApiContext, 'auth'>> = async (app, c) => {
  app.get('/', { config: { auth: 'public' }, schema: { response: { 200: z.object({ required: z.boolean() }) } } }, async () => ({ required: c.auth.setupRequired() }));

  app.post(
    '/',
    {
      // The code is 12 characters from 54: guessing is hopeless, but a flood is still cut off.
      config: { auth: 'public', rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: { body: Setup, response: { 201: Me, ...errors(400, 403, 409, 410, 429) } },
    },
    async (req, reply) => {
      checkSameOrigin(req);
      const { code, ...user } = req.body;
      const u = await c.auth.completeSetup(code, { ...user, role: 'admin' }, req.ip);
      const csrfToken = await startSession(req, reply, u.login);
      return reply.code(201).send(me(c, c.auth.actorOf(c.auth.user(u.login)!), 'user', false, csrfToken));
    },
  );
};
