// The sign-in form and the change of a temporary password. The markup, ids and test ids are the
// old page's.
import { useSignal } from '@preact/signals';
import { Msg } from '../../components/Msg.js';
import { t } from '../../lib/i18n.js';
import { me } from '../../lib/session.js';
import { busy, changeError, changePassword, form, note, now, signIn, signinError, signOut, view, waitUntil } from './state.js';

const submitted = (run: () => Promise<void>) => (e: Event) => {
  e.preventDefault();
  void run();
};

export function SignIn() {
  const waiting = waitUntil.value > now.value;
  const err = signinError;
  return (
    <section id="signin" class="panel auth-panel" data-testid="signin" aria-labelledby="signin-h">
      <h2 id="signin-h">{t('signin.title')}</h2>
      <p class="note">{t('signin.intro')}</p>
      <Msg msg={note.value} id="signin-note" testid="signin-note" />
      <form id="signin-form" class="auth-form" data-testid="signin-form" noValidate onSubmit={submitted(signIn)}>
        <div class="field">
          <label for="s-login">{t('signin.login')}</label>
          <input
            id="s-login"
            name="username"
            type="text"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            maxLength={64}
            required
            data-testid="signin-login"
            aria-invalid={err.invalid('login')}
            value={form.login.value}
            onInput={(e) => {
              form.login.value = e.currentTarget.value;
              err.touch('login');
            }}
          />
        </div>
        <div class="field">
          <label for="s-password">{t('signin.password')}</label>
          <input
            id="s-password"
            name="password"
            type="password"
            autocomplete="current-password"
            maxLength={128}
            required
            data-testid="signin-password"
            aria-invalid={err.invalid('password')}
            value={form.password.value}
            onInput={(e) => {
              form.password.value = e.currentTarget.value;
              err.touch('password');
            }}
          />
        </div>
        <Msg msg={err.msg.value} id="signin-error" testid="signin-error" />
        <button id="s-submit" type="submit" class="btn" data-testid="signin-submit" disabled={busy.value || waiting} aria-busy={busy.value}>
          {t('signin.submit')}
        </button>
      </form>
      <p class="note">{t('signin.forgot')}</p>
    </section>
  );
}

interface PasswordProps {
  id: string;
  label: string;
  value: string;
  set: (v: string) => void;
  path: string;
  testid: string;
  show: boolean;
  current?: boolean;
}

function Password(p: PasswordProps) {
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <input
        id={p.id}
        type={p.show ? 'text' : 'password'}
        autocomplete={p.current ? 'current-password' : 'new-password'}
        maxLength={128}
        required
        data-testid={p.testid}
        aria-describedby={p.current ? undefined : 'c-rules'}
        aria-invalid={changeError.invalid(p.path)}
        value={p.value}
        onInput={(e) => {
          p.set(e.currentTarget.value);
          changeError.touch(p.path);
        }}
      />
    </div>
  );
}

export function Change() {
  const show = useSignal(false);
  return (
    <section id="change" class="panel auth-panel" data-testid="change" aria-labelledby="change-h">
      <h2 id="change-h" tabIndex={-1}>
        {t('change.title')}
      </h2>
      <p id="change-intro" class="note" data-testid="change-intro">
        {t('change.intro', { name: me.value?.user?.name ?? '' })}
      </p>
      <form id="change-form" class="auth-form" data-testid="change-form" noValidate onSubmit={submitted(changePassword)}>
        {/* For password managers: whose password this is. */}
        <input id="c-login" type="text" name="username" autocomplete="username" hidden value={me.value?.user?.login ?? ''} readOnly />
        <Password id="c-current" label={t('change.current')} value={form.current.value} set={(v) => (form.current.value = v)} path="current" testid="change-current" current show={show.value} />
        <Password id="c-new" label={t('change.new')} value={form.fresh.value} set={(v) => (form.fresh.value = v)} path="password" testid="change-new" show={show.value} />
        <Password id="c-again" label={t('change.again')} value={form.again.value} set={(v) => (form.again.value = v)} path="again" testid="change-again" show={show.value} />
        <p id="c-rules" class="hint pw-rules" data-testid="password-rules">
          {t('pw.rules')}
        </p>
        <div class="field check">
          <input id="c-show" type="checkbox" data-testid="change-show" checked={show.value} onChange={(e) => (show.value = e.currentTarget.checked)} />
          <label for="c-show">{t('pw.show')}</label>
        </div>
        <Msg msg={changeError.msg.value} id="change-error" testid="change-error" />
        <button id="c-submit" type="submit" class="btn" data-testid="change-submit" disabled={busy.value} aria-busy={busy.value}>
          {t('change.submit')}
        </button>
      </form>
      <p>
        <button id="c-out" type="button" class="btn btn-light btn-small" data-testid="change-sign-out" onClick={() => void signOut()}>
          {t('change.otherUser')}
        </button>
      </p>
    </section>
  );
}

export function SignInPage() {
  if (view.value === 'signin') return <SignIn />;
  if (view.value === 'change') return <Change />;
  return null;
}
