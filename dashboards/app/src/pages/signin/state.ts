// The sign-in page's state and steps: sign in, then (a temporary password) change it before
// anything else, then leave for `next` or the role's landing page. Before the first admin exists
// the page sends to setup.
import { batch, signal } from '@preact/signals';
import { FormError } from '../../components/formError.js';
import type { MessageFn } from '../../components/Msg.js';
import { showLoadError } from '../../components/Shell.js';
import { fmtDuration } from '../../lib/format.js';
import { ApiError } from '../../lib/http.js';
import { codeText, t, type Key } from '../../lib/i18n.js';
import { fetchMe, landingFor, me, safeNext, SETUP_URL, type Role } from '../../lib/session.js';
import { signInApi } from './api.js';

const params = new URLSearchParams(location.search);

export type View = 'loading' | 'signin' | 'change';
export const view = signal<View>('loading');
/** Why the reader is here (session ended, signed out), above the form. */
export const note = signal<MessageFn | null>(null);
export const signinError = new FormError();
export const changeError = new FormError();
export const busy = signal(false);
/** Sign-in is refused until then (rate limited), ms; `now` ticks while it counts down. */
export const waitUntil = signal(0);
export const now = signal(Date.now());

export const form = {
  login: signal(''),
  password: signal(''),
  current: signal(''),
  fresh: signal(''),
  again: signal(''),
};

/** Leaves without a history entry: Back does not come to the sign-in form again. */
const leave = (url: string): void => location.replace(url);
/** Where the reader goes once signed in: the page that sent them, else their role's page. */
const destination = (role: Role): string => safeNext(params.get('next'), landingFor(role, { home: me.value?.home }));

/** Focuses an input once the view that holds it is drawn. */
const focus = (id: string): void => void requestAnimationFrame(() => document.getElementById(id)?.focus());

/** A refusal in our words for its code, else the server's; the inputs its issues name. */
function refusal(title: Key, err: unknown): MessageFn {
  return () => {
    if (!(err instanceof ApiError)) return { kind: 'error', title: t(title), lines: [String(err)] };
    const fields = (err.body.issues ?? []).map((i) => i.path.replace(/^body\./, ''));
    const why = err.status === 0 ? t('signin.networkError') : codeText(err.code) || err.body.message || t('serverError', { status: err.status });
    return { kind: 'error', title: t(title), lines: [why], fields };
  };
}

const simple = (kind: 'ok' | 'error', key: Key): MessageFn => () => ({ kind, title: t(key) });

function showSignIn(): void {
  view.value = 'signin';
  focus('s-login');
}

/** The change form, with the temporary password just typed as the current one. */
function showChange(current: string): void {
  batch(() => {
    form.current.value = current;
    view.value = 'change';
  });
  focus(current ? 'c-new' : 'c-current');
}

let waitTimer = 0;

/** Rate limited: the wait counts down in the message; the button comes back after it. */
function rateLimited(seconds: number): void {
  waitUntil.value = Date.now() + seconds * 1000;
  now.value = Date.now();
  signinError.set(() => ({
    kind: 'error',
    title: t('signin.failed'),
    lines: [t('signin.rateLimited', { wait: fmtDuration(Math.max(1, Math.ceil((waitUntil.value - now.value) / 1000))) })],
  }));
  clearInterval(waitTimer);
  waitTimer = window.setInterval(() => {
    now.value = Date.now();
    if (now.value < waitUntil.value) return;
    clearInterval(waitTimer);
    signinError.set(null);
  }, 1000);
}

export async function signIn(): Promise<void> {
  if (busy.value || waitUntil.value > Date.now()) return;
  const login = form.login.value.trim();
  const password = form.password.value;
  if (!login || !password) {
    const fields = [...(login ? [] : ['login']), ...(password ? [] : ['password'])];
    signinError.set(() => ({ kind: 'error', title: t('signin.failed'), lines: [t('signin.fill')], fields }));
    return;
  }
  busy.value = true;
  signinError.set(null);
  try {
    const signed = await signInApi.signIn({ login, password });
    note.value = null;
    // The session's CSRF token and who it is, for the password change.
    await fetchMe();
    if (signed.user?.mustChange) return showChange(password);
    return leave(destination(signed.user?.role ?? 'viewer'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 503 && err.code === 'setup-required') return leave(SETUP_URL);
    if (err instanceof ApiError && err.status === 429) rateLimited(Number(err.body.retryAfterS) || 60);
    else signinError.set(refusal('signin.failed', err));
    form.password.value = '';
    focus('s-password');
  } finally {
    busy.value = false;
  }
}

export async function changePassword(): Promise<void> {
  if (busy.value) return;
  if (form.fresh.value !== form.again.value) {
    changeError.set(() => ({ kind: 'error', title: t('change.failed'), lines: [t('pw.mismatch')], fields: ['again'] }));
    return;
  }
  busy.value = true;
  changeError.set(null);
  try {
    await signInApi.changePassword({ current: form.current.value, password: form.fresh.value });
    return leave(destination(me.value?.user?.role ?? 'viewer'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      // The session ended meanwhile: sign in again (with the temporary password).
      note.value = simple('error', 'signin.ended');
      return showSignIn();
    }
    changeError.set(refusal('change.failed', err));
  } finally {
    busy.value = false;
  }
}

/** "Not you?": ends the session and shows the sign-in form, emptied. */
export async function signOut(): Promise<void> {
  try {
    await signInApi.signOut();
  } catch {
    // Already ended: signed out as well.
  }
  await fetchMe();
  batch(() => {
    for (const f of [form.current, form.fresh, form.again, form.password]) f.value = '';
    changeError.set(null);
    note.value = simple('ok', 'signin.out');
  });
  showSignIn();
}

export async function start(): Promise<void> {
  const m = await fetchMe();
  if (!m) return showLoadError(() => location.reload());
  if (m.setupRequired) return leave(SETUP_URL);
  if (m.signedIn && m.user && !m.user.mustChange) return leave(destination(m.user.role));
  if (m.signedIn && m.user?.mustChange) return showChange('');
  if (params.get('ended')) note.value = simple('error', 'signin.ended');
  else if (params.get('out')) note.value = simple('ok', 'signin.out');
  showSignIn();
}
