// The admin page's shared controls: a role select, a farmer's zone picks, and a secret shown once.
import { site } from '../../components/Shell.js';
import { t } from '../../lib/i18n.js';
import type { PersonRole } from '../../lib/session.js';
import { SecretShown } from '../../components/SecretShown.js';
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

/** The secret made at `at` (a user's password, an API token), until dismissed. */
export function SecretBox({ at }: { at: string }) {
  const s = secrets.value.get(at);
  if (!s) return null;
  return <SecretShown kind={s.kind} title={s.title()} value={s.value} {...(s.kind === 'token' && { hint: t('admin.secret.tokenHint') })} onDismiss={() => setSecret(at, undefined)} />;
}
