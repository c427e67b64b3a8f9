// The overview: the month picker, a tile per indicator, and the open tile's details.
import { useEffect } from 'preact/hooks';
import { MonthSelect } from '../../components/MonthSelect.js';
import { fmtTime } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { Details } from './Details.js';
import { chooseMonth, loading, month, openId, pickerMonths, snapshot, start, TREND_MONTHS, trend } from './store.js';
import { Tile } from './Tile.js';
import { addMonths } from './words.js';

export function Overview() {
  useEffect(() => start(), []);
  const s = snapshot.value;
  const h = trend.value;
  const months = Array.from({ length: TREND_MONTHS }, (_, i) => addMonths(month.value, i + 1 - TREND_MONTHS));
  const prevMonth = addMonths(month.value, -1);
  const open = s && openId.value ? s.indicators.find((f) => f.id === openId.value) : undefined;
  const openDef = open && s?.definitions.find((d) => d.id === open.id);
  // A demo's seeded months are simulated: marked on the sparklines, and said once on the page.
  const anySimulated = !!s && (s.simulated === true || !!h?.series.some((x) => x.points.some((p) => p.simulated && months.includes(p.period))));
  return (
    <section class="ov" aria-labelledby="ov-heading">
      <div class="ov-head">
        <h2 id="ov-heading">{t('ov.heading')}</h2>
        {month.value ? <MonthSelect class="ov-month" testid="ov-month" label={t('ov.month')} months={pickerMonths()} value={month.value} onChange={chooseMonth} /> : null}
        {month.value ? (
          <a class="btn btn-light" data-testid="ov-report" href={`/app/report.html?${new URLSearchParams({ period: month.value, compare: prevMonth })}`}>
            {t('ov.report')}
          </a>
        ) : null}
      </div>
      {s && s.period === month.value ? (
        <p class="muted" data-testid="ov-period">
          {s.simulated ? t('ov.simulatedMonth') : s.complete ? t('ov.computedAt', { time: fmtTime(s.computedAt) }) : t('ov.underWay', { time: fmtTime(s.to) })}
        </p>
      ) : (
        <p class="muted" data-testid="ov-period">
          {loading.value ? t('ov.loading') : ''}
        </p>
      )}
      {anySimulated ? (
        <p class="muted ov-sim-note" data-testid="ov-simulated">
          {t('ov.simulatedNote')}
        </p>
      ) : null}
      {s && s.indicators.length === 0 ? <p data-testid="ov-none">{t('ov.none')}</p> : null}
      <ul class="ov-tiles" data-testid="ov-tiles" data-period={s?.period} aria-busy={loading.value}>
        {s?.definitions.map((d) => {
          const f = s.indicators.find((x) => x.id === d.id);
          if (!f) return null;
          const series = h?.series.find((x) => x.id === d.id)?.points ?? [];
          const points = new Map(series.map((p) => [p.period, p.value]));
          const sim = new Set(series.filter((p) => p.simulated).map((p) => p.period));
          // The month under way is not in the history: its figure so far is the snapshot's.
          points.set(s.period, f.value);
          if (s.simulated) sim.add(s.period);
          return (
            <li key={d.id}>
              <Tile
                def={d}
                fig={f}
                prev={points.get(prevMonth)}
                trend={months.map((m) => points.get(m) ?? null)}
                simulated={months.map((m) => sim.has(m))}
                open={openId.value === d.id}
                onOpen={() => (openId.value = openId.value === d.id ? undefined : d.id)}
              />
            </li>
          );
        })}
      </ul>
      {open && openDef ? <Details def={openDef} fig={open} onClose={() => (openId.value = undefined)} /> : null}
    </section>
  );
}
