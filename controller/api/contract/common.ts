// Shapes every area shares: ids, the one error body, and the time strings.
import { z } from 'zod';
import { ID_PATTERN } from '../../../devices/topics.js';

export const Id = z.string().regex(ID_PATTERN, 'must match ^[a-z0-9][a-z0-9-]{1,62}$');
export const IdParams = z.object({ id: Id });
export const Instant = z.string();
export const Obj = z.record(z.string(), z.unknown());

export const Issue = z.object({ path: z.string(), message: z.string() });

/** Every 4xx and 5xx: a status, its HTTP name, a stable code for pages, a sentence, field issues. */
export const ErrorBody = z.looseObject({
  statusCode: z.number().int(),
  error: z.string(),
  code: z.string(),
  message: z.string(),
  issues: z.array(Issue).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The error statuses a route may answer, for its response schema. */
export function errors(...codes: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(codes.map((c) => [c, ErrorBody]));
}

/** What any route behind sign-in may answer besides its own results. */
export const AUTH_ERRORS = errors(401, 403, 429, 503);

export const Empty = z.null().describe('no content');
