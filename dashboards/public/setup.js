// The first-run page: with the setup code printed on the server's console, create the first
// administrator, who is then signed in and lands on the admin page to add the village's users.
// Once an admin exists the page only points to sign-in. Plain ES module, no build step.

import { $, applyStatic, codeText, fetchMe, h, initLangToggle, markInvalid, request, setText, showLoadError, showMsg } from './common.js';
import { t } from './i18n.js';

const model = {
  error: /** @type {Function | null} */ (null),
  busy: false,
  /** An admin exists: the page only points to sign-in. */
  done: false,
};

const input = (sel) => /** @type {HTMLInputElement} */ ($(sel));

/** Words for the fields an error names ("body.login" → the login's label). */
const LABELS = { code: 'setup.code', login: 'setup.login', name: 'setup.name', password: 'change.new' };
const fieldOf = (path) => String(path ?? '').replace(/^body\./, '');

function render() {
  applyStatic();
  document.title = `${t('setup.title')} · ${t('appTitle')}`;
  $('#setup').hidden = model.done;
  if (model.done) {
    const link = h('a', { href: 'signin.html', class: 'btn btn-light link-btn', 'data-testid': 'to-signin' }, t('setup.toSignIn'));
    $('#notice').replaceChildren(h('span', { text: `${t('err.setup-done')} ` }), link);
  }
  const submit = /** @type {HTMLButtonElement} */ ($('#u-submit'));
  submit.disabled = model.busy;
  submit.setAttribute('aria-busy', String(model.busy));
  showMsg($('#setup-error'), model.error);
  markInvalid(/** @type {HTMLFormElement} */ ($('#setup-form')), model.error);
}

/** Setup is done (here or elsewhere): nothing to do on this page but go and sign in. */
function done() {
  model.done = true;
  render();
}

async function submit() {
  if (model.busy) return;
  const body = { code: input('#u-code').value.trim(), login: input('#u-login').value.trim().toLowerCase(), name: input('#u-name').value.trim(), password: input('#u-password').value };
  if (body.password !== input('#u-again').value) {
    model.error = () => ({ kind: 'error', title: t('setup.failed'), lines: [t('pw.mismatch')], fields: ['again'] });
    render();
    return;
  }
  model.busy = true;
  model.error = null;
  render();
  const res = await request('POST', '/api/setup', body, { follow: false });
  model.busy = false;
  if (res.ok) {
    location.replace('admin.html');
    return;
  }
  if (res.body?.code === 'setup-done') {
    done();
    return;
  }
  const b = res.body;
  const issues = Array.isArray(b?.issues) ? b.issues : [];
  model.error = () => {
    let lines;
    if (res.status === 0) lines = [t('signin.networkError')];
    // Field by field in the server's words (a login's pattern, an empty name).
    else if (b?.code === 'invalid' && issues.length) lines = issues.map((i) => `${LABELS[fieldOf(i.path)] ? t(LABELS[fieldOf(i.path)]) : fieldOf(i.path)}: ${i.message}`);
    else lines = [codeText(b?.code) || String(b?.message ?? t('serverError', { status: res.status }))];
    return { kind: 'error', title: t('setup.failed'), lines, fields: [...issues.map((i) => fieldOf(i.path)), ...(/^setup-code/.test(b?.code ?? '') ? ['code'] : [])] };
  };
  render();
}

async function start() {
  const me = await fetchMe();
  if (!me) {
    showLoadError(() => location.reload());
    return;
  }
  if (!me.setupRequired) {
    if (me.signedIn) location.replace('./');
    else done();
    return;
  }
  $('#setup').hidden = false;
  setText($('#notice'), '');
  render();
  input('#u-code').focus();
}

function init() {
  initLangToggle(render);
  $('#setup-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  $('#u-show').addEventListener('change', () => {
    const type = input('#u-show').checked ? 'text' : 'password';
    for (const sel of ['#u-password', '#u-again']) input(sel).type = type;
  });
  for (const el of document.querySelectorAll('#setup-form input')) el.addEventListener('input', () => el.removeAttribute('aria-invalid'));
  void start();
}

init();
