// The sign-in page: login and password, then back to the page the user came from (?next=, a path
// of this site only). A temporary password (a new user, an admin's reset) is changed here before
// anything else; before the first admin exists the page sends to setup.html. Plain ES module, no
// build step.

import { $, applyStatic, codeText, fetchMe, fmtDuration, initLangToggle, markInvalid, request, safeNext, session, setText, showLoadError, showMsg } from './common.js';
import { t } from './i18n.js';

const params = new URLSearchParams(location.search);
const next = safeNext(params.get('next'));

const model = {
  /** 'signin' or 'change', once /api/auth/me has answered. */
  view: '',
  /** Why the user is here (session ended, signed out): a function building a message. */
  note: /** @type {Function | null} */ (null),
  signinError: /** @type {Function | null} */ (null),
  changeError: /** @type {Function | null} */ (null),
  /** Sign-in is refused until then (rate limited), in ms. */
  waitUntil: 0,
  busy: false,
};

const input = (sel) => /** @type {HTMLInputElement} */ ($(sel));
/** Leaves without a history entry: Back does not come to the sign-in form again. */
const leave = (url) => location.replace(url);

/** The fields an error names: "body.password" → "password". */
const fieldsOf = (body) => (Array.isArray(body?.issues) ? body.issues.map((i) => String(i.path ?? '').replace(/^body\./, '')) : []);

/** An API refusal as { kind, title, lines, fields }: our words for its code, else the server's. */
function refusal(title, res) {
  const body = res.body;
  return () => ({
    kind: 'error',
    title: t(title),
    lines: res.status === 0 ? [t('signin.networkError')] : [codeText(body?.code) || String(body?.message ?? t('serverError', { status: res.status }))],
    fields: fieldsOf(body),
  });
}

// ---------------------------------------------------------------- views

function render() {
  applyStatic();
  document.title = `${t(model.view === 'change' ? 'change.title' : 'signin.title')} · ${t('appTitle')}`;
  $('#signin').hidden = model.view !== 'signin';
  $('#change').hidden = model.view !== 'change';
  showMsg($('#signin-note'), model.note);
  const waiting = model.waitUntil > Date.now();
  const submit = /** @type {HTMLButtonElement} */ ($('#s-submit'));
  submit.disabled = model.busy || waiting;
  submit.setAttribute('aria-busy', String(model.busy));
  showMsg($('#signin-error'), model.signinError);
  markInvalid(/** @type {HTMLFormElement} */ ($('#signin-form')), model.signinError);
  const me = session();
  setText($('#change-intro'), t('change.intro', { name: me?.user?.name ?? '' }));
  const change = /** @type {HTMLButtonElement} */ ($('#c-submit'));
  change.disabled = model.busy;
  change.setAttribute('aria-busy', String(model.busy));
  showMsg($('#change-error'), model.changeError);
  markInvalid(/** @type {HTMLFormElement} */ ($('#change-form')), model.changeError);
}

function showSignIn() {
  model.view = 'signin';
  render();
  input('#s-login').focus();
}

/** The change form, with the temporary password just typed filled in as the current one. */
function showChange(current) {
  model.view = 'change';
  input('#c-login').value = session()?.user?.login ?? '';
  if (current) input('#c-current').value = current;
  render();
  (current ? input('#c-new') : input('#c-current')).focus();
}

// ---------------------------------------------------------------- sign-in

let waitTimer = 0;

/** Rate limited: the wait counts down in the message, and the button comes back after it. */
function rateLimited(seconds) {
  model.waitUntil = Date.now() + seconds * 1000;
  model.signinError = () => ({
    kind: 'error',
    title: t('signin.failed'),
    lines: [t('signin.rateLimited', { wait: fmtDuration(Math.max(1, Math.ceil((model.waitUntil - Date.now()) / 1000))) })],
  });
  clearInterval(waitTimer);
  waitTimer = window.setInterval(() => {
    if (Date.now() >= model.waitUntil) {
      clearInterval(waitTimer);
      model.signinError = null;
    }
    render();
  }, 1000);
}

async function signIn() {
  if (model.busy || model.waitUntil > Date.now()) return;
  const login = input('#s-login').value.trim();
  const password = input('#s-password').value;
  if (!login || !password) {
    const fields = [!login && 'login', !password && 'password'].filter(Boolean);
    model.signinError = () => ({ kind: 'error', title: t('signin.failed'), lines: [t('signin.fill')], fields });
    render();
    return;
  }
  model.busy = true;
  model.signinError = null;
  render();
  const res = await request('POST', '/api/auth/sign-in', { login, password }, { follow: false });
  model.busy = false;
  if (res.ok) {
    model.note = null;
    // The session's CSRF token and who it is, as every other page reads them.
    await fetchMe();
    if (res.body?.user?.mustChange) showChange(password);
    else leave(next);
    return;
  }
  if (res.status === 503 && res.body?.code === 'setup-required') return leave('setup.html');
  if (res.status === 429) rateLimited(Number(res.body?.retryAfterS) || 60);
  else model.signinError = refusal('signin.failed', res);
  input('#s-password').value = '';
  render();
  input('#s-password').focus();
}

// ---------------------------------------------------------------- change of a temporary password

async function changePassword() {
  if (model.busy) return;
  const current = input('#c-current').value;
  const password = input('#c-new').value;
  if (password !== input('#c-again').value) {
    model.changeError = () => ({ kind: 'error', title: t('change.failed'), lines: [t('pw.mismatch')], fields: ['again'] });
    render();
    return;
  }
  model.busy = true;
  model.changeError = null;
  render();
  const res = await request('POST', '/api/auth/password', { current, password }, { follow: false });
  model.busy = false;
  if (res.ok) return leave(next);
  if (res.status === 401) {
    // The session ended meanwhile: sign in again (with the temporary password).
    model.note = () => ({ kind: 'error', title: t('signin.ended'), lines: [] });
    showSignIn();
    return;
  }
  model.changeError = refusal('change.failed', res);
  render();
}

async function signOut() {
  await request('POST', '/api/auth/sign-out', undefined, { follow: false });
  await fetchMe();
  for (const sel of ['#c-current', '#c-new', '#c-again', '#s-password']) input(sel).value = '';
  model.changeError = null;
  model.note = () => ({ kind: 'ok', title: t('signin.out'), lines: [] });
  showSignIn();
}

// ---------------------------------------------------------------- boot

async function start() {
  const me = await fetchMe();
  if (!me) {
    showLoadError(() => location.reload());
    return;
  }
  if (me.setupRequired) return leave('setup.html');
  if (me.signedIn && me.user && !me.user.mustChange) return leave(next);
  if (me.signedIn && me.user?.mustChange) return showChange('');
  if (params.get('ended')) model.note = () => ({ kind: 'error', title: t('signin.ended'), lines: [] });
  else if (params.get('out')) model.note = () => ({ kind: 'ok', title: t('signin.out'), lines: [] });
  showSignIn();
}

function init() {
  initLangToggle(render);
  $('#signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn();
  });
  $('#change-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void changePassword();
  });
  $('#c-show').addEventListener('change', () => {
    const type = input('#c-show').checked ? 'text' : 'password';
    for (const sel of ['#c-current', '#c-new', '#c-again']) input(sel).type = type;
  });
  $('#c-out').addEventListener('click', () => void signOut());
  for (const sel of ['#s-login', '#s-password', '#c-current', '#c-new', '#c-again']) input(sel).addEventListener('input', (e) => /** @type {HTMLElement} */ (e.target).removeAttribute('aria-invalid'));
  void start();
}

init();
