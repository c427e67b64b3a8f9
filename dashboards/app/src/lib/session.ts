// Who is signed in (GET /api/auth/me), where to go without a session, and what the role may do.
// The server decides every request; `can` only hides what would be refused.
import { signal } from '@preact/signals';
import type { Me } from '../../../../controller/api/contract/auth.js';
import type { Action, PersonRole, Role } from '../../../../controller/auth/policy.js';

export type { Action, Me, PersonRole, Role };

/** /api/auth/me as the page last read it. */
export const me = signal<Me | null>(null);

/** Whether the role may take the action at all (a farmer: in their zones). */
export const can = (action: Action): boolean => !!me.value?.can?.[action];

export function go(url: string): void {
  location.assign(url);
}

/**
 * This page's old address: a page of the app under /app/ is also served at its old path (the
 * server redirects it), which is the one people bookmark and `next` carries.
 */
export const pageAddress = (path: string): string => path.replace(/^\/app(?=\/)/, '') || '/';

/** The sign-in page, coming back here afterwards. */
export function signInUrl(extra: Record<string, string> = {}): string {
  return `/signin.html?${new URLSearchParams({ next: pageAddress(location.pathname) + location.search, ...extra })}`;
}

export const SETUP_URL = '/setup.html';

/**
 * Where each role starts when sign-in was not asked by a page (no `next`): the page of its daily
 * work. An admin lands on the users page right after the first-run setup (to add the village's
 * people), else on the devices like everyone else.
 */
export function landingFor(role: Role, o: { afterSetup?: boolean; home?: string | undefined } = {}): string {
  // A province starts everyone on its page (Me.home); an admin after setup still adds people first.
  if (o.home && !o.afterSetup) return o.home;
  switch (role) {
    case 'farmer':
      return '/irrigation.html';
    case 'operator':
      return '/lighting.html';
    // The commune's indicators; the approvals are a tap away on the radio page.
    case 'official':
      return '/overview.html';
    case 'admin':
      return o.afterSetup ? '/admin.html' : '/';
    case 'viewer':
      return '/';
    // A commune's push token never signs in; listed so a new role fails here until placed.
    case 'commune':
      return '/';
  }
}

/**
 * Where to go after signing in: a path of this site only, never another origin ("//evil.example",
 * "https:…") nor the sign-in and setup pages themselves; else `fallback`.
 */
export function safeNext(raw: string | null, fallback = '/'): string {
  if (!raw || !/^\/(?![/\\])/.test(raw)) return fallback;
  let u: URL;
  try {
    u = new URL(raw, location.origin);
  } catch {
    return fallback;
  }
  if (u.origin !== location.origin || /\/(signin|setup)\.html$/.test(u.pathname)) return fallback;
  return u.pathname + u.search + u.hash;
}

/** Reads /api/auth/me (public: never a 401). Null when the server could not be reached. */
export async function fetchMe(): Promise<Me | null> {
  try {
    const res = await fetch('/api/auth/me', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) return null;
    me.value = (await res.json()) as Me;
    return me.value;
  } catch {
    return null;
  }
}
