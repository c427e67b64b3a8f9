// A month-by-month sparkline: a tiny inline SVG (uPlot would be heavy for a dozen tiles). A gap
// where a month has no figure; a percentage on a fixed 0–100 scale, anything else between its own
// lowest and highest.
import './spark.css';
const W = 120;
const H = 32;
const PAD = 3;

export function Spark({ values, percent }: { values: (number | null)[]; percent: boolean }) {
  const known = values.filter((v): v is number => v !== null);
  const lo = percent ? 0 : Math.min(...known);
  const hi = percent ? 100 : Math.max(...known);
  const y = (v: number) => (hi === lo ? H / 2 : H - PAD - ((v - lo) / (hi - lo)) * (H - 2 * PAD));
  const x = (i: number) => (values.length < 2 ? W / 2 : PAD + (i / (values.length - 1)) * (W - 2 * PAD));
  // Runs of consecutive months with a figure, each its own line.
  const runs: string[][] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    if (i === 0 || values[i - 1] === null) runs.push([]);
    runs.at(-1)!.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  const last = values.length - 1;
  const end = values[last];
  return (
    <svg class="ov-spark" data-testid="ov-spark" data-points={known.length} width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true" focusable="false">
      <line x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} class="ov-spark-base" />
      {runs.map((r) => (r.length > 1 ? <polyline key={r[0]} points={r.join(' ')} /> : null))}
      {runs.filter((r) => r.length === 1).map((r) => {
        const [cx, cy] = r[0]!.split(',');
        return <circle key={r[0]} cx={cx} cy={cy} r={1.5} />;
      })}
      {end !== null && end !== undefined ? <circle class="ov-spark-end" cx={x(last)} cy={y(end)} r={3} /> : null}
    </svg>
  );
}
