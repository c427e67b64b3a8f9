// A command's record, to follow it after a 202. Mounted at /api/commands.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { AUTH_ERRORS, errors } from '../contract/common.js';
import { CommandReply } from '../contract/devices.js';
import type { ApiContext } from './context.js';

export const commandsRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, c) => {
  const zoneOf = (req: { params: unknown }) => {
    const r = c.commands.get((req.params as { id: string }).id);
    return r ? (c.site.device(r.deviceId)?.zone ?? null) : null;
  };
  app.get(
    '/:id',
    {
      config: { auth: { action: 'commands.read', zone: zoneOf } },
      schema: { params: z.object({ id: z.string().min(1).max(64) }), response: { 200: CommandReply, ...AUTH_ERRORS, ...errors(404) } },
    },
    async (req) => {
      const r = c.commands.get(req.params.id);
      if (!r) throw new DomainError('not-found', `unknown command ${req.params.id}`, 404);
      return { command: r };
    },
  );
};
