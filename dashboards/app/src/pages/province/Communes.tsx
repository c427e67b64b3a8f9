// Admins: the communes registered at the province. Registering one (id, name, district) or re-keying
// it shows its push token this once, where it was made, with copy and the "shown once" warning as
// the admin page does for API tokens; removing one takes it (and its token) off the table.
import { Msg } from '../../components/Msg.js';
import { SecretShown } from '../../components/SecretShown.js';
import { fmtTime } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import type { CommuneView } from './api.js';
import { addCommune, addError, addForm, busy, communes, communesMsg, itemErrors, rekey, removeCommune, shown } from './store.js';

/** The push token made at `at` (the form, or a commune's re-key), until dismissed. */
function ShownOnce({ at }: { at: string }) {
  const s = shown.value;
  if (!s || s.at !== at) return null;
  return <SecretShown kind="token" title={t('pv.c.token', { name: s.commune })} value={s.token} hint={t('pv.c.tokenHint')} onDismiss={() => (shown.value = undefined)} />;
}

function CommuneItem({ c }: { c: CommuneView }) {
  const key = `commune:${c.id}`;
  return (
    <li class="person" data-testid="pv-commune" data-commune={c.id}>
      <div class="item-head">
        <h3 class="item-title">
          <span>{c.name}</span> <code class="muted">{c.id}</code>
        </h3>
        <div class="chips">
          <span class="badge role">{c.district}</span>
        </div>
      </div>
      <p class="item-meta">
        {t('pv.c.created', { time: fmtTime(c.createdAt) })} · {c.lastHeardAt ? t('pv.c.lastPush', { time: fmtTime(c.lastHeardAt) }) : t('pv.neverHeard')} · {t('pv.c.tokenId', { id: c.tokenId })}
      </p>
      <div class="btn-row item-actions">
        <button type="button" class="btn btn-small btn-light" data-testid="pv-rekey" disabled={busy.value.has(key)} onClick={() => void rekey(c)}>
          {t('pv.c.rekey')}
        </button>
        <button type="button" class="btn btn-small btn-danger" data-testid="pv-remove" disabled={busy.value.has(key)} onClick={() => void removeCommune(c)}>
          {t('pv.c.remove')}
        </button>
      </div>
      <ShownOnce at={key} />
      <Msg msg={itemErrors.value.get(key)} testid="item-error" />
    </li>
  );
}

function Field({ id, label, value, hint, max }: { id: 'id' | 'name' | 'district'; label: string; value: { value: string }; hint?: string; max: number }) {
  return (
    <div class="field grow">
      <label for={`pv-c-${id}`}>{label}</label>
      <input
        id={`pv-c-${id}`}
        type="text"
        autocomplete="off"
        maxLength={max}
        data-testid={`pv-c-${id}`}
        aria-invalid={addError.invalid(id)}
        aria-describedby={hint ? `pv-c-${id}-hint` : undefined}
        value={value.value}
        onInput={(e) => {
          value.value = e.currentTarget.value;
          addError.touch(id);
        }}
      />
      {hint ? (
        <small class="hint" id={`pv-c-${id}-hint`}>
          {hint}
        </small>
      ) : null}
    </div>
  );
}

export function Communes() {
  const list = [...communes.value].sort((a, b) => a.district.localeCompare(b.district, 'vi') || a.name.localeCompare(b.name, 'vi'));
  return (
    <section class="panel pv-communes" data-testid="pv-communes" aria-labelledby="pv-communes-h">
      <h2 id="pv-communes-h">{t('pv.c.heading')}</h2>
      <p class="note">{t('pv.c.intro')}</p>
      <Msg msg={communesMsg.value} testid="pv-communes-msg" />
      <ul class="people" data-testid="pv-commune-list">
        {list.length ? list.map((c) => <CommuneItem key={c.id} c={c} />) : <li class="empty">{t('pv.noCommunes')}</li>}
      </ul>
      <h3 class="sub">{t('pv.c.add')}</h3>
      <form
        class="cmd-form"
        data-testid="pv-commune-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void addCommune();
        }}
      >
        <div class="fields">
          <Field id="id" label={t('pv.c.id')} value={addForm.id} hint={t('pv.c.idHint')} max={63} />
          <Field id="name" label={t('pv.c.name')} value={addForm.name} max={120} />
          <Field id="district" label={t('pv.district')} value={addForm.district} max={120} />
          <div class="field submit">
            <button type="submit" class="btn" data-testid="pv-c-submit" disabled={busy.value.has('add')}>
              {t('pv.c.add')}
            </button>
          </div>
        </div>
        <Msg msg={addError.msg.value} testid="pv-c-error" />
        <ShownOnce at="add" />
      </form>
    </section>
  );
}
