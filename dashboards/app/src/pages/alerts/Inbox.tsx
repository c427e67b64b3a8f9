// The inbox: three views (to look at, active, cleared), each alert with its severity, what it is
// in words, first and last seen, how often it was raised, who acknowledged it; and the ack form.
import { useSignal } from '@preact/signals';
import { alertText } from '../../alerts.js';
import { site } from '../../components/Shell.js';
import { RelTime } from '../../components/Time.js';
import { fmtTime } from '../../lib/format.js';
import { ApiError } from '../../lib/http.js';
import { isKey, t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { alertsApi, type AlertState } from './api.js';
import { applyChange, counts, deviceNames, shown, view, type View } from './store.js';

const names = {
  device: (id: string) => deviceNames.value.get(id) ?? id,
  zone: (id: string) => site.value?.zones.find((z) => z.id === id)?.name ?? id,
};

function AckForm({ a }: { a: AlertState }) {
  const note = useSignal('');
  const busy = useSignal(false);
  const error = useSignal('');
  const id = `ack-note-${a.key.replace(/[^a-z0-9-]/gi, '-')}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    error.value = '';
    try {
      applyChange(await alertsApi.ack(a.key, note.value.trim()));
    } catch (err) {
      const code = err instanceof ApiError ? `al.err.${err.code}` : '';
      error.value = isKey(code) ? t(code) : t('al.err.failed');
    } finally {
      busy.value = false;
    }
  };
  return (
    <form class="ack-form" onSubmit={submit} data-testid="ack-form">
      <label for={id}>{t('al.note')}</label>
      <input id={id} type="text" maxLength={500} value={note.value} onInput={(e) => (note.value = (e.target as HTMLInputElement).value)} data-testid="ack-note" />
      <button type="submit" disabled={busy.value} data-testid="ack">
        {t('al.ack')}
      </button>
      {error.value ? (
        <p class="ack-error" role="alert">
          {error.value}
        </p>
      ) : null}
    </form>
  );
}

function Item({ a }: { a: AlertState }) {
  return (
    <li class={`inbox-item sev-${a.severity}${a.ack ? ' acked' : ''}`} data-alert-key={a.key} data-state={a.state} data-acked={a.ack ? 'yes' : 'no'} data-testid="alert">
      <div class="inbox-head">
        <span class={`badge sev sev-${a.severity}`}>{t(`al.sev.${a.severity}`)}</span>
        {a.state === 'cleared' ? <span class="badge cleared">{t('al.cleared')}</span> : null}
        {a.count > 1 ? <span class="badge count" data-testid="alert-count">{t('al.count', { n: a.count })}</span> : null}
      </div>
      <p class="inbox-what">{alertText(a.what, names)}</p>
      <dl class="inbox-times">
        <dt>{t('al.firstSeen')}</dt>
        <dd>
          {fmtTime(a.firstSeen)} (<RelTime at={a.firstSeen} />)
        </dd>
        <dt>{t('al.lastSeen')}</dt>
        <dd>
          {fmtTime(a.lastSeen)} (<RelTime at={a.lastSeen} />)
        </dd>
        {a.clearedAt ? (
          <>
            <dt>{t('al.clearedAt')}</dt>
            <dd>{fmtTime(a.clearedAt)}</dd>
          </>
        ) : null}
        {a.zone ? (
          <>
            <dt>{t('al.zone')}</dt>
            <dd>{names.zone(a.zone)}</dd>
          </>
        ) : null}
      </dl>
      {a.ack ? (
        <p class="inbox-ack" data-testid="ack-by">
          {t('al.ackBy', { who: a.ack.by, time: fmtTime(a.ack.at) })}
          {a.ack.note ? <q>{a.ack.note}</q> : null}
        </p>
      ) : can('alerts.ack') ? (
        <AckForm a={a} />
      ) : null}
    </li>
  );
}

const VIEWS: View[] = ['open', 'active', 'cleared'];

export function Inbox() {
  const list = shown.value;
  return (
    <section class="panel inbox" aria-labelledby="inbox-h">
      <h2 id="inbox-h">{t('al.title')}</h2>
      <div class="inbox-views" role="group" aria-label={t('al.views')}>
        {VIEWS.map((v) => (
          <button key={v} type="button" aria-pressed={view.value === v} onClick={() => (view.value = v)} data-testid={`view-${v}`}>
            {t(`al.view.${v}`)} ({counts.value[v]})
          </button>
        ))}
      </div>
      <ul class="inbox-list" data-testid="alerts" aria-live="polite">
        {list.length ? list.map((a) => <Item key={a.key} a={a} />) : <li class="empty">{t(`al.empty.${view.value}`)}</li>}
      </ul>
    </section>
  );
}
