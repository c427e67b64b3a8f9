// The setup page's request: the first admin, made with the setup code, is signed in at once.
import type { z } from 'zod';
import type { Setup } from '../../../../../controller/api/contract/auth.js';
import { request } from '../../lib/http.js';
import type { Me } from '../../lib/session.js';

export const setupApi = {
  setup: (body: z.infer<typeof Setup>) => request<Me>('POST', '/api/setup', body, { follow: false }),
};
