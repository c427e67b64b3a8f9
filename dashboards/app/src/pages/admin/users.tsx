// The users: each with role, state, a farmer's zones and sessions, and its actions; the add form.
import { invalid, Msg } from '../../components/Msg.js';
import { t } from '../../lib/i18n.js';
import { me } from '../../lib/session.js';
import type { User } from './api.js';
import { RoleSelect, SecretBox, ZonePicks } from './parts.js';
import { addError, addForm, addUser, busy, cancelEdit, editing, itemErrors, resetPassword, saveEdit, setEditing, setState, startEdit, users, usersMsg, zonesText, type Draft } from './store.js';

export function Users() {
  const list = [...users.value].sort((a, b) => a.login.localeCompare(b.login));
  return (
    <section id="users" class="panel" data-testid="users" aria-labelledby="users-h">
      <h2 id="users-h" tabIndex={-1}>
        {t('admin.users')}
      </h2>
      <Msg msg={usersMsg.value} id="users-msg" testid="users-msg" />
      <ul id="user-list" class="people" data-testid="user-list">
        {list.length ? list.map((u) => <UserItem key={u.login} u={u} />) : <li class="empty">{t('admin.noUsers')}</li>}
      </ul>
    </section>
  );
}

function UserItem({ u }: { u: User }) {
  const key = `user:${u.login}`;
  const isBusy = busy.value.has(key);
  const draft = editing.value.get(u.login);
  const err = itemErrors.value.get(key);
  return (
    <li class="person" data-login={u.login} data-role={u.role} data-state={u.state} data-testid="user">
      <div class="item-head">
        <h3 class="item-title">
          <span data-testid="user-name">{u.name}</span> <code class="muted">{u.login}</code>
          {me.value?.user?.login === u.login ? ` ${t('admin.you')}` : ''}
        </h3>
        <div class="chips">
          <span class="badge role" data-testid="user-role">
            {t(`role.${u.role}`)}
          </span>
          <span class={`badge state-${u.state}`} data-testid="user-state">
            {t(`admin.state.${u.state}`)}
          </span>
          {u.mustChange ? (
            <span class="badge must-change" data-testid="user-must-change">
              {t('admin.mustChange')}
            </span>
          ) : null}
        </div>
      </div>
      <p class="item-meta">
        {u.role === 'farmer' ? (
          <>
            <span data-testid="user-zones">{t('admin.zonesOf', { list: zonesText(u.zones) })}</span>
            {' · '}
          </>
        ) : null}
        <span data-testid="user-sessions" data-sessions={u.sessions}>
          {t('admin.sessions', { n: u.sessions })}
        </span>
      </p>
      {draft ? <EditForm u={u} d={draft} /> : null}
      <div class="btn-row item-actions">
        {draft ? null : (
          <button type="button" class="btn btn-small btn-light" data-testid="user-edit" onClick={() => startEdit(u)}>
            {t('admin.edit')}
          </button>
        )}
        {u.state === 'active' ? (
          <button type="button" class="btn btn-small btn-danger" data-testid="user-disable" disabled={isBusy} onClick={() => void setState(u, 'disabled')}>
            {t('admin.disable')}
          </button>
        ) : (
          <button type="button" class="btn btn-small btn-light" data-testid="user-enable" disabled={isBusy} onClick={() => void setState(u, 'active')}>
            {t('admin.enable')}
          </button>
        )}
        <button type="button" class="btn btn-small btn-light" data-testid="user-reset" disabled={isBusy} onClick={() => void resetPassword(u)}>
          {t('admin.reset')}
        </button>
      </div>
      <Msg msg={err} testid="item-error" />
      <SecretBox at={key} />
    </li>
  );
}

function EditForm({ u, d }: { u: User; d: Draft }) {
  const base = `e-${u.login}`;
  const err = itemErrors.value.get(`user:${u.login}`);
  const marked = (path: string) => invalid(err, path);
  const update = (patch: Partial<Draft>) => setEditing(u.login, { ...d, ...patch });
  return (
    <form
      class="cmd-form user-edit"
      noValidate
      data-testid="edit-form"
      aria-label={t('admin.editTitle', { name: u.name })}
      onSubmit={(e) => {
        e.preventDefault();
        void saveEdit(u, d);
      }}
    >
      <div class="fields">
        <div class="field grow">
          <label for={`e-name-${u.login}`}>{t('admin.f.name')}</label>
          <input id={`e-name-${u.login}`} type="text" maxLength={120} data-testid="edit-name" aria-invalid={marked('name')} value={d.name} onInput={(e) => update({ name: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for={`${base}-role`}>{t('admin.f.role')}</label>
          <RoleSelect id={`${base}-role`} testid="edit-role" value={d.role} onChange={(role) => update({ role })} invalid={marked('role')} />
        </div>
        <ZonePicks idBase={`${base}-z`} testid="edit-zones" zoneTestid="edit-zone" chosen={d.zones} onChange={(zones) => update({ zones })} hidden={d.role !== 'farmer'} invalid={marked('zones')} />
        <small class="hint">{t('admin.editNote')}</small>
      </div>
      <div class="btn-row">
        <button type="submit" class="btn btn-small" data-testid="edit-save" disabled={busy.value.has(`user:${u.login}`)}>
          {t('admin.save')}
        </button>
        <button type="button" class="btn btn-small btn-light" data-testid="edit-cancel" onClick={() => cancelEdit(u)}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}

export function AddUser() {
  const f = addForm;
  const err = addError;
  const onInput = (path: string, set: (v: string) => void) => (e: { currentTarget: HTMLInputElement }) => {
    set(e.currentTarget.value);
    err.touch(path);
  };
  return (
    <section id="add" class="panel" data-testid="add-user" aria-labelledby="add-h">
      <h2 id="add-h">{t('admin.add')}</h2>
      <form
        id="add-form"
        class="cmd-form auth-form"
        data-testid="add-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void addUser();
        }}
      >
        <div class="field">
          <label for="a-login">{t('admin.f.login')}</label>
          <input id="a-login" type="text" autocomplete="off" autocapitalize="none" spellcheck={false} maxLength={63} data-testid="add-login" aria-describedby="a-login-hint" aria-invalid={err.invalid('login')} value={f.login.value} onInput={onInput('login', (v) => (f.login.value = v))} />
          <small id="a-login-hint" class="hint">
            {t('setup.loginHint')}
          </small>
        </div>
        <div class="field">
          <label for="a-name">{t('admin.f.name')}</label>
          <input id="a-name" type="text" autocomplete="off" maxLength={120} data-testid="add-name" aria-invalid={err.invalid('name')} value={f.name.value} onInput={onInput('name', (v) => (f.name.value = v))} />
        </div>
        <div class="field">
          <label for="a-role">{t('admin.f.role')}</label>
          <RoleSelect id="a-role" testid="add-role" value={f.role.value} onChange={(r) => (f.role.value = r)} invalid={err.invalid('role')} />
        </div>
        <ZonePicks id="a-zones" idBase="a-zone" testid="add-zones" zoneTestid="add-zone" chosen={f.zones.value} onChange={(z) => ((f.zones.value = z), err.touch('zones'))} hidden={f.role.value !== 'farmer'} invalid={err.invalid('zones')} />
        <div class="field">
          <label for="a-password">{t('admin.f.password')}</label>
          <input id="a-password" type="password" autocomplete="new-password" maxLength={128} data-testid="add-password" aria-describedby="a-password-hint" aria-invalid={err.invalid('password')} value={f.password.value} onInput={onInput('password', (v) => (f.password.value = v))} />
          <small id="a-password-hint" class="hint">
            {t('admin.f.passwordHint')}
          </small>
        </div>
        <Msg msg={err.msg.value} id="add-error" testid="add-error" />
        <div id="add-secret" data-testid="add-secret">
          <SecretBox at="add" />
        </div>
        <button type="submit" class="btn" data-testid="add-submit" disabled={busy.value.has('add')}>
          {t('admin.add')}
        </button>
      </form>
    </section>
  );
}
