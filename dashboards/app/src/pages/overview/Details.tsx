// An indicator's details: what it measures, its numerator and denominator, each hamlet's figure,
// and what pulled it down, in words.
import { useEffect, useRef } from 'preact/hooks';
import { site } from '../../components/Shell.js';
import { fmtNum } from '../../lib/format.js';
import { pick, t } from '../../lib/i18n.js';
import type { Definition, Figure } from './api.js';
import { deviceNames } from './store.js';
import { findingWords, targetState, targetWords, valueText, type Names } from './words.js';

export function Details({ def, fig, onClose }: { def: Definition; fig: Figure; onClose: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Focus (and the view) moves to the details a tap opened: they sit below the tiles, off a phone's screen.
  useEffect(() => {
    heading.current?.focus();
  }, [def.id]);
  const hamletName = (id: string) => site.value?.hamlets.find((h) => h.id === id)?.name ?? id;
  const names: Names = { hamlet: hamletName, device: (id) => deviceNames.value.get(id) ?? id, zone: (id) => site.value?.zones.find((z) => z.id === id)?.name ?? id };
  return (
    <section id="ov-details" class="panel ov-details" data-testid="ov-details" data-indicator={def.id} aria-labelledby="ov-details-title">
      <div class="panel-head">
        <h2 id="ov-details-title" tabIndex={-1} ref={heading}>
          {pick(def.name)}
        </h2>
        <button type="button" class="btn btn-light btn-small" data-testid="ov-close" onClick={onClose}>
          {t('ov.close')}
        </button>
      </div>
      <p class="ov-figure">
        <strong data-testid="ov-details-value">{valueText(def, fig.value)}</strong>{' '}
        <span class="ov-target" data-state={targetState(fig.met)}>
          {targetWords(def, fig.met)}
        </span>
      </p>
      <h3>{t('ov.definition')}</h3>
      <p data-testid="ov-definition">{pick(def.definition)}</p>
      {def.mapsTo ? (
        <p class="ov-maps" data-testid="ov-maps">
          {t('ov.mapsTo')}: {pick(def.mapsTo)}
        </p>
      ) : null}
      <dl class="ov-ratio" data-testid="ov-ratio">
        <div>
          <dt>
            {t('ov.numerator')}: {pick(def.numerator)}
          </dt>
          <dd data-testid="ov-numerator">{fmtNum(fig.numerator)}</dd>
        </div>
        <div>
          <dt>
            {t('ov.denominator')}: {pick(def.denominator)}
          </dt>
          <dd data-testid="ov-denominator">{fmtNum(fig.denominator)}</dd>
        </div>
      </dl>
      {fig.hamlets.length > 0 ? (
        <div class="ov-table-wrap" role="region" aria-labelledby="ov-hamlets-caption" tabIndex={0}>
          <table class="ov-hamlets" data-testid="ov-hamlets">
            <caption id="ov-hamlets-caption">{t('ov.byHamlet')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ov.hamlet')}</th>
                <th scope="col">{pick(def.numerator)}</th>
                <th scope="col">{pick(def.denominator)}</th>
                <th scope="col">{t('ov.value')}</th>
              </tr>
            </thead>
            <tbody>
              {fig.hamlets.map((h) => (
                <tr key={h.hamlet} data-hamlet={h.hamlet}>
                  <th scope="row">{hamletName(h.hamlet)}</th>
                  <td>{fmtNum(h.numerator)}</td>
                  <td>{fmtNum(h.denominator)}</td>
                  <td>{valueText(def, h.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h3>{t('ov.findings')}</h3>
      {fig.findings.length ? (
        <ul class="ov-findings" data-testid="ov-findings">
          {fig.findings.map((f, i) => (
            <li key={i} data-code={f.code} data-hamlet={f.hamlet}>
              {findingWords(f, names)}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted" data-testid="ov-findings">
          {t('ov.noFindings')}
        </p>
      )}
    </section>
  );
}
