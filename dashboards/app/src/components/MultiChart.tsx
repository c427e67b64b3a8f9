// Several series on one time axis (uPlot), with periods shaded behind them: a zone's soil
// moisture per sensor with the runs that watered it. Drag to zoom, a tap reads values on a phone.
import { useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import { t } from '../lib/i18n.js';
import { usePlot } from './usePlot.js';

/** Colours apart for colour-blind readers (Okabe–Ito), dark enough on white. */
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#8a6d00', '#56b4e9'];
const SHADE = 'rgba(0, 114, 178, 0.14)';

export interface Line {
  label: string;
  values: (number | null)[];
}
export interface Period {
  from: number;
  /** Null: still under way (shaded to the chart's end). */
  to: number | null;
}

export interface MultiChartProps {
  /** Bucket start times, ms. */
  t: number[];
  lines: Line[];
  periods: Period[];
  periodLabel: string;
  unit?: string;
  from: number;
  to: number;
  tz: string;
  resetKey?: number;
  onView?: (range: { from: number; to: number }) => void;
  label: string;
}

export function MultiChart(p: MultiChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(1));
  const shade = (u: uPlot) => {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.fillStyle = SHADE;
    for (const r of p.periods) {
      const x0 = Math.max(bbox.left, u.valToPos(r.from / 1000, 'x', true));
      const x1 = Math.min(bbox.left + bbox.width, u.valToPos((r.to ?? p.to) / 1000, 'x', true));
      if (x1 > x0) ctx.fillRect(x0, bbox.top, Math.max(1, x1 - x0), bbox.height);
    }
    ctx.restore();
  };
  usePlot(
    box,
    {
      options: () => ({
        series: [{ label: t('hist.time') }, ...p.lines.map((l, i) => ({ label: l.label, stroke: COLOURS[i % COLOURS.length], width: 2, value: (_u: uPlot, v: number | null) => fmt(v), spanGaps: false }))],
        axes: [{}, { label: p.unit ?? '', size: 56 }],
        // Behind the lines: drawn right after the canvas is cleared.
        hooks: { drawClear: [shade] },
      }),
      data: [p.t.map((ms) => ms / 1000), ...p.lines.map((l) => l.values)],
      height: 280,
      from: p.from,
      to: p.to,
      tz: p.tz,
      resetKey: p.resetKey,
      onView: p.onView,
    },
    [p.t, p.lines, p.periods, p.tz, p.from, p.to],
  );

  return (
    <figure class="multi-chart">
      <div class="chart" data-testid="chart" ref={box} role="img" aria-label={p.label} />
      <figcaption class="shade-key">
        <span class="shade-swatch" aria-hidden="true" /> {p.periodLabel}
      </figcaption>
    </figure>
  );
}
