// The rules list, phone first: each rule's name, what it watches in words, an enabled switch, its
// state (idle / pending since / active since), the next deadline and the last firing.
import { useState } from 'preact/hooks';
import { Msg, refusal, type MessageFn } from '../../components/Msg.js';
import { fmtDateTime } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { rulesApi, type RuleView } from './api.js';
import { deviceName, go, rules, types } from './store.js';
import { summary, summaryWords, whenWords } from './words.js';

function Row({ v }: { v: RuleView }) {
  const r = v.rule;
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<MessageFn | null>(null);
  const s = summary(v);
  const toggle = async (on: boolean) => {
    setBusy(true);
    setMsg(null);
    try {
      const nv = await rulesApi.setEnabled(r.id, on);
      rules.value = rules.value.map((x) => (x.rule.id === r.id ? nv : x));
    } catch (err) {
      setMsg(() => refusal(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="card rule" data-testid="rule-row" data-rule={r.id} data-phase={s.phase}>
      <div class="card-head">
        <h3 class="card-title">
          <a href={`#rule=${encodeURIComponent(r.id)}`} data-testid="rule-open" onClick={(e) => (e.preventDefault(), go({ kind: 'rule', id: r.id }))}>
            {r.name}
          </a>
        </h3>
        {can('rules.manage') ? (
          <span class="switch">
            <input id={`on-${r.id}`} type="checkbox" role="switch" checked={r.enabled} disabled={busy} data-testid="rule-enabled" onChange={(e) => void toggle(e.currentTarget.checked)} />
            <label for={`on-${r.id}`}>{r.enabled ? t('ru.on') : t('ru.off')}</label>
          </span>
        ) : (
          <span class="chip">{r.enabled ? t('ru.on') : t('ru.off')}</span>
        )}
      </div>
      <p class="rule-when" data-testid="rule-when-words">
        {whenWords(r, types.value, deviceName)}
      </p>
      <p class={`rule-state phase-${s.phase}`} data-testid="rule-state">
        {summaryWords(s)}
      </p>
      <dl class="rule-facts">
        {v.nextDeadlineAt ? (
          <>
            <dt>{t('ru.next')}</dt>
            <dd data-testid="rule-next">{fmtDateTime(v.nextDeadlineAt)}</dd>
          </>
        ) : null}
        <dt>{t('ru.lastFired')}</dt>
        <dd data-testid="rule-last-fired">{s.lastFired ? fmtDateTime(s.lastFired) : t('ru.never')}</dd>
      </dl>
      <Msg msg={msg} />
    </li>
  );
}

export function List() {
  const list = [...rules.value].sort((a, b) => a.rule.name.localeCompare(b.rule.name, 'vi'));
  return (
    <section aria-labelledby="rules-h">
      <div class="rules-head">
        <h2 id="rules-h">{t('ru.list')}</h2>
        {can('rules.manage') ? (
          <button type="button" class="btn" data-testid="rule-new" onClick={() => go({ kind: 'new' })}>
            {t('ru.new')}
          </button>
        ) : null}
      </div>
      {list.length ? (
        <ul class="rule-list" data-testid="rule-list">
          {list.map((v) => (
            <Row key={v.rule.id} v={v} />
          ))}
        </ul>
      ) : (
        <p class="note" data-testid="rule-empty">
          {t('ru.empty')}
        </p>
      )}
    </section>
  );
}
