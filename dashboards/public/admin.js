// The admin page: the village's users (role, a farmer's zones, state, sessions) and API tokens.
// Add a user with a password or a generated temporary one, change a role or zones, disable and
// enable, reset a password, make and revoke tokens. A temporary password or a token is shown once,
// right where it was made, until the admin closes it; it is never fetched again. Plain ES module,
// no build step.
//
// Data: /api/site (the zones a farmer may be given), /api/users, /api/tokens.

import { $, applyStatic, can, codeText, fmtTime, getJson, h, initLangToggle, initSession, markInvalid, request, session, setText, showLoadError, showMsg } from './common.js';
import { t } from './i18n.js';

const ROLES = ['admin', 'official', 'operator', 'farmer', 'viewer'];
const OK_SHOWN_MS = 8000;

const model = {
  site: /** @type {any} */ ({}),
  zones: /** @type {any[]} */ ([]),
  users: /** @type {any[]} */ ([]),
  tokens: /** @type {any[]} */ ([]),
  /** Users being edited, as typed: login → { name, role, zones: Set }. */
  editing: /** @type {Map<string, any>} */ (new Map()),
  /** An action's error, in the user's or token's own item, by `user:<login>` / `token:<id>`. */
  itemErrors: /** @type {Map<string, Function>} */ (new Map()),
  /** What was shown once: `user:<login>`, `add`, `token` → { kind, title, value }. Never stored elsewhere. */
  secrets: /** @type {Map<string, any>} */ (new Map()),
  addError: /** @type {Function | null} */ (null),
  tokenError: /** @type {Function | null} */ (null),
  usersMsg: /** @type {Function | null} */ (null),
  tokensMsg: /** @type {Function | null} */ (null),
  busy: /** @type {Set<string>} */ (new Set()),
};

// ---------------------------------------------------------------- words

const roleText = (r) => t(`role.${r}`);
const zoneName = (id) => model.zones.find((z) => z.id === id)?.name ?? id;
const zonesText = (zones) => (zones?.length ? zones.map(zoneName).join(', ') : t('admin.noZone'));
const PATH_LABELS = { login: 'admin.f.login', name: 'admin.f.name', role: 'admin.f.role', zones: 'admin.f.zones', password: 'admin.f.password' };
const fieldOf = (path) => String(path ?? '').replace(/^(body|params)\./, '');

/** A failed request as { kind, title, lines, fields }: our words for the code, else the server's. */
function apiError(res) {
  const b = res.body;
  const issues = Array.isArray(b?.issues) ? b.issues : [];
  return () => {
    if (res.status === 0) return { kind: 'error', title: t('irr.err.network'), lines: [] };
    const code = b?.code;
    const message = b?.message ? String(b.message) : t('serverError', { status: res.status });
    if (code === 'invalid') {
      const lines = issues.length ? issues.map((i) => `${PATH_LABELS[fieldOf(i.path).split('.')[0]] ? t(PATH_LABELS[fieldOf(i.path).split('.')[0]]) : fieldOf(i.path)}: ${i.message}`) : [message];
      return { kind: 'error', title: t('err.invalid'), lines, fields: issues.map((i) => fieldOf(i.path)) };
    }
    // "Không được phép:" and the like are titles; the others are whole sentences.
    if (code === 'forbidden' || code === 'not-found' || code === 'unknown-zone') return { kind: 'error', title: codeText(code), lines: [message], fields: issues.map((i) => fieldOf(i.path)) };
    return { kind: 'error', title: t('admin.failed'), lines: [codeText(code) || message], fields: issues.map((i) => fieldOf(i.path)) };
  };
}

const okMsg = (fn) => () => ({ kind: 'ok', title: fn(), lines: [] });

/** A section's success note, gone by itself after a while. */
function flash(key, fn) {
  model[key] = fn;
  renderMsgs();
  setTimeout(() => {
    if (model[key] !== fn) return;
    model[key] = null;
    renderMsgs();
  }, OK_SHOWN_MS);
}

function renderMsgs() {
  showMsg($('#users-msg'), model.usersMsg);
  showMsg($('#tokens-msg'), model.tokensMsg);
}

// ---------------------------------------------------------------- shared controls

function roleOptions(sel, value) {
  // A reset form comes back to the least of the roles.
  sel.replaceChildren(...ROLES.map((r) => h('option', { value: r, text: roleText(r), selected: r === 'viewer' })));
  sel.value = value;
}

/** Zone checkboxes from the site's zones; `chosen` follows the ticks. Only a farmer has zones. */
function zonePicks(host, idBase, chosen, testid) {
  const legend = host.querySelector('legend');
  const boxes = model.zones.map((z) => {
    const id = `${idBase}-${z.id}`;
    const cb = h('input', { id, type: 'checkbox', value: z.id, 'data-testid': `${testid}-${z.id}` });
    cb.checked = chosen.has(z.id);
    cb.addEventListener('change', () => {
      if (cb.checked) chosen.add(z.id);
      else chosen.delete(z.id);
      host.removeAttribute('aria-invalid');
    });
    return h('div', { class: 'field check' }, cb, h('label', { for: id, text: z.name }));
  });
  host.replaceChildren(...(legend ? [legend] : []), ...boxes, h('small', { class: 'hint', text: t('admin.f.zonesHint') }));
}

/**
 * A password or token shown once: the value, a copy button (the clipboard where the browser
 * allows it, else the text is selected for the reader to copy), and a close button that drops it.
 */
function secretBox(key) {
  const s = model.secrets.get(key);
  if (!s) return null;
  const value = h('code', { class: 'secret-value', 'data-testid': 'secret-value', text: s.value });
  const status = h('p', { class: 'note', role: 'status', 'data-testid': 'secret-copied' });
  const copy = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'secret-copy' }, t('admin.copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(s.value);
      setText(status, t('admin.copied'));
    } catch {
      // No clipboard on a plain-HTTP LAN: select it for Ctrl+C or a long press.
      getSelection()?.selectAllChildren(value);
      setText(status, t('admin.copySelect'));
    }
  });
  const close = h('button', { type: 'button', class: 'btn btn-light btn-small', 'data-testid': 'secret-dismiss' }, t('admin.dismiss'));
  close.addEventListener('click', () => {
    model.secrets.delete(key);
    renderAll();
  });
  return h(
    'div',
    { class: 'secret', 'data-testid': 'secret', 'data-kind': s.kind },
    h('p', {}, h('strong', { text: s.title() })),
    value,
    h('p', { class: 'hint', text: t('admin.secret.once') }),
    s.kind === 'token' ? h('p', { class: 'hint', text: t('admin.secret.tokenHint') }) : null,
    h('div', { class: 'btn-row' }, copy, close),
    status,
  );
}

function button(text, cls, testid, onClick, busy) {
  const b = h('button', { type: 'button', class: `btn btn-small ${cls}`, 'data-testid': testid, disabled: busy }, text);
  b.addEventListener('click', onClick);
  return b;
}

// ---------------------------------------------------------------- users

async function loadUsers() {
  model.users = await getJson('/api/users');
}

async function loadTokens() {
  model.tokens = await getJson('/api/tokens');
}

function renderUsers() {
  const list = $('#user-list');
  const users = [...model.users].sort((a, b) => a.login.localeCompare(b.login));
  if (!users.length) {
    list.replaceChildren(h('li', { class: 'empty', text: t('admin.noUsers') }));
    return;
  }
  list.replaceChildren(...users.map(userItem));
}

function userItem(u) {
  const key = `user:${u.login}`;
  const busy = model.busy.has(key);
  const me = session()?.user?.login === u.login;
  const editing = model.editing.get(u.login);
  const err = h('div', { class: 'cmd-error item-error', role: 'alert', 'data-testid': 'item-error' });
  showMsg(err, model.itemErrors.get(key));
  const actions = h(
    'div',
    { class: 'btn-row item-actions' },
    editing ? null : button(t('admin.edit'), 'btn-light', 'user-edit', () => startEdit(u)),
    u.state === 'active'
      ? button(t('admin.disable'), 'btn-danger', 'user-disable', () => void setState(u, 'disabled'), busy)
      : button(t('admin.enable'), 'btn-light', 'user-enable', () => void setState(u, 'active'), busy),
    button(t('admin.reset'), 'btn-light', 'user-reset', () => void resetPassword(u), busy),
  );
  return h(
    'li',
    { class: 'person', 'data-login': u.login, 'data-role': u.role, 'data-state': u.state, 'data-testid': 'user' },
    h(
      'div',
      { class: 'item-head' },
      h('h3', { class: 'item-title' }, h('span', { 'data-testid': 'user-name', text: u.name }), ' ', h('code', { class: 'muted', text: u.login }), me ? ` ${t('admin.you')}` : ''),
      h(
        'div',
        { class: 'chips' },
        h('span', { class: 'badge role', 'data-testid': 'user-role', text: roleText(u.role) }),
        h('span', { class: `badge state-${u.state}`, 'data-testid': 'user-state', text: t(`admin.state.${u.state}`) }),
        u.mustChange ? h('span', { class: 'badge must-change', 'data-testid': 'user-must-change', text: t('admin.mustChange') }) : null,
      ),
    ),
    h(
      'p',
      { class: 'item-meta' },
      u.role === 'farmer' ? h('span', { 'data-testid': 'user-zones', text: t('admin.zonesOf', { list: zonesText(u.zones) }) }) : null,
      u.role === 'farmer' ? ' · ' : null,
      h('span', { 'data-testid': 'user-sessions', 'data-sessions': u.sessions, text: t('admin.sessions', { n: u.sessions }) }),
    ),
    editing ? editForm(u, editing) : null,
    actions,
    err,
    secretBox(key),
  );
}

function startEdit(u) {
  model.editing.set(u.login, { name: u.name, role: u.role, zones: new Set(u.zones) });
  model.itemErrors.delete(`user:${u.login}`);
  renderUsers();
  /** @type {HTMLElement | null} */ (document.getElementById(`e-name-${u.login}`))?.focus();
}

function editForm(u, d) {
  const base = `e-${u.login}`;
  const name = h('input', { id: `e-name-${u.login}`, type: 'text', maxlength: 120, value: d.name, 'data-path': 'name', 'data-testid': 'edit-name' });
  name.addEventListener('input', () => (d.name = /** @type {HTMLInputElement} */ (name).value));
  const role = h('select', { id: `${base}-role`, 'data-path': 'role', 'data-testid': 'edit-role' });
  roleOptions(role, d.role);
  const zones = h('fieldset', { class: 'fs zone-picks', 'data-path': 'zones', 'data-testid': 'edit-zones' }, h('legend', { text: t('admin.f.zones') }));
  zonePicks(zones, `${base}-z`, d.zones, 'edit-zone');
  zones.hidden = d.role !== 'farmer';
  role.addEventListener('change', () => {
    d.role = /** @type {HTMLSelectElement} */ (role).value;
    zones.hidden = d.role !== 'farmer';
  });
  const busy = model.busy.has(`user:${u.login}`);
  const save = h('button', { type: 'submit', class: 'btn btn-small', 'data-testid': 'edit-save', disabled: busy }, t('admin.save'));
  const cancel = button(t('admin.cancel'), 'btn-light', 'edit-cancel', () => {
    model.editing.delete(u.login);
    model.itemErrors.delete(`user:${u.login}`);
    renderUsers();
  });
  const form = h(
    'form',
    { class: 'cmd-form user-edit', novalidate: true, 'data-testid': 'edit-form', 'aria-label': t('admin.editTitle', { name: u.name }) },
    h(
      'div',
      { class: 'fields' },
      h('div', { class: 'field grow' }, h('label', { for: `e-name-${u.login}`, text: t('admin.f.name') }), name),
      h('div', { class: 'field' }, h('label', { for: `${base}-role`, text: t('admin.f.role') }), role),
      zones,
      h('small', { class: 'hint', text: t('admin.editNote') }),
    ),
    h('div', { class: 'btn-row' }, save, cancel),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void saveEdit(u, d);
  });
  markInvalid(form, model.itemErrors.get(`user:${u.login}`));
  return form;
}

/** One change to a user; its error shows in the user's item, its success above the list. */
async function userAction(u, run, done) {
  const key = `user:${u.login}`;
  if (model.busy.has(key)) return;
  model.busy.add(key);
  model.itemErrors.delete(key);
  renderUsers();
  const res = await run();
  model.busy.delete(key);
  if (res.ok) {
    done(res.body);
    try {
      await loadUsers();
    } catch {
      // the list stays as it was; the next action reloads it
    }
  } else model.itemErrors.set(key, apiError(res));
  renderUsers();
}

async function saveEdit(u, d) {
  const body = { name: d.name.trim(), role: d.role, zones: d.role === 'farmer' ? [...d.zones] : [] };
  await userAction(
    u,
    () => request('PATCH', `/api/users/${encodeURIComponent(u.login)}`, body),
    (saved) => {
      model.editing.delete(u.login);
      flash('usersMsg', okMsg(() => t('admin.saved', { name: saved.name })));
    },
  );
}

async function setState(u, state) {
  if (state === 'disabled' && !window.confirm(t('admin.confirmDisable', { name: u.name }))) return;
  await userAction(
    u,
    () => request('PATCH', `/api/users/${encodeURIComponent(u.login)}`, { state }),
    (saved) => flash('usersMsg', okMsg(() => t(state === 'disabled' ? 'admin.disabledOk' : 'admin.enabledOk', { name: saved.name }))),
  );
}

async function resetPassword(u) {
  if (!window.confirm(t('admin.confirmReset', { name: u.name }))) return;
  await userAction(
    u,
    () => request('POST', `/api/users/${encodeURIComponent(u.login)}/reset-password`),
    (r) => model.secrets.set(`user:${u.login}`, { kind: 'password', title: () => t('admin.secret.password', { login: u.login }), value: r.temporaryPassword }),
  );
}

// ---------------------------------------------------------------- add a user

const addZones = new Set();

function renderAdd() {
  const role = /** @type {HTMLSelectElement} */ ($('#a-role'));
  roleOptions(role, role.value || 'viewer');
  zonePicks($('#a-zones'), 'a-zone', addZones, 'add-zone');
  $('#a-zones').hidden = role.value !== 'farmer';
  showMsg($('#add-error'), model.addError);
  markInvalid(/** @type {HTMLFormElement} */ ($('#add-form')), model.addError);
  $('#add-secret').replaceChildren(secretBox('add') ?? '');
}

async function addUser() {
  if (model.busy.has('add')) return;
  const val = (sel) => /** @type {HTMLInputElement} */ ($(sel)).value;
  const role = val('#a-role');
  const password = val('#a-password');
  const body = { login: val('#a-login').trim().toLowerCase(), name: val('#a-name').trim(), role, zones: role === 'farmer' ? [...addZones] : [], ...(password && { password }) };
  model.busy.add('add');
  model.addError = null;
  model.secrets.delete('add');
  renderAdd();
  const res = await request('POST', '/api/users', body);
  model.busy.delete('add');
  if (!res.ok) {
    model.addError = apiError(res);
    renderAdd();
    return;
  }
  const u = res.body;
  if (u.temporaryPassword) model.secrets.set('add', { kind: 'password', title: () => t('admin.secret.password', { login: u.login }), value: u.temporaryPassword });
  /** @type {HTMLFormElement} */ ($('#add-form')).reset();
  addZones.clear();
  flash('usersMsg', okMsg(() => t('admin.added', { name: u.name })));
  try {
    await loadUsers();
  } catch {
    // shown at the next load
  }
  renderAll();
}

// ---------------------------------------------------------------- API tokens

const tokenZones = new Set();

function renderTokens() {
  const list = $('#token-list');
  const tokens = [...model.tokens].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || String(b.createdAt).localeCompare(String(a.createdAt)));
  list.replaceChildren(...(tokens.length ? tokens.map(tokenItem) : [h('li', { class: 'empty', text: t('admin.noTokens') })]));
  const role = /** @type {HTMLSelectElement} */ ($('#k-role'));
  roleOptions(role, role.value || 'viewer');
  zonePicks($('#k-zones'), 'k-zone', tokenZones, 'token-zone');
  $('#k-zones').hidden = role.value !== 'farmer';
  showMsg($('#token-error'), model.tokenError);
  markInvalid(/** @type {HTMLFormElement} */ ($('#token-form')), model.tokenError);
  $('#token-secret').replaceChildren(secretBox('token') ?? '');
}

function tokenItem(k) {
  const key = `token:${k.id}`;
  const revoked = k.revokedAt !== null;
  const err = h('div', { class: 'cmd-error item-error', role: 'alert', 'data-testid': 'item-error' });
  showMsg(err, model.itemErrors.get(key));
  return h(
    'li',
    { class: 'person', 'data-token-id': k.id, 'data-revoked': String(revoked), 'data-testid': 'token' },
    h(
      'div',
      { class: 'item-head' },
      h('h3', { class: 'item-title' }, h('span', { text: k.name }), ' ', h('code', { class: 'muted', text: k.id })),
      h(
        'div',
        { class: 'chips' },
        h('span', { class: 'badge role', text: roleText(k.role) }),
        h('span', { class: `badge ${revoked ? 'state-disabled' : 'state-active'}`, 'data-testid': 'token-state', text: revoked ? t('admin.t.revokedAt', { time: fmtTime(k.revokedAt) }) : t('admin.t.active') }),
      ),
    ),
    h(
      'p',
      { class: 'item-meta' },
      k.role === 'farmer' ? `${t('admin.zonesOf', { list: zonesText(k.zones) })} · ` : '',
      t('admin.t.created', { who: k.createdBy, time: fmtTime(k.createdAt) }),
      ' · ',
      k.lastUsedAt ? t('admin.t.lastUsed', { time: fmtTime(k.lastUsedAt) }) : t('admin.t.neverUsed'),
    ),
    revoked ? null : h('div', { class: 'btn-row item-actions' }, button(t('admin.t.revoke'), 'btn-danger', 'token-revoke', () => void revokeToken(k), model.busy.has(key))),
    err,
  );
}

async function createToken() {
  if (model.busy.has('token')) return;
  const role = /** @type {HTMLSelectElement} */ ($('#k-role')).value;
  const body = { name: /** @type {HTMLInputElement} */ ($('#k-name')).value.trim(), role, zones: role === 'farmer' ? [...tokenZones] : [] };
  model.busy.add('token');
  model.tokenError = null;
  model.secrets.delete('token');
  renderTokens();
  const res = await request('POST', '/api/tokens', body);
  model.busy.delete('token');
  if (!res.ok) {
    model.tokenError = apiError(res);
    renderTokens();
    return;
  }
  const k = res.body;
  model.secrets.set('token', { kind: 'token', title: () => t('admin.secret.token', { name: k.name }), value: k.token });
  /** @type {HTMLFormElement} */ ($('#token-form')).reset();
  tokenZones.clear();
  flash('tokensMsg', okMsg(() => t('admin.t.made', { name: k.name })));
  try {
    await loadTokens();
  } catch {
    // shown at the next load
  }
  renderTokens();
}

async function revokeToken(k) {
  if (!window.confirm(t('admin.t.confirmRevoke', { name: k.name }))) return;
  const key = `token:${k.id}`;
  model.busy.add(key);
  model.itemErrors.delete(key);
  renderTokens();
  const res = await request('DELETE', `/api/tokens/${encodeURIComponent(k.id)}`);
  model.busy.delete(key);
  if (res.ok) {
    flash('tokensMsg', okMsg(() => t('admin.t.revoked', { name: k.name })));
    try {
      await loadTokens();
    } catch {
      // shown at the next load
    }
  } else model.itemErrors.set(key, apiError(res));
  renderTokens();
}

// ---------------------------------------------------------------- boot

function applyTitle() {
  const name = model.site?.name;
  if (name) setText($('#site-name'), name);
  document.title = name ? `${t('admin.title')} · ${name}` : t('admin.title');
}

function renderAll() {
  applyStatic();
  applyTitle();
  renderMsgs();
  renderUsers();
  renderAdd();
  renderTokens();
}

async function load() {
  const notice = $('#notice');
  notice.dataset.kind = '';
  setText(notice, t('loading'));
  try {
    const [site] = await Promise.all([getJson('/api/site'), loadUsers(), can('tokens.manage') ? loadTokens() : null]);
    model.site = site.site ?? {};
    model.zones = site.zones ?? [];
    setText(notice, '');
    renderAll();
  } catch {
    showLoadError(() => void load());
  }
}

async function init() {
  initLangToggle(renderAll);
  applyTitle();
  const roleSwitch = (sel, fs) => $(sel).addEventListener('change', () => ($(fs).hidden = /** @type {HTMLSelectElement} */ ($(sel)).value !== 'farmer'));
  roleSwitch('#a-role', '#a-zones');
  roleSwitch('#k-role', '#k-zones');
  $('#add-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void addUser();
  });
  $('#token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void createToken();
  });
  for (const form of ['#add-form', '#token-form']) $(form).addEventListener('input', (e) => /** @type {HTMLElement} */ (e.target).removeAttribute('aria-invalid'));
  if (await initSession({ need: 'users.manage' })) void load();
}

void init();
