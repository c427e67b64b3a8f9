// A history chart (uPlot): the mean as a line, the min–max of each bucket as a band, the site's
// time zone on the axis. Drag to zoom (reset with the button); on a phone a tap puts the cursor
// where it touched and the legend reads the values there.
import { useRef } from 'preact/hooks';
import type { Series } from '../../api.js';
import { usePlot } from '../../components/usePlot.js';
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
  const unit = series.unit ? ` (${series.unit})` : '';
  const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(2));
  usePlot(
    box,
    {
      options: () => ({
        series: [
          { label: t('hist.time') },
          { label: `${label}${unit}`, stroke: '#0b6e4f', width: 2, value: (_u, v) => fmt(v), spanGaps: false },
          { label: t('hist.min'), stroke: '#7aa89a', width: 1, value: (_u, v) => fmt(v) },
          { label: t('hist.max'), stroke: '#7aa89a', width: 1, value: (_u, v) => fmt(v) },
        ],
        bands: [{ series: [3, 2], fill: 'rgba(11, 110, 79, 0.15)' }],
        axes: [{}, { label: series.unit ?? '', size: 56 }],
      }),
      data: [series.t.map((ms) => ms / 1000), series.mean, series.min, series.max],
      height: 260,
      from: series.from,
      to: series.to,
      tz,
      resetKey,
      onView,
    },
    [series, label, tz],
  );
  return <div class="chart" data-testid="chart" ref={box} role="img" aria-label={`${label}: ${t('hist.buckets', { n: series.t.length, step: '' }).trim()}`} />;
}
