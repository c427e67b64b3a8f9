// The admin page's requests: users and API tokens (admins only; the shell has checked the role).
import type { z } from 'zod';
import type { CreatedToken, CreatedUser, NewToken, NewUser, TemporaryPassword, Token, User, UserPatch } from '../../../../../controller/api/contract/auth.js';
import { get, request } from '../../lib/http.js';

export type User = z.infer<typeof User>;
export type Token = z.infer<typeof Token>;
export type NewUser = z.input<typeof NewUser>;
export type NewToken = z.input<typeof NewToken>;
export type UserPatch = z.input<typeof UserPatch>;

const user = (login: string) => `/api/users/${encodeURIComponent(login)}`;

export const adminApi = {
  users: () => get<User[]>('/api/users'),
  addUser: (body: NewUser) => request<z.infer<typeof CreatedUser>>('POST', '/api/users', body),
  patchUser: (login: string, body: UserPatch) => request<User>('PATCH', user(login), body),
  resetPassword: (login: string) => request<z.infer<typeof TemporaryPassword>>('POST', `${user(login)}/reset-password`),
  tokens: () => get<Token[]>('/api/tokens'),
  createToken: (body: NewToken) => request<z.infer<typeof CreatedToken>>('POST', '/api/tokens', body),
  revokeToken: (id: string) => request<Token>('DELETE', `/api/tokens/${encodeURIComponent(id)}`),
};
