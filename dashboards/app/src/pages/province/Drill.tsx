// A district's or a commune's drill-down: for a district its communes, then the area's months (a
// sparkline per indicator and a small table, newest first). The history has finished months only;
// the month shown, when still under way, comes from the table, marked "so far".
import { useEffect, useRef } from 'preact/hooks';
import { Msg } from '../../components/Msg.js';
import { pick, t } from '../../lib/i18n.js';
import { Spark } from '../overview/Spark.js';
import { addMonths, monthLabel } from '../overview/words.js';
import type { ProvinceFigure } from './api.js';
import { FigureCell } from './Table.js';
import { closeDrill, drill, history, historyError, HISTORY_MONTHS, openDrill, period, table, thisMonth } from './store.js';
import { sourceText } from './words.js';

export function Drill() {
  const heading = useRef<HTMLHeadingElement>(null);
  const area = drill.value;
  const tb = table.value;
  const key = area ? JSON.stringify(area) : '';
  // A click in the table opens the panel below it: focus goes there, as on the overview's details.
  useEffect(() => {
    if (area) heading.current?.focus();
  }, [key]);
  if (!area || !tb) return null;
  const row = 'commune' in area ? tb.communes.find((c) => c.id === area.commune) : undefined;
  const dist = 'district' in area ? tb.districts.find((d) => d.district === area.district) : undefined;
  const title = 'commune' in area ? (row ? `${row.name} (${row.district})` : area.commune) : area.district;
  const current: Record<string, ProvinceFigure> = row?.figures ?? dist?.figures ?? {};
  const members = 'district' in area ? tb.communes.filter((c) => c.district === area.district).sort((a, b) => a.name.localeCompare(b.name, 'vi')) : [];
  const h = history.value;
  const months = Array.from({ length: HISTORY_MONTHS }, (_, i) => addMonths(period.value, i + 1 - HISTORY_MONTHS));
  const underWay = period.value === thisMonth.value;
  const pointOf = (id: string, m: string): ProvinceFigure | undefined => {
    if (m === period.value && underWay) return current[id];
    const p = h?.series.find((s) => s.id === id)?.points.find((x) => x.period === m);
    return p ? { numerator: p.numerator, denominator: p.denominator, value: p.value, met: p.met } : undefined;
  };
  // Newest first; a month with no figure at all is left out (the commune had not started).
  const shownMonths = [...months].reverse().filter((m) => tb.definitions.some((d) => pointOf(d.id, m)));
  return (
    <section class="panel pv-drill" data-testid="pv-drill" data-area={'commune' in area ? 'commune' : 'district'} data-id={'commune' in area ? area.commune : area.district} aria-labelledby="pv-drill-h" aria-busy={!h && !historyError.value}>
      <div class="panel-head">
        <h2 id="pv-drill-h" tabIndex={-1} ref={heading}>
          {t('commune' in area ? 'pv.drillCommune' : 'pv.drillDistrict', { name: title })}
        </h2>
        <button type="button" class="btn btn-light btn-small" data-testid="pv-drill-close" onClick={closeDrill}>
          {t('ov.close')}
        </button>
      </div>
      {row ? (
        <p class="muted" data-testid="pv-drill-source">
          {sourceText(row)}
        </p>
      ) : null}
      {members.length ? (
        <>
          <h3>{t('pv.districtCommunes', { n: members.length })}</h3>
          <ul class="pv-members" data-testid="pv-drill-communes">
            {members.map((c) => (
              <li key={c.id} data-commune={c.id}>
                <button type="button" class="pv-link" onClick={() => void openDrill({ commune: c.id })}>
                  {c.name}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>{t('pv.months', { n: HISTORY_MONTHS })}</h3>
      <Msg msg={historyError.value} testid="pv-drill-error" />
      {!h && !historyError.value ? <p class="muted">{t('ov.loading')}</p> : null}
      {h ? (
        <div class="pv-wrap" role="region" aria-labelledby="pv-history-caption" tabIndex={0}>
          <table class="pv-table pv-history" data-testid="pv-history">
            <caption id="pv-history-caption" class="sr">
              {t('pv.months', { n: HISTORY_MONTHS })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('ov.month')}</th>
                {tb.definitions.map((d) => (
                  <th key={d.id} scope="col">
                    {pick(d.name)}
                  </th>
                ))}
              </tr>
              <tr class="pv-trend">
                <th scope="row">{t('ov.trend')}</th>
                {tb.definitions.map((d) => (
                  <td key={d.id}>
                    <Spark values={months.map((m) => pointOf(d.id, m)?.value ?? null)} percent={d.unit === '%'} />
                  </td>
                ))}
              </tr>
            </thead>
            <tbody>
              {shownMonths.length === 0 ? (
                <tr>
                  <td colSpan={1 + tb.definitions.length} class="muted" data-testid="pv-history-empty">
                    {t('pv.noHistory')}
                  </td>
                </tr>
              ) : null}
              {shownMonths.map((m) => (
                <tr key={m} data-testid="pv-history-row" data-month={m}>
                  <th scope="row">
                    {monthLabel(m)}
                    {m === period.value && underWay ? ` (${t('pv.soFar')})` : ''}
                  </th>
                  {tb.definitions.map((d) => (
                    <FigureCell key={d.id} def={d} fig={pointOf(d.id, m)} />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
