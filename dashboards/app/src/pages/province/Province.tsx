// The page: the toolbar (month, district filter, print, CSV), the heading a printout carries, the
// communes' table, the totals, the open drill-down, the definitions, and the admins' communes.
import { useEffect } from 'preact/hooks';
import { MonthSelect } from '../../components/MonthSelect.js';
import { site } from '../../components/Shell.js';
import { lang, t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { monthLabel } from '../overview/words.js';
import { provinceApi } from './api.js';
import { Communes } from './Communes.js';
import { Drill } from './Drill.js';
import { useStream } from '../../stream.js';
import { applyPush, chooseMonth, district, districts, loading, period, pickerMonths, resync, start, table, thisMonth } from './store.js';
import { CommuneTable, Definitions, TotalsTable } from './Table.js';

function Toolbar() {
  return (
    <div class="pv-tools" data-testid="pv-tools">
      <MonthSelect class="pv-pick" testid="pv-month" label={t('ov.month')} months={pickerMonths()} value={period.value} onChange={chooseMonth} />
      <label class="pv-pick">
        <span>{t('pv.district')}</span>
        <select data-testid="pv-filter" value={district.value} onChange={(e) => (district.value = e.currentTarget.value)}>
          <option value="">{t('pv.allDistricts')}</option>
          {districts.value.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
      <div class="pv-actions">
        <button type="button" class="btn" data-testid="pv-print" onClick={() => window.print()}>
          {t('rp.print')}
        </button>
        <a class="btn btn-light" data-testid="pv-csv" href={provinceApi.csvHref(period.value, lang.value)} download>
          {t('rp.csv')}
        </a>
      </div>
    </div>
  );
}

export function Province() {
  useEffect(() => start(), []);
  useStream({ province: applyPush, onOpen: resync }, []);
  const tb = table.value;
  const name = tb?.province.name ?? site.value?.site.name ?? '';
  return (
    <div class="pv">
      {/* The months are known once start() has read the province's clock. */}
      {period.value ? <Toolbar /> : null}
      {/* The server's printer (GET /api/province/report/pdf) waits for "ready": the month's table drawn. */}
      <section class="pv-sheet" aria-labelledby="pv-heading" aria-busy={loading.value} data-report-state={tb && tb.period === period.value && !loading.value ? 'ready' : 'loading'}>
        <h2 id="pv-heading" data-testid="pv-heading">
          {t('pv.heading', { name, month: period.value ? monthLabel(period.value) : '' })}
        </h2>
        <p class="muted" data-testid="pv-period">
          {loading.value && !tb ? t('ov.loading') : period.value === thisMonth.value ? t('pv.underWay') : t('pv.finished')}
        </p>
        {tb && tb.period === period.value ? (
          <>
            <CommuneTable />
            <TotalsTable only={district.value} />
          </>
        ) : null}
      </section>
      <Drill />
      <Definitions />
      {can('province.manage') ? <Communes /> : null}
    </div>
  );
}
