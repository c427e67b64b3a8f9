// The admin page's shared controls: a role select, a farmer's zone picks, and a secret shown once.
import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { site } from '../../components/Shell.js';
import { t } from '../../lib/i18n.js';
import type { PersonRole } from '../../lib/session.js';
import { ROLES, secrets, setSecret } from './store.js';

export function RoleSelect(p: { id: string; testid: string; value: PersonRole; onChange: (r: PersonRole) => void; invalid?: true }) {
  return (
    <select
      id={p.id}
      data-testid={p.testid}
      aria-invalid={p.invalid}
      value={p.value}
      onChange={(e) => {
        const r = ROLES.find((x) => x === e.currentTarget.value);
        if (r) p.onChange(r);
      }}
    >
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}

/** Ticks for the site's zones; only a farmer has zones, so the set hides for other roles. */
export function ZonePicks(p: { id?: string; idBase: string; testid: string; zoneTestid: string; chosen: string[]; onChange: (z: string[]) => void; hidden: boolean; invalid?: true }) {
  return (
    <fieldset id={p.id} class="fs zone-picks" data-testid={p.testid} hidden={p.hidden} aria-invalid={p.invalid}>
      <legend>{t('admin.f.zones')}</legend>
      {(site.value?.zones ?? []).map((z) => {
        const id = `${p.idBase}-${z.id}`;
        const on = p.chosen.includes(z.id);
        return (
          <div key={z.id} class="field check">
            <input id={id} type="checkbox" value={z.id} data-testid={`${p.zoneTestid}-${z.id}`} checked={on} onChange={(e) => p.onChange(e.currentTarget.checked ? [...p.chosen.filter((x) => x !== z.id), z.id] : p.chosen.filter((x) => x !== z.id))} />
            <label for={id}>{z.name}</label>
          </div>
        );
      })}
      <small class="hint">{t('admin.f.zonesHint')}</small>
    </fieldset>
  );
}

/**
 * A password or token shown once: the value, a copy button (the clipboard where the browser
 * allows it, else the text is selected for the reader to copy), and a close button that drops it.
 */
export function SecretBox({ at }: { at: string }) {
  const copied = useSignal<'copied' | 'select' | null>(null);
  const value = useRef<HTMLElement>(null);
  const s = secrets.value.get(at);
  if (!s) return null;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(s.value);
      copied.value = 'copied';
    } catch {
      // No clipboard on a plain-HTTP LAN: select it for Ctrl+C or a long press.
      if (value.current) getSelection()?.selectAllChildren(value.current);
      copied.value = 'select';
    }
  };
  return (
    <div class="secret" data-testid="secret" data-kind={s.kind}>
      <p>
        <strong>{s.title()}</strong>
      </p>
      <code ref={value} class="secret-value" data-testid="secret-value">
        {s.value}
      </code>
      <p class="hint">{t('admin.secret.once')}</p>
      {s.kind === 'token' ? <p class="hint">{t('admin.secret.tokenHint')}</p> : null}
      <div class="btn-row">
        <button type="button" class="btn btn-small" data-testid="secret-copy" onClick={() => void copy()}>
          {t('admin.copy')}
        </button>
        <button type="button" class="btn btn-light btn-small" data-testid="secret-dismiss" onClick={() => setSecret(at, undefined)}>
          {t('admin.dismiss')}
        </button>
      </div>
      <p class="note" role="status" data-testid="secret-copied">
        {copied.value === 'copied' ? t('admin.copied') : copied.value === 'select' ? t('admin.copySelect') : ''}
      </p>
    </div>
  );
}
