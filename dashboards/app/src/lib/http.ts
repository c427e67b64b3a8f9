// JSON requests to the API: the session's CSRF token on every state-changing request, the server's
// clock from its Date header, and leaving for sign-in or setup when a refusal says so. Request and
// response types come from the contract through api.ts; this file only moves bytes.
import type { ErrorBody } from '../../../../controller/api/contract/common.js';
import { go, me, SETUP_URL, signInUrl } from './session.js';

export type { ErrorBody };

/** A refusal or failure, with the server's stable code for the page to translate. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
  get code(): string {
    return this.body.code;
  }
}

/** Milliseconds the server's clock is ahead of ours (only when clearly off: the header has whole seconds). */
let clockSkewMs = 0;

function noteServerDate(res: Response): void {
  const d = Date.parse(res.headers.get('date') ?? '');
  if (Number.isNaN(d)) return;
  const skew = d - Date.now();
  clockSkewMs = Math.abs(skew) > 3000 ? skew : 0;
}

/** Now by the server's clock, for countdowns to instants the server gave. */
export const serverNow = (): number => Date.now() + clockSkewMs;

/** A promise that never settles: the page is leaving, nothing after the await should run. */
const leaving = () => new Promise<never>(() => {});

/**
 * Leaves for sign-in or setup when a refusal says so: no session (401), no admin yet (503
 * setup-required), a temporary password to change first. True when it left.
 */
export function followAuth(status: number, body: Partial<ErrorBody> | null): boolean {
  const code = body?.code;
  if (status === 401 && code !== 'bad-credentials') go(signInUrl(code === 'session-ended' || me.value?.signedIn ? { ended: '1' } : {}));
  else if (status === 503 && code === 'setup-required') go(SETUP_URL);
  else if (status === 403 && code === 'password-change-required') go(signInUrl());
  else return false;
  return true;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** False on the sign-in and setup pages, which read those refusals themselves. */
  follow?: boolean;
  headers?: Record<string, string>;
}

/**
 * A JSON (or FormData) request. Resolves with the body of a 2xx; throws ApiError otherwise, with
 * status 0 and code `unreachable` when the server could not be reached.
 */
export async function request<T>(method: Method, url: string, body?: unknown, o: RequestOptions = {}): Promise<T> {
  const form = body instanceof FormData;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined && !form && { 'content-type': 'application/json' }),
        ...(!SAFE.has(method) && me.value?.csrfToken && { 'x-csrf-token': me.value.csrfToken }),
        ...o.headers,
      },
      ...(body !== undefined && { body: form ? body : JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, { statusCode: 0, error: 'unreachable', code: 'unreachable', message: 'the server could not be reached' });
  }
  noteServerDate(res);
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return data as T;
  const err = (data ?? {}) as Partial<ErrorBody>;
  if (o.follow !== false && followAuth(res.status, err)) return leaving();
  throw new ApiError(res.status, { statusCode: res.status, error: err.error ?? '', code: err.code ?? `http-${res.status}`, message: err.message ?? '', ...err });
}

export const get = <T>(url: string, o?: RequestOptions) => request<T>('GET', url, undefined, o);
