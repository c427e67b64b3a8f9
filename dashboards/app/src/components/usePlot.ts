// A uPlot chart in a component: made when its inputs change, sized to its box, zoomed back by a
// bumped `resetKey`, and reporting the visible range after a zoom. On a phone a tap puts the cursor
// where it touched (uPlot follows the mouse only), so the legend reads the values there.
import { useEffect, useRef, type MutableRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface PlotInputs {
  /** Everything but the size and the x scale's range, which this sets. */
  options: (width: number) => Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  from: number;
  to: number;
  tz: string;
  resetKey?: number;
  onView?: (range: { from: number; to: number }) => void;
}

export function usePlot(box: MutableRef<HTMLDivElement | null>, p: PlotInputs, deps: unknown[]): void {
  const plot = useRef<uPlot>();
  useEffect(() => {
    const el = box.current!;
    const o = p.options(el.clientWidth || 320);
    const u = new uPlot(
      {
        ...o,
        width: el.clientWidth || 320,
        height: p.height,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), p.tz),
        scales: { ...o.scales, x: { time: true, min: p.from / 1000, max: p.to / 1000 } },
        cursor: { drag: { x: true, y: false } },
        hooks: {
          ...o.hooks,
          setScale: [
            (u, key) => {
              const x = u.scales.x;
              if (key === 'x' && x?.min !== undefined && x.max !== undefined) p.onView?.({ from: x.min * 1000, to: x.max * 1000 });
            },
          ],
        },
      },
      p.data,
      el,
    );
    plot.current = u;
    const over = u.over;
    const onTap = (e: PointerEvent) => {
      if (e.pointerType === 'mouse') return;
      const r = over.getBoundingClientRect();
      u.setCursor({ left: e.clientX - r.left, top: e.clientY - r.top });
    };
    over.addEventListener('pointerdown', onTap);
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: p.height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      over.removeEventListener('pointerdown', onTap);
      u.destroy();
      plot.current = undefined;
    };
  }, deps);

  useEffect(() => {
    if (p.resetKey) plot.current?.setScale('x', { min: p.from / 1000, max: p.to / 1000 });
  }, [p.resetKey]);
}
