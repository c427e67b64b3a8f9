// Signed-in HTTP clients for tests: each is a real user with a real session (cookie and CSRF
// token from POST /api/auth/sign-in), made on demand in the village's auth store.
import { generatePassword } from '../../controller/auth/passwords.js';
import type { PersonRole as Role } from '../../controller/auth/policy.js';
import type { Village } from '../../controller/village.js';

export interface ApiReply {
  status: number;
  body: any;
  headers: Headers;
}

export interface ApiClient {
  login: string;
  role: Role;
  password: string;
  cookie: string;
  csrfToken: string;
  get(path: string): Promise<ApiReply>;
  post(path: string, body?: unknown): Promise<ApiReply>;
  put(path: string, body: unknown): Promise<ApiReply>;
  patch(path: string, body: unknown): Promise<ApiReply>;
  delete(path: string): Promise<ApiReply>;
  /** A raw request with this session's cookie and CSRF token (multipart uploads, CSV). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** Signs in with a password; returns the session cookie and the CSRF token, or throws. */
export async function signIn(baseUrl: string, login: string, password: string): Promise<{ cookie: string; csrfToken: string }> {
  const res = await fetch(new URL('/api/auth/sign-in', baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
  const body = (await res.json()) as { csrfToken?: string; message?: string };
  if (res.status !== 200) throw new Error(`sign-in of ${login} failed: ${res.status} ${body.message}`);
  const cookie = (res.headers.getSetCookie().find((c) => c.startsWith('village.sid=')) ?? '').split(';')[0]!;
  return { cookie, csrfToken: body.csrfToken! };
}

export function clientFor(baseUrl: string, who: { login: string; role: Role; password: string; cookie: string; csrfToken: string }): ApiClient {
  const raw = (path: string, init: RequestInit = {}) =>
    fetch(new URL(path, baseUrl), { ...init, headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken, ...(init.headers as Record<string, string> | undefined) } });
  const call = async (method: string, path: string, body?: unknown): Promise<ApiReply> => {
    const res = await raw(path, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text, headers: res.headers };
  };
  return {
    ...who,
    get: (p) => call('GET', p),
    post: (p, b = {}) => call('POST', p, b),
    put: (p, b) => call('PUT', p, b),
    patch: (p, b) => call('PATCH', p, b),
    delete: (p) => call('DELETE', p),
    fetch: raw,
  };
}

/**
 * A signed-in client for `login` (made with `role` and `zones` the first time). By default the
 * login is the role's name: as(v, 'operator').
 */
export async function signedIn(village: Pick<Village, 'auth' | 'url'>, login: string, role?: Role, zones: string[] = []): Promise<ApiClient> {
  const r = role ?? (login as Role);
  const password = passwords.get(village.auth)?.get(login) ?? generatePassword();
  if (!village.auth.user(login)) {
    await village.auth.createUser('test', { login, name: login, role: r, zones, password });
    rememberPassword(village.auth, login, password);
  }
  const u = village.auth.user(login)!;
  const s = await signIn(village.url, login, password);
  return clientFor(village.url, { login, role: u.role, password, ...s });
}

const passwords = new WeakMap<object, Map<string, string>>();

/** Keeps the password of a user a test made itself, so signedIn() can sign them in. */
export function rememberPassword(auth: object, login: string, password: string): void {
  if (!passwords.has(auth)) passwords.set(auth, new Map());
  passwords.get(auth)!.set(login, password);
}

/** The password a test user was made with (for browser sign-in). */
export function passwordOf(village: Village, login: string): string {
  const p = passwords.get(village.auth)?.get(login);
  if (!p) throw new Error(`no test user ${login}`);
  return p;
}
