// A history chart (uPlot): the mean as a line, the min–max of each bucket as a band, the site's
// time zone on the axis. Drag to zoom (reset with the button); on a phone a tap puts the cursor
// where it touched and the legend reads the values there.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from '../../api.js';
import { t } from '../../lib/i18n.js';

export interface ChartProps {
  series: Series;
  label: string;
  tz: string;
  /** Called with the visible range (ms) after a zoom or its reset. */
  onView?: (range: { from: number; to: number }) => void;
  /** Bumped by the page to reset the zoom. */
  resetKey?: number;
}

export function HistoryChart({ series, label, tz, onView, resetKey }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();

  useEffect(() => {
    const el = box.current!;
    const unit = series.unit ? ` (${series.unit})` : '';
    const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(2));
    const opts: uPlot.Options = {
      width: el.clientWidth || 320,
      height: 260,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), tz),
      scales: { x: { time: true, min: series.from / 1000, max: series.to / 1000 } },
      series: [
        { label: t('hist.time') },
        { label: `${label}${unit}`, stroke: '#0b6e4f', width: 2, value: (_u, v) => fmt(v), spanGaps: false },
        { label: t('hist.min'), stroke: '#7aa89a', width: 1, value: (_u, v) => fmt(v) },
        { label: t('hist.max'), stroke: '#7aa89a', width: 1, value: (_u, v) => fmt(v) },
      ],
      bands: [{ series: [3, 2], fill: 'rgba(11, 110, 79, 0.15)' }],
      axes: [{}, { label: series.unit ?? '', size: 56 }],
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setScale: [
          (u, key) => {
            const x = u.scales.x;
            if (key === 'x' && x?.min !== undefined && x.max !== undefined) onView?.({ from: x.min * 1000, to: x.max * 1000 });
          },
        ],
      },
    };
    const data: uPlot.AlignedData = [series.t.map((ms) => ms / 1000), series.mean, series.min, series.max];
    const u = new uPlot(opts, data, el);
    plot.current = u;
    // A tap reads the values there (uPlot follows the mouse only).
    const over = u.over;
    const onTap = (e: PointerEvent) => {
      if (e.pointerType === 'mouse') return;
      const r = over.getBoundingClientRect();
      u.setCursor({ left: e.clientX - r.left, top: e.clientY - r.top });
    };
    over.addEventListener('pointerdown', onTap);
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      over.removeEventListener('pointerdown', onTap);
      u.destroy();
      plot.current = undefined;
    };
  }, [series, label, tz]);

  useEffect(() => {
    if (resetKey) plot.current?.setScale('x', { min: series.from / 1000, max: series.to / 1000 });
  }, [resetKey]);

  return <div class="chart" data-testid="chart" ref={box} role="img" aria-label={`${label}: ${t('hist.buckets', { n: series.t.length, step: '' }).trim()}`} />;
}
