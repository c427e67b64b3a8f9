// Sign-in, the signed-in actor, users and API tokens.
import { z } from 'zod';
import { MAX_LENGTH } from '../../auth/passwords.js';
import { PersonRole, Role } from '../../auth/policy.js';
import { Id } from './common.js';

export const Login = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'use 2 to 63 of a-z 0-9 . _ -');
/** Length and the common-password list are checked by the service, with their own codes. */
export const Password = z.string().min(1).max(MAX_LENGTH);
export const Zones = z.array(Id).max(200);

export const SignIn = z.object({ login: z.string().trim().min(1).max(64), password: z.string().min(1).max(MAX_LENGTH) });

export const Me = z.object({
  signedIn: z.boolean(),
  setupRequired: z.boolean(),
  user: z
    .object({
      login: z.string(),
      name: z.string(),
      role: Role,
      zones: z.array(z.string()),
      kind: z.enum(['user', 'token']),
      mustChange: z.boolean(),
    })
    .optional(),
  /** Send back as `x-csrf-token` on every state-changing request of this session. */
  csrfToken: z.string().optional(),
  /** Where everyone starts on this server whatever their role (a province: its page). */
  home: z.string().optional(),
  /** Each action and whether this actor may take it somewhere: what the pages show. */
  can: z.record(z.string(), z.boolean()).optional(),
});
export type Me = z.infer<typeof Me>;

export const ChangePassword = z.object({ current: Password, password: Password });

export const Setup = z.object({ code: z.string().trim().min(4).max(64), login: Login, name: z.string().trim().min(1).max(120), password: Password });

export const User = z.object({
  login: z.string(),
  name: z.string(),
  role: PersonRole,
  zones: z.array(z.string()),
  state: z.enum(['active', 'disabled']),
  mustChange: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  sessions: z.number().int(),
});
export const NewUser = z.object({ login: Login, name: z.string().trim().min(1).max(120), role: PersonRole, zones: Zones.default([]), password: Password.optional() });
export const UserPatch = z
  .object({ name: z.string().trim().min(1).max(120), role: PersonRole, zones: Zones, state: z.enum(['active', 'disabled']) })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'change at least one field');
export const CreatedUser = User.extend({ temporaryPassword: z.string().optional().describe('shown this once when no password was given') });
export const TemporaryPassword = z.object({ temporaryPassword: z.string().describe('shown this once') });
export const LoginParams = z.object({ login: Login });

export const Token = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  zones: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const NewToken = z.object({ name: z.string().trim().min(1).max(120), role: PersonRole, zones: Zones.default([]) });
export const CreatedToken = Token.extend({ token: z.string().describe('send as "Authorization: Bearer <token>"; shown this once') });
export const TokenParams = z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) });
