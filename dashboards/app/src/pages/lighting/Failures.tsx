// The lamps reporting a fault now (alerts from their codes, in words), and those cleared lately.
import { RelTime } from '../../components/Time.js';
import { fmtTime } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import type { Alert } from '../../api.js';
import { failures, lightName } from './store.js';
import { failureOf, kindText } from './words.js';

const RECENT_SHOWN = 10;


function Active({ a }: { a: Alert }) {
  const f = failureOf(a);
  const who = f ? lightName(f.device) : '';
  const what = f ? kindText(f.kind) : a.key;
  return (
    <li class={`alert failure alert-${a.severity}`} data-alert-key={a.key} data-severity={a.severity} data-testid="failure">
      <strong>{who ? `${what}: ` : what}</strong>
      {who ? <span class="failure-light">{who}</span> : null}
      {` · ${t('lit.since', { time: fmtTime(a.startedAt) })} (`}
      <RelTime at={a.startedAt} />
      {')'}
      {a.message ? (
        <small class="raw" lang="en">
          {a.message}
        </small>
      ) : null}
    </li>
  );
}

export function Failures() {
  const active = [...failures.value.active].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const recent = failures.value.recent.slice(0, RECENT_SHOWN);
  return (
    <section id="failures" class={`panel lit-failures${active.length ? ' has-active' : ''}`} data-testid="failures" aria-labelledby="failures-h">
      <h2 id="failures-h">{t('lit.failures')}</h2>
      <ul id="failure-list" class="alert-list failure-list" data-testid="failures-active" aria-live="polite">
        {active.length ? active.map((a) => <Active key={a.key} a={a} />) : <li class="empty">{t('lit.noFailures')}</li>}
      </ul>
      <details id="failure-recent" class="recent" hidden={recent.length === 0}>
        <summary id="failure-recent-h">{t('lit.recentFailures', { n: recent.length })}</summary>
        <ol id="failure-recent-list" class="history" data-testid="failures-recent">
          {recent.map((a, i) => {
            const f = failureOf(a);
            return (
              <li key={`${a.key}|${a.startedAt}|${i}`} class="hist" data-alert-key={a.key}>
                <time datetime={new Date(a.endedAt ?? a.startedAt).toISOString()}>{t('lit.fromTo', { from: fmtTime(a.startedAt), to: a.endedAt ? fmtTime(a.endedAt) : '…' })}</time>
                <span>{f ? `${kindText(f.kind)}: ${lightName(f.device)}` : a.key}</span>
              </li>
            );
          })}
        </ol>
      </details>
    </section>
  );
}
