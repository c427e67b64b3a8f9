// The admin page's state and actions. A temporary password or a token is shown once, where it was
// made, until the admin closes it: it lives only in `secrets`, never fetched again.
import { batch, signal } from '@preact/signals';
import { FormError } from '../../components/formError.js';
import type { MessageFn } from '../../components/Msg.js';
import { showLoadError, site } from '../../components/Shell.js';
import { ApiError } from '../../lib/http.js';
import { codeText, t, type Key } from '../../lib/i18n.js';
import { can, type PersonRole } from '../../lib/session.js';
import { adminApi, type Token, type User } from './api.js';

/** Every role, most powerful first; a new role in the policy fails here until it is listed. */
export const ROLES = ['admin', 'official', 'operator', 'farmer', 'viewer'] as const satisfies readonly PersonRole[];
const everyRole: Exclude<PersonRole, (typeof ROLES)[number]> extends never ? true : never = true;
void everyRole;

const OK_SHOWN_MS = 8000;

export const loaded = signal(false);
export const users = signal<User[]>([]);
export const tokens = signal<Token[]>([]);

/** A user being edited, as typed. */
export interface Draft {
  name: string;
  role: PersonRole;
  zones: string[];
}
export const editing = signal<ReadonlyMap<string, Draft>>(new Map());
/** An action's error in its user's or token's own item, by `user:<login>` / `token:<id>`. */
export const itemErrors = signal<ReadonlyMap<string, MessageFn>>(new Map());
export interface Secret {
  kind: 'password' | 'token';
  title: () => string;
  value: string;
}
/** What is shown once: by `user:<login>`, `add`, `token`. */
export const secrets = signal<ReadonlyMap<string, Secret>>(new Map());
export const busy = signal<ReadonlySet<string>>(new Set());
export const usersMsg = signal<MessageFn | null>(null);
export const tokensMsg = signal<MessageFn | null>(null);
export const addError = new FormError();
export const tokenError = new FormError();

export const addForm = { login: signal(''), name: signal(''), role: signal<PersonRole>('viewer'), zones: signal<string[]>([]), password: signal('') };
export const tokenForm = { name: signal(''), role: signal<PersonRole>('viewer'), zones: signal<string[]>([]) };

function put<V>(s: { value: ReadonlyMap<string, V> }, key: string, v: V | undefined): void {
  const m = new Map(s.value);
  if (v === undefined) m.delete(key);
  else m.set(key, v);
  s.value = m;
}
export const setEditing = (login: string, d: Draft | undefined) => put(editing, login, d);
export const setSecret = (key: string, s: Secret | undefined) => put(secrets, key, s);
const setItemError = (key: string, e: MessageFn | undefined) => put(itemErrors, key, e);
function setBusy(key: string, on: boolean): void {
  const s = new Set(busy.value);
  if (on) s.add(key);
  else s.delete(key);
  busy.value = s;
}

// ---------------------------------------------------------------- words

export const zoneName = (id: string): string => site.value?.zones.find((z) => z.id === id)?.name ?? id;
export const zonesText = (zones: string[]): string => (zones.length ? zones.map(zoneName).join(', ') : t('admin.noZone'));

const PATH_LABELS: Record<string, Key> = { login: 'admin.f.login', name: 'admin.f.name', role: 'admin.f.role', zones: 'admin.f.zones', password: 'admin.f.password' };
const fieldOf = (path: string) => path.replace(/^(body|params)\./, '');

/** A failed request: our words for its code, else the server's; the inputs its issues name. */
export function apiError(err: unknown): MessageFn {
  return () => {
    if (!(err instanceof ApiError)) return { kind: 'error', title: t('admin.failed'), lines: [String(err)] };
    if (err.status === 0) return { kind: 'error', title: t('irr.err.network') };
    const issues = err.body.issues ?? [];
    const fields = issues.map((i) => fieldOf(i.path));
    const message = err.body.message || t('serverError', { status: err.status });
    if (err.code === 'invalid') {
      const label = (p: string) => {
        const k = PATH_LABELS[p.split('.')[0] ?? ''];
        return k ? t(k) : p;
      };
      return { kind: 'error', title: t('err.invalid'), lines: issues.length ? issues.map((i) => `${label(fieldOf(i.path))}: ${i.message}`) : [message], fields };
    }
    // "Không được phép:" and the like are titles; the others are whole sentences.
    if (err.code === 'forbidden' || err.code === 'not-found' || err.code === 'unknown-zone') return { kind: 'error', title: codeText(err.code), lines: [message], fields };
    return { kind: 'error', title: t('admin.failed'), lines: [codeText(err.code) || message], fields };
  };
}

/** A section's success note, gone by itself after a while. */
function flash(target: typeof usersMsg, title: () => string): void {
  const fn: MessageFn = () => ({ kind: 'ok', title: title() });
  target.value = fn;
  setTimeout(() => {
    if (target.value === fn) target.value = null;
  }, OK_SHOWN_MS);
}

// ---------------------------------------------------------------- loading

async function reloadUsers(): Promise<void> {
  try {
    users.value = await adminApi.users();
  } catch {
    // The list stays as it was; the next action reloads it.
  }
}
async function reloadTokens(): Promise<void> {
  try {
    tokens.value = await adminApi.tokens();
  } catch {
    // As above.
  }
}

export async function load(): Promise<void> {
  try {
    const [u, k] = await Promise.all([adminApi.users(), can('tokens.manage') ? adminApi.tokens() : Promise.resolve([])]);
    batch(() => {
      users.value = u;
      tokens.value = k;
      loaded.value = true;
    });
  } catch {
    showLoadError(() => void load());
  }
}

// ---------------------------------------------------------------- users

/** One change to a user; its error shows in the user's item, its success above the list. */
async function userAction<T>(u: User, run: () => Promise<T>, done: (r: T) => void): Promise<void> {
  const key = `user:${u.login}`;
  if (busy.value.has(key)) return;
  setBusy(key, true);
  setItemError(key, undefined);
  try {
    done(await run());
    await reloadUsers();
  } catch (err) {
    setItemError(key, apiError(err));
  } finally {
    setBusy(key, false);
  }
}

export function startEdit(u: User): void {
  batch(() => {
    setEditing(u.login, { name: u.name, role: u.role, zones: [...u.zones] });
    setItemError(`user:${u.login}`, undefined);
  });
  requestAnimationFrame(() => document.getElementById(`e-name-${u.login}`)?.focus());
}

export function cancelEdit(u: User): void {
  batch(() => {
    setEditing(u.login, undefined);
    setItemError(`user:${u.login}`, undefined);
  });
}

export const saveEdit = (u: User, d: Draft) =>
  userAction(
    u,
    () => adminApi.patchUser(u.login, { name: d.name.trim(), role: d.role, zones: d.role === 'farmer' ? d.zones : [] }),
    (saved) => {
      setEditing(u.login, undefined);
      flash(usersMsg, () => t('admin.saved', { name: saved.name }));
    },
  );

export async function setState(u: User, state: User['state']): Promise<void> {
  if (state === 'disabled' && !window.confirm(t('admin.confirmDisable', { name: u.name }))) return;
  await userAction(
    u,
    () => adminApi.patchUser(u.login, { state }),
    (saved) => flash(usersMsg, () => t(state === 'disabled' ? 'admin.disabledOk' : 'admin.enabledOk', { name: saved.name })),
  );
}

export async function resetPassword(u: User): Promise<void> {
  if (!window.confirm(t('admin.confirmReset', { name: u.name }))) return;
  await userAction(
    u,
    () => adminApi.resetPassword(u.login),
    (r) => setSecret(`user:${u.login}`, { kind: 'password', title: () => t('admin.secret.password', { login: u.login }), value: r.temporaryPassword }),
  );
}

export async function addUser(): Promise<void> {
  if (busy.value.has('add')) return;
  const f = addForm;
  const role = f.role.value;
  const password = f.password.value;
  setBusy('add', true);
  addError.set(null);
  setSecret('add', undefined);
  try {
    const u = await adminApi.addUser({ login: f.login.value.trim().toLowerCase(), name: f.name.value.trim(), role, zones: role === 'farmer' ? f.zones.value : [], ...(password && { password }) });
    batch(() => {
      if (u.temporaryPassword) setSecret('add', { kind: 'password', title: () => t('admin.secret.password', { login: u.login }), value: u.temporaryPassword });
      f.login.value = f.name.value = f.password.value = '';
      f.role.value = 'viewer';
      f.zones.value = [];
    });
    flash(usersMsg, () => t('admin.added', { name: u.name }));
    await reloadUsers();
  } catch (err) {
    addError.set(apiError(err));
  } finally {
    setBusy('add', false);
  }
}

// ---------------------------------------------------------------- API tokens

export async function createToken(): Promise<void> {
  if (busy.value.has('token')) return;
  const f = tokenForm;
  const role = f.role.value;
  setBusy('token', true);
  tokenError.set(null);
  setSecret('token', undefined);
  try {
    const k = await adminApi.createToken({ name: f.name.value.trim(), role, zones: role === 'farmer' ? f.zones.value : [] });
    batch(() => {
      setSecret('token', { kind: 'token', title: () => t('admin.secret.token', { name: k.name }), value: k.token });
      f.name.value = '';
      f.role.value = 'viewer';
      f.zones.value = [];
    });
    flash(tokensMsg, () => t('admin.t.made', { name: k.name }));
    await reloadTokens();
  } catch (err) {
    tokenError.set(apiError(err));
  } finally {
    setBusy('token', false);
  }
}

export async function revokeToken(k: Token): Promise<void> {
  if (!window.confirm(t('admin.t.confirmRevoke', { name: k.name }))) return;
  const key = `token:${k.id}`;
  setBusy(key, true);
  setItemError(key, undefined);
  try {
    await adminApi.revokeToken(k.id);
    flash(tokensMsg, () => t('admin.t.revoked', { name: k.name }));
    await reloadTokens();
  } catch (err) {
    setItemError(key, apiError(err));
  } finally {
    setBusy(key, false);
  }
}
