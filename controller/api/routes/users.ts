// Users and API tokens, for admins. Mounted at /api/users and /api/tokens.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import { CreatedToken, CreatedUser, LoginParams, NewToken, NewUser, TemporaryPassword, Token, TokenParams, User, UserPatch } from '../contract/auth.js';
import type { ApiContext } from './context.js';

/** What the user routes are given: a farmer's zones must be zones of this site (a province has none). */
export type UsersContext = Pick<ApiContext, 'auth'> & { zones(): readonly string[] };

function checkZones(c: UsersContext, zones: string[] | undefined): void {
  const known = new Set(c.zones());
  const bad = (zones ?? []).filter((z) => !known.has(z));
  if (bad.length) throw new DomainError('unknown-zone', `unknown zone ${bad.join(', ')}`, 400, [{ path: 'body.zones', message: `unknown zone ${bad.join(', ')}` }]);
}

export const usersRoutes: FastifyPluginAsyncZod<UsersContext> = async (app, c) => {
  app.get('/', { config: { auth: 'users.manage' }, schema: { response: { 200: z.array(User), ...AUTH_ERRORS } } }, async () => c.auth.users());

  app.post('/', { config: { auth: 'users.manage' }, schema: { body: NewUser, response: { 201: CreatedUser, ...AUTH_ERRORS, ...errors(400, 409) } } }, async (req, reply) => {
    checkZones(c, req.body.zones);
    return reply.code(201).send(await c.auth.createUser(req.actor!.id, req.body, req.ip));
  });

  app.patch(
    '/:login',
    { config: { auth: 'users.manage' }, schema: { params: LoginParams, body: UserPatch, response: { 200: User, ...AUTH_ERRORS, ...errors(400, 404, 409) } } },
    async (req) => {
      checkZones(c, req.body.zones);
      return c.auth.updateUser(req.actor!.id, req.params.login, req.body, req.ip);
    },
  );

  app.post(
    '/:login/reset-password',
    { config: { auth: 'users.manage' }, schema: { params: LoginParams, response: { 200: TemporaryPassword, ...AUTH_ERRORS, ...errors(404) } } },
    async (req) => c.auth.resetPassword(req.actor!.id, req.params.login, req.ip),
  );
};

export const tokensRoutes: FastifyPluginAsyncZod<UsersContext> = async (app, c) => {
  app.get('/', { config: { auth: 'tokens.manage' }, schema: { response: { 200: z.array(Token), ...AUTH_ERRORS } } }, async () => c.auth.tokens());

  app.post('/', { config: { auth: 'tokens.manage' }, schema: { body: NewToken, response: { 201: CreatedToken, ...AUTH_ERRORS, ...errors(400) } } }, async (req, reply) => {
    checkZones(c, req.body.zones);
    return reply.code(201).send(c.auth.createToken(req.actor!.id, req.body, req.ip));
  });

  app.delete('/:id', { config: { auth: 'tokens.manage' }, schema: { params: TokenParams, response: { 200: Token, ...AUTH_ERRORS, ...errors(404) } } }, async (req) =>
    c.auth.revokeToken(req.actor!.id, req.params.id, req.ip),
  );
};
