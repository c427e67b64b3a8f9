// A password or token shown once: the value, a copy button (the clipboard where the browser
// allows it, else the text is selected for the reader to copy), and a close button that drops it.
// The admin page's passwords and API tokens and the province's commune push tokens.
import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { t } from '../lib/i18n.js';

export function SecretShown(p: { kind: 'password' | 'token'; title: string; value: string; hint?: string; onDismiss: () => void }) {
  const copied = useSignal<'copied' | 'select' | null>(null);
  const value = useRef<HTMLElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(p.value);
      copied.value = 'copied';
    } catch {
      // No clipboard on a plain-HTTP LAN: select it for Ctrl+C or a long press.
      if (value.current) getSelection()?.selectAllChildren(value.current);
      copied.value = 'select';
    }
  };
  return (
    <div class="secret" data-testid="secret" data-kind={p.kind}>
      <p>
        <strong>{p.title}</strong>
      </p>
      <code ref={value} class="secret-value" data-testid="secret-value">
        {p.value}
      </code>
      <p class="hint">{t('admin.secret.once')}</p>
      {p.hint ? <p class="hint">{p.hint}</p> : null}
      <div class="btn-row">
        <button type="button" class="btn btn-small" data-testid="secret-copy" onClick={() => void copy()}>
          {t('admin.copy')}
        </button>
        <button type="button" class="btn btn-light btn-small" data-testid="secret-dismiss" onClick={p.onDismiss}>
          {t('admin.dismiss')}
        </button>
      </div>
      <p class="note" role="status" data-testid="secret-copied">
        {copied.value === 'copied' ? t('admin.copied') : copied.value === 'select' ? t('admin.copySelect') : ''}
      </p>
    </div>
  );
}
