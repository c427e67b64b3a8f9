// The loudspeaker clusters as they report themselves, and the month's broadcast log as a CSV.
import { signal } from '@preact/signals';
import { fmtNum, withUnit } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { serverNow } from '../../lib/http.js';
import { LevelBadge } from './Lists.js';
import { bulletins, clusters } from './store.js';
import { monthOf } from './words.js';

export function Clusters() {
  return (
    <section id="clusters" class="panel" data-testid="clusters" aria-labelledby="clusters-h">
      <h2 id="clusters-h">{t('radio.clusters')}</h2>
      <div class="table-wrap">
        <table class="data-table clusters-table">
          <thead>
            <tr>
              <th scope="col">{t('radio.col.cluster')}</th>
              <th scope="col">{t('radio.col.avail')}</th>
              <th scope="col">{t('radio.col.amp')}</th>
              <th scope="col">{t('radio.col.playing')}</th>
              <th scope="col">{t('radio.col.volume')}</th>
            </tr>
          </thead>
          <tbody id="cluster-rows" data-testid="cluster-rows">
            {clusters.value.length ? (
              clusters.value.map((c) => {
                const amp = c.amplifierOk === true ? 'ok' : c.amplifierOk === false ? 'fault' : 'unknown';
                const b = c.broadcastId ? bulletins.value.get(c.broadcastId) : undefined;
                const avail = c.availability === 'online' || c.availability === 'offline' ? c.availability : 'unknown';
                return (
                  <tr key={c.id} data-cluster-id={c.id} data-availability={c.availability} data-amplifier={amp} data-playing={String(c.playing)} data-testid="cluster">
                    <th scope="row">
                      <span class="cl-name">{c.name}</span>
                      <small class="cl-hamlet">{c.hamletName}</small>
                    </th>
                    <td>
                      <span class={`avail avail-${c.availability}`} data-testid="cluster-avail">
                        {t(`avail.${avail}`)}
                      </span>
                    </td>
                    <td>
                      <span class={`chip amp-${amp}`} data-testid="cluster-amp">
                        {t(`radio.amp.${amp}`)}
                      </span>
                    </td>
                    <td data-testid="cluster-playing">
                      {c.playing ? (
                        <span>
                          {b ? b.title : t('radio.playingOther', { id: c.broadcastId ?? '?' })} {c.priority ? <LevelBadge level={c.priority} /> : null}
                        </span>
                      ) : (
                        <span class="muted">{t('radio.idle')}</span>
                      )}
                    </td>
                    <td class="num">{typeof c.volumePct === 'number' ? withUnit(fmtNum(c.volumePct), '%') : '—'}</td>
                  </tr>
                );
              })
            ) : (
              <tr>
                <td colSpan={5} class="empty">
                  {t('radio.noClusters')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const month = signal('');

export function Log() {
  const m = /^\d{4}-\d{2}$/.test(month.value) ? month.value : monthOf(serverNow());
  return (
    <section id="log" class="panel" data-testid="log" aria-labelledby="log-h">
      <h2 id="log-h">{t('radio.log')}</h2>
      <form id="log-form" class="cmd-form" noValidate onSubmit={(e) => e.preventDefault()}>
        <div class="fields">
          <div class="field">
            <label for="log-month">{t('radio.log.month')}</label>
            <input id="log-month" type="month" data-testid="log-month" value={m} onInput={(e) => (month.value = e.currentTarget.value)} />
          </div>
          <a id="log-csv" class="btn btn-light link-btn" href={`/api/radio/log?month=${encodeURIComponent(m)}&format=csv`} download={`radio-log-${m}.csv`} data-testid="log-csv">
            {t('radio.log.csv')}
          </a>
          <small class="hint">{t('radio.log.hint')}</small>
        </div>
      </form>
    </section>
  );
}
