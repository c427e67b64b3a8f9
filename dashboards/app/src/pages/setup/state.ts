// First run: with the setup code printed on the server's console, create the first administrator,
// who is then signed in and lands on the admin page to add the village's users. Once an admin
// exists the page only points to sign-in (or, signed in, to the devices).
import { signal } from '@preact/signals';
import { FormError } from '../../components/formError.js';
import type { MessageFn } from '../../components/Msg.js';
import { showLoadError, showNotice } from '../../components/Shell.js';
import { ApiError } from '../../lib/http.js';
import { codeText, t, type Key } from '../../lib/i18n.js';
import { fetchMe, landingFor } from '../../lib/session.js';
import { setupApi } from './api.js';

export type Phase = 'loading' | 'form' | 'done';
export const phase = signal<Phase>('loading');
export const error = new FormError();
export const busy = signal(false);
export const form = { code: signal(''), login: signal(''), name: signal(''), password: signal(''), again: signal('') };

/** Words for the fields an error names. */
const LABELS: Record<string, Key> = { code: 'setup.code', login: 'setup.login', name: 'setup.name', password: 'change.new' };
const fieldOf = (path: string) => path.replace(/^body\./, '');
const fieldLabel = (field: string): string => {
  const k = LABELS[field];
  return k ? t(k) : field;
};

/** Setup is done (here or elsewhere): nothing to do but go and sign in. */
function done(): void {
  phase.value = 'done';
  showNotice(() => t('err.setup-done'), { href: '/signin.html', text: 'setup.toSignIn', testid: 'to-signin' });
}

function refusal(err: unknown): MessageFn {
  return () => {
    if (!(err instanceof ApiError)) return { kind: 'error', title: t('setup.failed'), lines: [String(err)] };
    const issues = err.body.issues ?? [];
    let lines: string[];
    if (err.status === 0) lines = [t('signin.networkError')];
    // Field by field in the server's words (a login's pattern, an empty name).
    else if (err.code === 'invalid' && issues.length) lines = issues.map((i) => `${fieldLabel(fieldOf(i.path))}: ${i.message}`);
    else lines = [codeText(err.code) || err.body.message || t('serverError', { status: err.status })];
    const fields = [...issues.map((i) => fieldOf(i.path)), ...(err.code.startsWith('setup-code') ? ['code'] : [])];
    return { kind: 'error', title: t('setup.failed'), lines, fields };
  };
}

export async function submit(): Promise<void> {
  if (busy.value) return;
  if (form.password.value !== form.again.value) {
    error.set(() => ({ kind: 'error', title: t('setup.failed'), lines: [t('pw.mismatch')], fields: ['again'] }));
    return;
  }
  busy.value = true;
  error.set(null);
  try {
    await setupApi.setup({ code: form.code.value.trim(), login: form.login.value.trim().toLowerCase(), name: form.name.value.trim(), password: form.password.value });
    location.replace(landingFor('admin', { afterSetup: true }));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'setup-done') done();
    else error.set(refusal(err));
  } finally {
    busy.value = false;
  }
}

export async function start(): Promise<void> {
  const m = await fetchMe();
  if (!m) return showLoadError(() => location.reload());
  if (!m.setupRequired) {
    if (m.signedIn && m.user) location.replace(landingFor(m.user.role, { home: m.home }));
    else done();
    return;
  }
  phase.value = 'form';
  requestAnimationFrame(() => document.getElementById('u-code')?.focus());
}
