// The sign-in page's requests. No session yet: refusals are read here, never followed
// (`follow: false`), so a wrong password does not leave for the sign-in page it is on.
import type { z } from 'zod';
import type { ChangePassword, SignIn } from '../../../../../controller/api/contract/auth.js';
import { request } from '../../lib/http.js';
import type { Me } from '../../lib/session.js';

const quiet = { follow: false } as const;

export const signInApi = {
  signIn: (body: z.infer<typeof SignIn>) => request<Me>('POST', '/api/auth/sign-in', body, quiet),
  changePassword: (body: z.infer<typeof ChangePassword>) => request<null>('POST', '/api/auth/password', body, quiet),
  signOut: () => request<null>('POST', '/api/auth/sign-out', undefined, quiet),
};
