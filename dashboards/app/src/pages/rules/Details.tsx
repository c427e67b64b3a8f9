// One rule: what it watches, its state per target, and its trace (the last 50 evaluations: time,
// target, phase, why), newest first. Kept current two ways: a rule's alert changing (the stream's
// `alertChanged`, key rule:<id>:…, heard by the page: main.tsx) reads the rules again at once,
// since firing and clearing are what a reader waits for; and a 30 s poll here, since the rest of
// the trace (a pending start, a guard, a cooldown) raises no event.
import { useEffect, useState } from 'preact/hooks';
import { Msg, refusal, type MessageFn } from '../../components/Msg.js';
import { fmtDateTime, fmtNum } from '../../lib/format.js';
import { t, type Key } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { rulesApi } from './api.js';
import { deviceName, go, reloadOne, rules, types } from './store.js';
import { summary, summaryWords, whenWords } from './words.js';

export const POLL_MS = 30_000;

export function Details({ id }: { id: string }) {
  const v = rules.value.find((x) => x.rule.id === id);
  const [msg, setMsg] = useState<MessageFn | null>(null);
  const refresh = () => void reloadOne(id).catch((err: unknown) => setMsg(() => refusal(err)));
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, POLL_MS);
    return () => clearInterval(timer);
  }, [id]);
  if (!v) return <Msg msg={msg} />;
  const r = v.rule;
  const s = summary(v);
  const targets = Object.entries(v.state?.targets ?? {});
  const remove = async () => {
    if (!confirm(t('ru.confirmDelete', { name: r.name }))) return;
    try {
      await rulesApi.remove(id);
      rules.value = rules.value.filter((x) => x.rule.id !== id);
      go({ kind: 'list' });
    } catch (err) {
      setMsg(() => refusal(err));
    }
  };
  return (
    <section aria-labelledby="rule-h" data-testid="rule-details">
      <p>
        <a href="#" data-testid="rule-back" onClick={(e) => (e.preventDefault(), go({ kind: 'list' }))}>
          {t('ru.back')}
        </a>
      </p>
      <h2 id="rule-h">{r.name}</h2>
      <p class="rule-when">{whenWords(r, types.value, deviceName)}</p>
      <p class={`rule-state phase-${s.phase}`} data-testid="rule-state">
        {summaryWords(s)}
      </p>
      {v.nextDeadlineAt ? <p class="note">{t('ru.nextAt', { time: fmtDateTime(v.nextDeadlineAt) })}</p> : null}
      {can('rules.manage') ? (
        <div class="btn-row">
          <button type="button" class="btn" data-testid="rule-edit" onClick={() => go({ kind: 'edit', id })}>
            {t('ru.edit')}
          </button>
          <button type="button" class="btn btn-danger" data-testid="rule-delete" onClick={() => void remove()}>
            {t('ru.delete')}
          </button>
        </div>
      ) : null}
      <Msg msg={msg} />
      {targets.length ? (
        <>
          <h3>{t('ru.targets')}</h3>
          <ul class="targets" data-testid="rule-targets">
            {targets.map(([k, x]) => (
              <li key={k}>
                <strong>{k === '*' ? t('ru.test.all') : k === 'time' ? t('ru.kind.time') : deviceName(k)}</strong>: {t(`ru.phase.${x.phase}` as Key)}
                {'since' in x ? ` · ${fmtDateTime(x.since)}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3 id="trace-h">{t('ru.trace')}</h3>
      {v.trace.length ? (
        <div class="table-wrap" role="region" aria-labelledby="trace-h" tabIndex={0}>
          <table class="trace" data-testid="rule-trace">
            <thead>
              <tr>
                <th scope="col">{t('ru.tr.time')}</th>
                <th scope="col">{t('ru.tr.target')}</th>
                <th scope="col">{t('ru.tr.phase')}</th>
                <th scope="col">{t('ru.tr.why')}</th>
              </tr>
            </thead>
            <tbody>
              {[...v.trace].reverse().map((e, i) => (
                <tr key={i} data-fired={e.fired ? 'yes' : undefined}>
                  <td>{fmtDateTime(e.at)}</td>
                  <td>{e.target ? (e.target === '*' ? t('ru.test.all') : deviceName(e.target)) : ''}</td>
                  <td>
                    {t(`ru.phase.${e.phase}` as Key)}
                    {e.fired ? ` · ${t('ru.tr.fired')}` : ''}
                  </td>
                  <td>
                    {e.why}
                    {e.value !== undefined ? ` (${fmtNum(e.value)})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="note">{t('ru.noTrace')}</p>
      )}
    </section>
  );
}
