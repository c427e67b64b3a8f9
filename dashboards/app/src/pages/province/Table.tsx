// The month's table: one row per commune (name, district, freshness, source, a cell per indicator)
// sortable by any column, then the district totals and the province's. A commune's name or a
// district opens its drill-down; an indicator's header carries its definition as a tooltip.
import { serverNow } from '../../lib/http.js';
import { fmtNum } from '../../lib/format.js';
import { pick, t, type Key } from '../../lib/i18n.js';
import { targetState, targetText, unitText, valueText } from '../overview/words.js';
import type { AreaTotals, Definition, ProvinceFigure } from './api.js';
import { drill, openDrill, rows, sort, table } from './store.js';
import { ariaSort, freshness, nextSort, sourceText, type SortKey } from './words.js';

/** An indicator's header: its name and unit, its definition and target as the tooltip. */
const defTitle = (d: Definition) => [pick(d.definition), d.target ? `${t('pv.target')} ${targetText(d)}` : ''].filter(Boolean).join(' · ');

function SortHeader({ k, label, title, testid }: { k: SortKey; label: string; title?: string; testid: string }) {
  const s = ariaSort(sort.value, k);
  return (
    <th scope="col" aria-sort={s} data-sort-key={k}>
      <button type="button" class="pv-sort" data-testid={testid} title={title} onClick={() => (sort.value = nextSort(sort.value, k))}>
        {label}
        <span class="pv-arrow" aria-hidden="true">
          {s === 'ascending' ? ' ▲' : s === 'descending' ? ' ▼' : ' ↕'}
        </span>
      </button>
    </th>
  );
}

/** A figure with its unit, and whether it meets the target (✓ / ✗, said in words to a screen reader). */
export function FigureCell({ def, fig }: { def: Definition; fig: ProvinceFigure | undefined }) {
  const state = targetState(fig?.met);
  return (
    <td class="pv-fig" data-indicator={def.id} data-num={fig?.numerator} data-den={fig?.denominator} data-value={fig?.value ?? undefined} data-state={state} title={fig ? `${fmtNum(fig.numerator, 2)} / ${fmtNum(fig.denominator, 2)}` : undefined}>
      {fig ? valueText(def, fig.value) : '—'}
      {state === 'none' ? null : (
        <>
          <span class="pv-mark" aria-hidden="true">
            {state === 'met' ? ' ✓' : ' ✗'}
          </span>
          <span class="sr"> {state === 'met' ? t('pv.met') : t('pv.notMet')}</span>
        </>
      )}
    </td>
  );
}

const headLabel = (d: Definition) => {
  const u = unitText(d.unit);
  return u ? `${pick(d.name)} (${u})` : pick(d.name);
};

export function CommuneTable() {
  const tb = table.value;
  if (!tb) return null;
  const defs = tb.definitions;
  const now = serverNow();
  const list = rows.value;
  return (
    <div class="pv-wrap" role="region" aria-labelledby="pv-table-caption" tabIndex={0}>
      <table class="pv-table" data-testid="pv-table" data-period={tb.period}>
        <caption id="pv-table-caption">{t('pv.communesCaption', { n: list.length })}</caption>
        <thead>
          <tr>
            <SortHeader k="name" label={t('pv.commune')} testid="pv-sort-name" />
            <SortHeader k="district" label={t('pv.district')} testid="pv-sort-district" />
            <SortHeader k="heard" label={t('pv.lastHeard')} testid="pv-sort-heard" />
            <SortHeader k="source" label={t('pv.source')} testid="pv-sort-source" />
            {defs.map((d) => (
              <SortHeader key={d.id} k={`ind:${d.id}`} label={headLabel(d)} title={defTitle(d)} testid={`pv-sort-${d.id}`} />
            ))}
          </tr>
        </thead>
        <tbody>
          {list.length === 0 ? (
            <tr>
              <td colSpan={4 + defs.length} class="muted" data-testid="pv-empty">
                {t('pv.noCommunes')}
              </td>
            </tr>
          ) : null}
          {list.map((c) => {
            const f = freshness(c.lastHeardAt, now);
            const open = drill.value && 'commune' in drill.value && drill.value.commune === c.id;
            return (
              <tr key={c.id} data-testid="pv-row" data-commune={c.id} data-stale={String(f.stale)}>
                <th scope="row">
                  <button type="button" class="pv-link" data-testid="pv-open-commune" aria-expanded={!!open} onClick={() => void openDrill({ commune: c.id })}>
                    {c.name}
                  </button>
                  {c.simulated ? <span class="pv-sim"> {t('pv.simulated')}</span> : null}
                </th>
                <td data-testid="pv-district">{c.district}</td>
                <td data-testid="pv-heard" class={f.stale ? 'pv-stale' : undefined}>
                  {f.stale ? (
                    <>
                      <span aria-hidden="true">⚠ </span>
                      <span class="sr">{t('pv.staleMark')} </span>
                    </>
                  ) : null}
                  {f.text}
                </td>
                <td data-testid="pv-source" data-source={c.source}>
                  {sourceText(c)}
                </td>
                {defs.map((d) => (
                  <FigureCell key={d.id} def={d} fig={c.figures[d.id]} />
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function TotalsRow({ label, totals, district }: { label: string; totals: AreaTotals; district?: string }) {
  const defs = table.value?.definitions ?? [];
  const open = district !== undefined && drill.value && 'district' in drill.value && drill.value.district === district;
  return (
    <tr data-testid={district === undefined ? 'pv-total' : 'pv-district-row'} data-district={district}>
      <th scope="row">
        {district === undefined ? (
          label
        ) : (
          <button type="button" class="pv-link" data-testid="pv-open-district" aria-expanded={!!open} onClick={() => void openDrill({ district })}>
            {label}
          </button>
        )}
      </th>
      <td data-testid="pv-reporting">{t('pv.reportingOf', { reporting: totals.reporting, communes: totals.communes })}</td>
      {defs.map((d) => (
        <FigureCell key={d.id} def={d} fig={totals.figures[d.id]} />
      ))}
    </tr>
  );
}

export function TotalsTable({ only }: { only: string }) {
  const tb = table.value;
  if (!tb) return null;
  const districts = tb.districts.filter((d) => !only || d.district === only).sort((a, b) => a.district.localeCompare(b.district, 'vi'));
  return (
    <div class="pv-wrap" role="region" aria-labelledby="pv-totals-caption" tabIndex={0}>
      <table class="pv-table pv-totals" data-testid="pv-totals">
        <caption id="pv-totals-caption">{t('pv.totalsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('pv.district')}</th>
            <th scope="col">{t('pv.reporting')}</th>
            {tb.definitions.map((d) => (
              <th key={d.id} scope="col" title={defTitle(d)}>
                {headLabel(d)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {districts.map((d) => (
            <TotalsRow key={d.district} label={d.district} totals={d} district={d.district} />
          ))}
        </tbody>
        <tfoot>
          <TotalsRow label={t('pv.total', { name: tb.province.name })} totals={tb.total} />
        </tfoot>
      </table>
    </div>
  );
}

/** Every indicator's definition, numerator, denominator and target: on screen and in print. */
export function Definitions() {
  const tb = table.value;
  if (!tb) return null;
  const line = (k: Key, v: string) => (
    <p>
      <strong>{t(k)}:</strong> {v}
    </p>
  );
  return (
    <section class="panel pv-defs" data-testid="pv-defs" aria-labelledby="pv-defs-h">
      <h2 id="pv-defs-h">{t('pv.definitions')}</h2>
      {tb.definitions.map((d) => (
        <div key={d.id} class="pv-def" data-indicator={d.id} id={`pv-def-${d.id}`}>
          <h3>{pick(d.name)}</h3>
          <p>{pick(d.definition)}</p>
          {line('ov.numerator', pick(d.numerator))}
          {line('ov.denominator', pick(d.denominator))}
          {d.target ? line('pv.target', targetText(d)) : null}
          {d.mapsTo ? line('ov.mapsTo', pick(d.mapsTo)) : null}
        </div>
      ))}
    </section>
  );
}
