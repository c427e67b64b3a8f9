// The last runs and program starts, newest first, with why each ended as it did.
import { fmtDuration, fmtNum, fmtTime, withUnit } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import type { History as Item } from './api.js';
import { history, now, programName, zoneName } from './store.js';
import { noteText, reasonText } from './words.js';

function Entry({ e }: { e: Item }) {
  if ('outcome' in e) {
    const detail = [e.outcome === 'started' && e.levelPct !== undefined ? t('irr.levelAt', { pct: e.levelPct }) : '', noteText(e.reasonCode, e.reason)].filter(Boolean).join(' · ');
    return (
      <li class={`hist hist-program hist-${e.outcome}`} data-program={e.program} data-outcome={e.outcome}>
        <time dateTime={new Date(e.at).toISOString()}>{fmtTime(e.at)}</time>
        <span class="hist-what">
          <strong>{`${t('irr.reason.program')} “${programName(e.program)}”`}</strong>
          {` · ${t(`irr.outcome.${e.outcome}`)}`}
        </span>
        <span class="hist-detail">{detail}</span>
      </li>
    );
  }
  const ran = e.startedAt ? ((e.endedAt ?? now.value) - e.startedAt) / 1000 : 0;
  const detail = [
    reasonText(e),
    e.startedAt ? t('irr.ranFor', { ran: fmtDuration(ran), planned: fmtDuration(e.durationS) }) : t('irr.notStarted'),
    e.liters !== undefined ? withUnit(fmtNum(e.liters, 1), 'L') : '',
    noteText(e.noteCode, e.note),
  ].filter(Boolean);
  const at = e.endedAt ?? e.queuedAt;
  return (
    <li class={`hist hist-run hist-${e.status}`} data-run-id={e.id} data-status={e.status} data-zone={e.zone}>
      <time dateTime={new Date(at).toISOString()}>{fmtTime(at)}</time>
      <span class="hist-what">
        <strong>{zoneName(e.zone)}</strong>
        {' · '}
        <span class={`st st-${e.status}`}>{t(`irr.status.${e.status}`)}</span>
      </span>
      <span class="hist-detail">{detail.join(' · ')}</span>
    </li>
  );
}

export function History() {
  const list = history.value;
  return (
    <section id="history" class="panel" aria-labelledby="history-h">
      <h2 id="history-h">{t('irr.history')}</h2>
      <ol id="history-list" class="history" data-testid="history">
        {list.length ? list.map((e) => <Entry key={'outcome' in e ? `p|${e.program}|${e.at}` : e.id} e={e} />) : <li class="empty">{t('irr.noHistory')}</li>}
      </ol>
    </section>
  );
}
