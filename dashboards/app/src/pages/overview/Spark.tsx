// A month-by-month sparkline: a tiny inline SVG (uPlot would be heavy for a dozen tiles). A gap
// where a month has no figure; a percentage on a fixed 0–100 scale, anything else between its own
// lowest and highest. A simulated month (a demo's seeded history) is a hollow ○ and the line to it
// dashed, so it never reads as measured; the tile says so in words.
import './spark.css';
const W = 120;
const H = 32;
const PAD = 3;

export function Spark({ values, percent, simulated = [] }: { values: (number | null)[]; percent: boolean; simulated?: boolean[] }) {
  const known = values.filter((v): v is number => v !== null);
  const lo = percent ? 0 : Math.min(...known);
  const hi = percent ? 100 : Math.max(...known);
  const y = (v: number) => (hi === lo ? H / 2 : H - PAD - ((v - lo) / (hi - lo)) * (H - 2 * PAD));
  const x = (i: number) => (values.length < 2 ? W / 2 : PAD + (i / (values.length - 1)) * (W - 2 * PAD));
  const at = (i: number) => `${x(i).toFixed(1)},${y(values[i]!).toFixed(1)}`;
  const sim = (i: number) => simulated[i] === true;
  // Lines between consecutive months with a figure, one polyline per run of the same kind
  // (measured, or touching a simulated month).
  const lines: { sim: boolean; points: string[] }[] = [];
  const joined = new Set<number>();
  for (let i = 0; i + 1 < values.length; i++) {
    if (values[i] === null || values[i + 1] === null) continue;
    const kind = sim(i) || sim(i + 1);
    const last = lines.at(-1);
    if (last && last.sim === kind && joined.has(i) && last.points.at(-1) === at(i)) last.points.push(at(i + 1));
    else lines.push({ sim: kind, points: [at(i), at(i + 1)] });
    joined.add(i).add(i + 1);
  }
  const last = values.length - 1;
  const end = values[last];
  const nSim = values.filter((v, i) => v !== null && sim(i)).length;
  return (
    <svg class="ov-spark" data-testid="ov-spark" data-points={known.length} data-simulated={nSim} width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true" focusable="false">
      <line x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} class="ov-spark-base" />
      {lines.map((l) => (
        <polyline key={l.points[0]} points={l.points.join(' ')} class={l.sim ? 'ov-spark-sim' : undefined} />
      ))}
      {values.map((v, i) => {
        if (v === null || i === last) return null;
        if (sim(i)) return <circle key={i} class="ov-spark-sim" data-testid="ov-spark-sim" cx={x(i).toFixed(1)} cy={y(v).toFixed(1)} r={2.5} />;
        return joined.has(i) ? null : <circle key={i} cx={x(i).toFixed(1)} cy={y(v).toFixed(1)} r={1.5} />;
      })}
      {end !== null && end !== undefined ? (
        <circle class={sim(last) ? 'ov-spark-end ov-spark-sim' : 'ov-spark-end'} data-testid={sim(last) ? 'ov-spark-sim' : undefined} cx={x(last)} cy={y(end)} r={3} />
      ) : null}
    </svg>
  );
}
