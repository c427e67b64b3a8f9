// A zone's chart: the soil moisture of each of its sensors, with the periods its runs watered
// shaded behind, over 1 h to 30 d or a chosen range; zoom, and a CSV of what is shown.
//   /app/zone.html?zone=nha-mang-1&range=7d
import { useSignal, useSignalEffect } from '@preact/signals';
import { useMemo, useRef } from 'preact/hooks';
import type { z } from 'zod';
import type { ZoneHistory, ZoneHistoryQuery } from '../../../../../controller/api/contract/irrigation.js';
import { MultiChart } from '../../components/MultiChart.js';
import { refusal, Msg, type MessageFn } from '../../components/Msg.js';
import { rangeFromUrl, rangeParams, RangePicker, spanOf, type RangeName } from '../../components/RangePicker.js';
import { site, startPage } from '../../components/Shell.js';
import { linesCsv, download } from '../../csv.js';
import { get } from '../../lib/http.js';
import { lang, locale, t } from '../../lib/i18n.js';
import { useStream } from '../../stream.js';
import '../../styles/charts.css';

const params = new URLSearchParams(location.search);
const zoneId = params.get('zone') ?? '';

const fetchHistory = (q: z.input<typeof ZoneHistoryQuery>) =>
  get<ZoneHistory>(`/api/irrigation/zones/${encodeURIComponent(zoneId)}/history?${new URLSearchParams({ from: String(q.from), to: String(q.to), points: String(q.points ?? 500) })}`);

function ZoneChart() {
  const s = site.value!;
  const zone = s.zones.find((z) => z.id === zoneId);
  const initial = rangeFromUrl(params);
  const range = useSignal<RangeName>(initial.range);
  const custom = useSignal(initial.custom);
  const data = useSignal<ZoneHistory | undefined>(undefined);
  const error = useSignal<MessageFn | undefined>(undefined);
  const view = useSignal<{ from: number; to: number } | undefined>(undefined);
  const resetKey = useSignal(0);
  const reload = useSignal(0);

  useSignalEffect(() => {
    void reload.value;
    const choice = { range: range.value, custom: custom.value };
    const w = spanOf(choice);
    history.replaceState(null, '', `?${rangeParams(choice, { zone: zoneId })}`);
    let stale = false;
    fetchHistory({ from: Math.round(w.from), to: Math.round(w.to), points: 500 })
      .then((h) => {
        if (stale) return;
        data.value = h;
        view.value = { from: h.from, to: h.to };
        error.value = undefined;
      })
      .catch((e: unknown) => {
        if (!stale) error.value = refusal(e);
      });
    return () => {
      stale = true;
    };
  });

  // A preset range follows the zone as it changes (a reading, a valve opening), at most every
  // 5 s, unless the reader has zoomed in: then the chart stays as they left it.
  const pending = useRef<ReturnType<typeof setTimeout>>();
  useStream(
    {
      device: (d) => {
        const h = data.value;
        if (d.zone !== zoneId || range.value === 'custom' || !h || pending.current) return;
        if (view.value && (view.value.from > h.from || view.value.to < h.to)) return;
        pending.current = setTimeout(() => {
          pending.current = undefined;
          reload.value++;
        }, 5000);
      },
    },
    [],
  );

  const localTime = useMemo(() => {
    const f = new Intl.DateTimeFormat(locale(), { timeZone: s.site.tz, dateStyle: 'short', timeStyle: 'short' });
    return (ms: number) => f.format(ms);
  }, [s.site.tz, lang.value]);

  if (!zone) return <p data-testid="zone-error">{t('zoneChart.noZone')}</p>;
  const h = data.value;
  const tGrid = h?.sensors[0]?.t ?? (h ? bucketGrid(h) : []);
  const lines = h?.sensors.map((x) => ({ label: x.name, values: x.mean })) ?? [];
  const hasData = !!h && (lines.some((l) => l.values.some((v) => v !== null)) || h.runs.length > 0);
  return (
    <section class="zone-chart">
      <p>
        <a href="/irrigation.html">← {t('zoneChart.back')}</a>
      </p>
      <h2 data-testid="zone-chart-title">{t('zoneChart.heading', { zone: zone.name })}</h2>
      <div class="controls">
        <RangePicker range={range} custom={custom} />
      </div>
      <Msg msg={error.value} testid="zone-chart-error" />
      {h && (
        <div class="card">
          <p class="meta" data-testid="zone-chart-meta" data-sensors={h.sensors.length} data-runs={h.runs.length}>
            {h.sensors.length === 0 ? `${t('zoneChart.noSensors')} ` : ''}
            {t('zoneChart.runs', { n: h.runs.length })} · {t('hist.zoomHint')}
          </p>
          {hasData ? (
            <MultiChart
              t={tGrid}
              lines={lines}
              periods={h.runs}
              periodLabel={t('zoneChart.watered')}
              unit={h.unit}
              from={h.from}
              to={h.to}
              tz={s.site.tz}
              resetKey={resetKey.value}
              onView={(v) => (view.value = v)}
              label={t('zoneChart.heading', { zone: zone.name })}
            />
          ) : (
            <p data-testid="history-empty">{t('hist.empty')}</p>
          )}
          <div class="actions">
            <button type="button" class="btn btn-light" data-testid="reset-zoom" onClick={() => resetKey.value++} disabled={!hasData}>
              {t('hist.resetZoom')}
            </button>
            <button
              type="button"
              class="btn btn-light"
              data-testid="history-csv"
              disabled={!hasData}
              onClick={() =>
                download(
                  `${zoneId}-${new Date(h.from).toISOString().slice(0, 10)}.csv`,
                  linesCsv({ t: tGrid, stepMs: h.stepMs, lines: h.sensors.map((x) => ({ name: `${h.metric}_${x.device}`, values: x.mean })), periods: h.runs, periodColumn: 'watering', end: h.to }, view.value ?? h, localTime),
                )
              }
            >
              {t('hist.csv')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

/** The bucket grid when the zone has no sensor: the runs still need an axis. */
function bucketGrid(h: ZoneHistory): number[] {
  const out: number[] = [];
  for (let x = Math.floor(h.from / h.stepMs) * h.stepMs; x < h.to; x += h.stepMs) out.push(x);
  return out;
}

startPage({ page: 'irrigation', title: 'zoneChart.title', skip: 'irr.skip', live: true, App: ZoneChart });
