// Several series on one time axis (uPlot), with periods shaded behind them: a zone's soil
// moisture per sensor with the runs that watered it. Drag to zoom, a tap reads values on a phone.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { t } from '../lib/i18n.js';

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
  const plot = useRef<uPlot>();

  useEffect(() => {
    const el = box.current!;
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
    const opts: uPlot.Options = {
      width: el.clientWidth || 320,
      height: 280,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), p.tz),
      scales: { x: { time: true, min: p.from / 1000, max: p.to / 1000 } },
      series: [{ label: t('hist.time') }, ...p.lines.map((l, i) => ({ label: l.label, stroke: COLOURS[i % COLOURS.length], width: 2, value: (_u: uPlot, v: number | null) => fmt(v), spanGaps: false }))],
      axes: [{}, { label: p.unit ?? '', size: 56 }],
      cursor: { drag: { x: true, y: false } },
      hooks: {
        // Behind the lines: drawn right after the canvas is cleared.
        drawClear: [shade],
        setScale: [
          (u, key) => {
            const x = u.scales.x;
            if (key === 'x' && x?.min !== undefined && x.max !== undefined) p.onView?.({ from: x.min * 1000, to: x.max * 1000 });
          },
        ],
      },
    };
    const u = new uPlot(opts, [p.t.map((ms) => ms / 1000), ...p.lines.map((l) => l.values)], el);
    plot.current = u;
    const over = u.over;
    const onTap = (e: PointerEvent) => {
      if (e.pointerType === 'mouse') return;
      const r = over.getBoundingClientRect();
      u.setCursor({ left: e.clientX - r.left, top: e.clientY - r.top });
    };
    over.addEventListener('pointerdown', onTap);
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: 280 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      over.removeEventListener('pointerdown', onTap);
      u.destroy();
      plot.current = undefined;
    };
  }, [p.t, p.lines, p.periods, p.tz, p.from, p.to]);

  useEffect(() => {
    if (p.resetKey) plot.current?.setScale('x', { min: p.from / 1000, max: p.to / 1000 });
  }, [p.resetKey]);

  return (
    <figure class="multi-chart">
      <div class="chart" data-testid="chart" ref={box} role="img" aria-label={p.label} />
      <figcaption class="shade-key">
        <span class="shade-swatch" aria-hidden="true" /> {p.periodLabel}
      </figcaption>
    </figure>
  );
}
