// Active alerts at the top of the page: the sentence from the alert's code, then the server's own words.
import { t } from '../../lib/i18n.js';
import { alerts } from './store.js';
import { RelTime } from './time.js';
import { alertWords } from './words.js';

export function Alerts() {
  const list = alerts.value;
  return (
    <section id="alerts" class="irr-alerts" data-testid="alerts" aria-labelledby="alerts-h" hidden={list.length === 0}>
      <h2 id="alerts-h">{t('irr.alerts')}</h2>
      <ul id="alert-list" class="alert-list">
        {list.map((a) => {
          const words = alertWords(a.what) ?? a.message;
          return (
            <li key={a.key} class={`alert alert-${a.severity}`} data-alert-key={a.key} data-severity={a.severity}>
              <strong>{`${t(`irr.severity.${a.severity}`)}: `}</strong>
              <span>{words}</span>
              {' · '}
              <RelTime at={a.startedAt} />
              {words !== a.message ? (
                <small class="raw" lang="en">
                  {a.message}
                </small>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
