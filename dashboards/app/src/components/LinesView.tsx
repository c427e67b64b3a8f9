// A chart page's body for several devices on one time axis with periods shaded (a zone's soil
// sensors with its runs, a light group's lamps with the nights): range picker, chart, zoom reset,
// CSV of what is shown. The page gives the data's loader and its words.
import { useSignal, useSignalEffect } from '@preact/signals';
import { useMemo, useRef } from 'preact/hooks';
import { download, linesCsv } from '../csv.js';
import { lang, locale, t } from '../lib/i18n.js';
import { useStream, type StreamEvents } from '../stream.js';
import { ChartActions } from './ChartActions.js';
import { MultiChart, type Period } from './MultiChart.js';
import { Msg, refusal, type MessageFn } from './Msg.js';
import { rangeFromUrl, rangeParams, RangePicker, spanOf, type RangeName, type Span } from './RangePicker.js';

export interface LinesData {
  from: number;
  to: number;
  stepMs: number;
  metric: string;
  unit?: string;
  lines: { device: string; name: string; t: number[]; mean: (number | null)[] }[];
  periods: Period[];
}

export interface LinesViewProps {
  heading: string;
  back: { href: string; label: string };
  /** The URL's own parameters besides the range (the zone or group). */
  urlParams: Record<string, string>;
  load: (span: Span, points: number) => Promise<LinesData>;
  periodLabel: string;
  /** The CSV column that says whether a bucket overlaps a period. */
  periodColumn: string;
  csvName: string;
  /** Said when there is no line to draw (only periods). */
  noLines: string;
  periodCount: (n: number) => string;
  /** A device event that should redraw a preset range (one of the chart's devices). */
  follows: (d: StreamEvents['device']) => boolean;
  tz: string;
}

const params = new URLSearchParams(location.search);

export function LinesView(p: LinesViewProps) {
  const initial = rangeFromUrl(params);
  const range = useSignal<RangeName>(initial.range);
  const custom = useSignal(initial.custom);
  const data = useSignal<LinesData | undefined>(undefined);
  const error = useSignal<MessageFn | undefined>(undefined);
  const view = useSignal<Span | undefined>(undefined);
  const resetKey = useSignal(0);
  const reload = useSignal(0);

  useSignalEffect(() => {
    void reload.value;
    const choice = { range: range.value, custom: custom.value };
    const w = spanOf(choice);
    history.replaceState(null, '', `?${rangeParams(choice, p.urlParams)}`);
    let stale = false;
    p.load({ from: Math.round(w.from), to: Math.round(w.to) }, 500)
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

  // A preset range follows its devices (a reading, a valve opening), at most every 5 s, unless
  // the reader has zoomed in: then the chart stays as they left it.
  const pending = useRef<ReturnType<typeof setTimeout>>();
  useStream(
    {
      device: (d) => {
        const h = data.value;
        if (!p.follows(d) || range.value === 'custom' || !h || pending.current) return;
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
    const f = new Intl.DateTimeFormat(locale(), { timeZone: p.tz, dateStyle: 'short', timeStyle: 'short' });
    return (ms: number) => f.format(ms);
  }, [p.tz, lang.value]);

  const h = data.value;
  const grid = h?.lines[0]?.t ?? (h ? bucketGrid(h) : []);
  const lines = useMemo(() => h?.lines.map((x) => ({ label: x.name, values: x.mean })) ?? [], [h]);
  const hasData = !!h && (lines.some((l) => l.values.some((v) => v !== null)) || h.periods.length > 0);
  return (
    <section class="lines-view">
      <p>
        <a href={p.back.href}>← {p.back.label}</a>
      </p>
      <h2 data-testid="lines-title">{p.heading}</h2>
      <div class="controls">
        <RangePicker range={range} custom={custom} />
      </div>
      <Msg msg={error.value} testid="lines-error" />
      {h && (
        <div class="card">
          <p class="meta" data-testid="lines-meta" data-lines={h.lines.length} data-periods={h.periods.length}>
            {h.lines.length === 0 ? `${p.noLines} ` : ''}
            {p.periodCount(h.periods.length)} · {t('hist.zoomHint')}
          </p>
          {hasData ? (
            <MultiChart
              t={grid}
              lines={lines}
              periods={h.periods}
              periodLabel={p.periodLabel}
              unit={h.unit}
              from={h.from}
              to={h.to}
              tz={p.tz}
              resetKey={resetKey.value}
              onView={(v) => (view.value = v)}
              label={p.heading}
            />
          ) : (
            <p data-testid="history-empty">{t('hist.empty')}</p>
          )}
          <ChartActions
            enabled={hasData}
            onReset={() => resetKey.value++}
            onCsv={() =>
              download(
                `${p.csvName}-${new Date(h.from).toISOString().slice(0, 10)}.csv`,
                linesCsv({ t: grid, stepMs: h.stepMs, lines: h.lines.map((x) => ({ name: `${h.metric}_${x.device}`, values: x.mean })), periods: h.periods, periodColumn: p.periodColumn, end: h.to }, view.value ?? h, localTime),
              )
            }
          />
        </div>
      )}
    </section>
  );
}

/** The bucket grid when there is no line: the periods still need an axis. */
function bucketGrid(h: LinesData): number[] {
  const out: number[] = [];
  for (let x = Math.floor(h.from / h.stepMs) * h.stepMs; x < h.to; x += h.stepMs) out.push(x);
  return out;
}
