// The monthly report on A4, in the form of a commune's administrative report: the issuing People's
// Committee and the national motto, the title and period, a summary table (value, the month set
// beside it, the change, the target, a 12-month trend), the hamlet table, notable events, every
// indicator's definition with its numerator and denominator, and the signature block. On screen a
// toolbar picks the months and prints; printing hides everything but the sheet.
import { useEffect } from 'preact/hooks';
import { MonthSelect } from '../../components/MonthSelect.js';
import { site } from '../../components/Shell.js';
import { fmtDateTime, fmtNum, siteParts } from '../../lib/format.js';
import { serverNow } from '../../lib/http.js';
import { lang, pick, t, type Key } from '../../lib/i18n.js';
import { me } from '../../lib/session.js';
import type { Definition, Figure } from '../overview/api.js';
import { Spark } from '../overview/Spark.js';
import { addMonths, deltaWords, findingWords, monthLabel, targetState, targetText, valueText, type Names } from '../overview/words.js';
import { reportApi } from './api.js';
import { choose, compare, data, failure, period, pickerMonths, start, state, TREND_MONTHS, type ReportData } from './store.js';

/** The areas the indicators fall in, in the report's order, by their id's prefix. */
const AREAS: { prefix: string; label: Key }[] = [
  { prefix: 'radio-', label: 'rp.area.radio' },
  { prefix: 'lighting-', label: 'rp.area.lighting' },
  { prefix: 'irrigation-', label: 'rp.area.irrigation' },
  { prefix: 'plane-', label: 'rp.area.plane' },
];
const areaOf = (id: string) => AREAS.find((a) => id.startsWith(a.prefix));

function Toolbar() {
  const months = pickerMonths();
  const pick = (testid: string, label: Key, value: string, on: (m: string) => void) => <MonthSelect class="rp-pick" testid={testid} label={t(label)} months={months} value={value} onChange={on} />;
  return (
    <div class="rp-tools" data-testid="rp-tools">
      {pick('rp-period', 'rp.period', period.value, (m) => choose({ period: m, compare: addMonths(m, -1) }))}
      {pick('rp-compare', 'rp.compareWith', compare.value, (m) => choose({ compare: m }))}
      <div class="rp-actions">
        <button type="button" class="btn" data-testid="rp-print" onClick={() => window.print()}>
          {t('rp.print')}
        </button>
        <a class="btn btn-light" data-testid="rp-pdf" href={reportApi.pdfHref(period.value, compare.value, lang.value)} download>
          {t('rp.pdf')}
        </a>
        <a class="btn btn-light" data-testid="rp-csv" href={reportApi.csvHref(period.value)} download>
          {t('rp.csv')}
        </a>
      </div>
    </div>
  );
}

export function Report() {
  useEffect(() => start(), []);
  const d = data.value;
  return (
    <div class="rp">
      <Toolbar />
      {state.value === 'error' ? (
        <p class="rp-error" role="alert" data-testid="rp-error">
          {t('rp.error', { code: failure.value ?? '' })}
        </p>
      ) : null}
      {/* The server's printer waits for this mark: "ready" once every figure below is drawn. */}
      <article
        class="rp-sheet"
        data-testid="rp-sheet"
        data-report-state={state.value}
        data-report-error={failure.value}
        aria-busy={state.value === 'loading'}
        aria-label={t('rp.title')}
        // On a phone the A4 sheet scrolls sideways inside itself, also from the keyboard.
        tabIndex={0}
      >
        {d && d.period === period.value ? <Sheet d={d} /> : <p class="muted">{t('ov.loading')}</p>}
      </article>
    </div>
  );
}

function Sheet({ d }: { d: ReportData }) {
  const s = d.snapshot;
  const defs = s.definitions;
  const commune = site.value?.site.name ?? s.site;
  const hamletName = (id: string) => site.value?.hamlets.find((h) => h.id === id)?.name ?? id;
  const names: Names = { hamlet: hamletName, device: (id) => d.deviceNames.get(id) ?? id, zone: (id) => site.value?.zones.find((z) => z.id === id)?.name ?? id };
  const today = siteParts(serverNow());
  const place = commune.replace(/^(xã|phường|thị trấn)\s+/i, '');
  const months = Array.from({ length: TREND_MONTHS }, (_, i) => addMonths(d.period, i + 1 - TREND_MONTHS));
  const trendOf = (id: string, value: number | null) => {
    const series = d.history.series.find((x) => x.id === id)?.points ?? [];
    const points = new Map(series.map((p) => [p.period, p.value]));
    points.set(d.period, value);
    // A demo's seeded months are simulated: hollow on the trend, and said in words below the title.
    const sim = new Set(series.filter((p) => p.simulated).map((p) => p.period));
    if (s.simulated) sim.add(d.period);
    return { values: months.map((m) => points.get(m) ?? null), simulated: months.map((m) => sim.has(m)) };
  };
  const anySimulated = s.simulated === true || d.other.simulated === true || d.history.series.some((x) => x.points.some((p) => p.simulated));
  const otherOf = (id: string) => d.other.indicators.find((f) => f.id === id);
  const figures = defs.map((def) => ({ def, fig: s.indicators.find((f) => f.id === def.id) })).filter((x): x is { def: Definition; fig: Figure } => !!x.fig);
  const hamletDefs = figures.filter((x) => x.def.scope === 'hamlet');
  const hamlets = site.value?.hamlets ?? [];
  return (
    <>
      <header class="rp-head">
        <div class="rp-issuer">
          <p>{t('rp.committee')}</p>
          <p class="rp-strong">{commune.toUpperCase()}</p>
        </div>
        <div class="rp-nation">
          <p class="rp-strong">{t('rp.nation')}</p>
          <p class="rp-motto">{t('rp.motto')}</p>
          <p class="rp-dateline" data-testid="rp-dateline">
            {t('rp.dateline', { place, day: today.day, month: today.month, year: today.year })}
          </p>
        </div>
      </header>
      <h1 class="rp-title" data-testid="rp-title">
        {t('rp.heading')}
      </h1>
      <p class="rp-sub" data-testid="rp-sub">
        {t('rp.periodLine', { month: monthLabel(d.period) })} · {t('rp.compareLine', { month: monthLabel(d.compare) })}
      </p>
      <p class="rp-basis" data-testid="rp-basis">
        {s.simulated ? t('ov.simulatedMonth') : s.complete ? t('rp.settled', { time: fmtDateTime(s.computedAt) }) : t('rp.underWay', { time: fmtDateTime(s.to) })}
      </p>
      {anySimulated ? (
        <p class="rp-basis rp-simulated" data-testid="rp-simulated">
          {t('rp.simulated')}
        </p>
      ) : null}

      <section class="rp-section">
        <h2>{t('rp.summary')}</h2>
        <table class="rp-table rp-summary" data-testid="rp-summary">
          <thead>
            <tr>
              <th scope="col">{t('rp.indicator')}</th>
              <th scope="col">{monthLabel(d.period)}</th>
              <th scope="col">{monthLabel(d.compare)}</th>
              <th scope="col">{t('rp.change')}</th>
              <th scope="col">{t('rp.target')}</th>
              <th scope="col">{t('rp.trend', { n: TREND_MONTHS })}</th>
            </tr>
          </thead>
          {AREAS.map((a) => {
            const rows = figures.filter((x) => areaOf(x.def.id) === a);
            if (rows.length === 0) return null;
            return (
              <tbody key={a.prefix}>
                <tr class="rp-area">
                  <th colSpan={6} scope="rowgroup">
                    {t(a.label)}
                  </th>
                </tr>
                {rows.map(({ def, fig }) => {
                  const other = otherOf(def.id)?.value ?? null;
                  return (
                    <tr key={def.id} data-indicator={def.id}>
                      <th scope="row">{pick(def.name)}</th>
                      <td data-testid="rp-value">{valueText(def, fig.value)}</td>
                      <td>{valueText(def, other)}</td>
                      <td>{deltaWords(def, fig.value, other) ?? '—'}</td>
                      <td class="rp-target" data-state={targetState(fig.met)}>
                        {def.target ? `${targetText(def)}${fig.met === undefined ? '' : fig.met ? ` ✓ ${t('rp.met')}` : ` ✗ ${t('rp.notMet')}`}` : '—'}
                      </td>
                      <td class="rp-trend">
                        <Spark {...trendOf(def.id, fig.value)} percent={def.unit === '%'} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            );
          })}
        </table>
      </section>

      {hamletDefs.length > 0 && hamlets.length > 0 ? (
        <section class="rp-section">
          <h2>{t('rp.byHamlet')}</h2>
          <table class="rp-table rp-hamlets" data-testid="rp-hamlets">
            <thead>
              <tr>
                <th scope="col">{t('rp.indicator')}</th>
                {hamlets.map((h) => (
                  <th key={h.id} scope="col">
                    {h.name}
                  </th>
                ))}
                <th scope="col">{t('ov.commune')}</th>
              </tr>
            </thead>
            <tbody>
              {hamletDefs.map(({ def, fig }) => (
                <tr key={def.id} data-indicator={def.id}>
                  <th scope="row">{pick(def.name)}</th>
                  {hamlets.map((h) => (
                    <td key={h.id} data-hamlet={h.id}>
                      {valueText(def, fig.hamlets.find((x) => x.hamlet === h.id)?.value ?? null)}
                    </td>
                  ))}
                  <td>{valueText(def, fig.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section class="rp-section" data-testid="rp-notable">
        <h2>{t('rp.notable')}</h2>
        <h3>{t('rp.emergencies')}</h3>
        {d.notable.emergencies.length ? (
          <ul data-testid="rp-emergencies">
            {d.notable.emergencies.map((e) => (
              <li key={e.bulletin}>
                {t('rp.emergency', { time: fmtDateTime(e.airedAt), title: e.title, played: e.played, clusters: e.clusters })}
                {e.slowestS !== undefined ? ` ${t('rp.slowest', { s: fmtNum(e.slowestS) })}` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('rp.noEmergencies')}</p>
        )}
        <h3>{t('rp.outages', { h: 24 })}</h3>
        {d.notable.outages.length ? (
          <ul data-testid="rp-outages">
            {d.notable.outages.map((o) => (
              <li key={o.device}>{t('rp.outage', { hamlet: o.hamlet ? hamletName(o.hamlet) : t('ov.commune'), device: names.device(o.device), hours: fmtNum(o.hours, 1) })}</li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('rp.noOutages')}</p>
        )}
      </section>

      <section class="rp-section rp-defs" data-testid="rp-defs">
        <h2>{t('rp.definitions')}</h2>
        {figures.map(({ def, fig }, i) => (
          <div class="rp-def" key={def.id} data-indicator={def.id}>
            <h3>
              {i + 1}. {pick(def.name)}: <span data-testid="rp-def-value">{valueText(def, fig.value)}</span>
            </h3>
            <p>{pick(def.definition)}</p>
            <p class="rp-ratio">
              {t('ov.numerator')} ({pick(def.numerator)}): <strong>{fmtNum(fig.numerator, 2)}</strong>; {t('ov.denominator')} ({pick(def.denominator)}): <strong>{fmtNum(fig.denominator, 2)}</strong>
              {def.mapsTo ? `; ${t('ov.mapsTo').toLowerCase()} ${pick(def.mapsTo)}` : ''}.
            </p>
            {fig.findings.length ? (
              <ul class="rp-findings">
                {fig.findings.map((f, k) => (
                  <li key={k} data-code={f.code}>
                    {findingWords(f, names)}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ))}
      </section>

      <footer class="rp-sign" data-testid="rp-sign">
        <div>
          <p class="rp-strong">{t('rp.preparedBy')}</p>
          <p class="rp-hint">{t('rp.signHint')}</p>
          <p class="rp-name" data-testid="rp-prepared-name">
            {me.value?.user?.name ?? ''}
          </p>
        </div>
        <div>
          <p class="rp-strong">{t('rp.onBehalf')}</p>
          <p class="rp-strong">{t('rp.chairman')}</p>
          <p class="rp-hint">{t('rp.sealHint')}</p>
        </div>
      </footer>
    </>
  );
}
