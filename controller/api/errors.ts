// One mapping from errors to the API's error body ({statusCode, error, code, message, issues}),
// for every route; every refusal is logged with its reason.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, type Issue } from '../errors.js';

const AUTH_STATUSES = new Set([401, 403, 429, 503]);

function body(status: number, code: string, message: string, issues?: Issue[], details?: Record<string, unknown>) {
  return { ...details, statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message, ...(issues?.length && { issues }) };
}

/** A 400 listing the issues, one "path: message" each in the sentence too. */
const invalid = (issues: Issue[]) => body(400, 'invalid', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);

/** Fastify's own 4xx codes (FST_ERR_CTP_BODY_TOO_LARGE …) as short codes for pages. */
function fastifyCode(err: FastifyError): string {
  if (err.code?.startsWith('FST_CSRF')) return 'csrf';
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.code === 'FST_REQ_FILE_TOO_LARGE') return 'too-large';
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported-media-type';
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.statusCode === 400) return 'invalid';
  return 'error';
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let out: ReturnType<typeof body>;
    if (hasZodFastifySchemaValidationErrors(err)) {
      out = invalid(
        err.validation.map((v) => ({
          path: [err.validationContext, ...(v.instancePath ? v.instancePath.split('/').filter(Boolean) : [])].join('.'),
          message: v.message ?? 'invalid',
        })),
      );
    } else if (err instanceof z.ZodError) {
      out = invalid(err.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })));
    } else if (err instanceof DomainError) {
      out = body(err.status, err.code, err.message, err.issues, err.details);
    } else if ((err.statusCode ?? 500) < 500) {
      const status = err.statusCode!;
      out = body(status, fastifyCode(err), err.code?.startsWith('FST_CSRF') ? 'missing or wrong CSRF token: reload the page' : err.message);
    } else {
      req.log.error({ err }, 'request failed');
      return reply.code(500).send(body(500, 'internal', 'internal error'));
    }
    // Every refusal, with its reason: sign-in and permission refusals louder than input mistakes.
    req.log[AUTH_STATUSES.has(out.statusCode) ? 'warn' : 'info'](
      { refused: out.code, reason: out.message, status: out.statusCode, method: req.method, url: req.url.split('?')[0], actor: req.actor?.id, ip: req.ip },
      'request refused',
    );
    if (out.statusCode === 429 && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
    return reply.code(out.statusCode).send(out);
  });
}
