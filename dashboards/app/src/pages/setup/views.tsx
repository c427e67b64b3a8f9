// The first-run form; ids and test ids are the old page's.
import { useSignal, type Signal } from '@preact/signals';
import { Msg } from '../../components/Msg.js';
import { t, type Key } from '../../lib/i18n.js';
import { busy, error, form, phase, submit } from './state.js';

interface FieldProps {
  id: string;
  label: Key;
  value: Signal<string>;
  path: string;
  testid: string;
  type?: string;
  autocomplete: string;
  maxLength: number;
  hint?: Key;
  describedBy?: string;
  /** A code or login: typed as is, no capitals or spelling fixes. */
  verbatim?: boolean;
}

function Field(p: FieldProps) {
  const hintId = p.hint ? `${p.id}-hint` : undefined;
  return (
    <div class="field">
      <label for={p.id}>{t(p.label)}</label>
      <input
        id={p.id}
        type={p.type ?? 'text'}
        autocomplete={p.autocomplete}
        autocapitalize={p.verbatim ? 'none' : undefined}
        spellcheck={p.verbatim ? false : undefined}
        maxLength={p.maxLength}
        required
        data-testid={p.testid}
        aria-describedby={hintId ?? p.describedBy}
        aria-invalid={error.invalid(p.path)}
        value={p.value.value}
        onInput={(e) => {
          p.value.value = e.currentTarget.value;
          error.touch(p.path);
        }}
      />
      {p.hint ? (
        <small id={hintId} class="hint">
          {t(p.hint)}
        </small>
      ) : null}
    </div>
  );
}

export function SetupPage() {
  const show = useSignal(false);
  if (phase.value !== 'form') return null;
  const pw = show.value ? 'text' : 'password';
  return (
    <section id="setup" class="panel auth-panel" data-testid="setup" aria-labelledby="setup-h">
      <h2 id="setup-h">{t('setup.title')}</h2>
      <p class="note">{t('setup.intro')}</p>
      <form
        id="setup-form"
        class="auth-form"
        data-testid="setup-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field id="u-code" label="setup.code" value={form.code} path="code" testid="setup-code" autocomplete="one-time-code" maxLength={64} hint="setup.codeHint" verbatim />
        <Field id="u-login" label="setup.login" value={form.login} path="login" testid="setup-login" autocomplete="username" maxLength={63} hint="setup.loginHint" verbatim />
        <Field id="u-name" label="setup.name" value={form.name} path="name" testid="setup-name" autocomplete="name" maxLength={120} />
        <Field id="u-password" label="change.new" value={form.password} path="password" testid="setup-password" type={pw} autocomplete="new-password" maxLength={128} describedBy="u-rules" />
        <Field id="u-again" label="change.again" value={form.again} path="again" testid="setup-again" type={pw} autocomplete="new-password" maxLength={128} describedBy="u-rules" />
        <p id="u-rules" class="hint pw-rules" data-testid="password-rules">
          {t('pw.rules')}
        </p>
        <div class="field check">
          <input id="u-show" type="checkbox" data-testid="setup-show" checked={show.value} onChange={(e) => (show.value = e.currentTarget.checked)} />
          <label for="u-show">{t('pw.show')}</label>
        </div>
        <Msg msg={error.msg.value} id="setup-error" testid="setup-error" />
        <button id="u-submit" type="submit" class="btn" data-testid="setup-submit" disabled={busy.value} aria-busy={busy.value}>
          {t('setup.submit')}
        </button>
      </form>
    </section>
  );
}
