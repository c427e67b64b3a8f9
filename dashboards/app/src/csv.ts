// CSV of a chart's buckets, as shown: RFC 4180 lines, times in ISO 8601 (UTC) and in the site's zone.
import type { Series } from './api.js';

export function seriesCsv(s: Series, range: { from: number; to: number }, localTime: (ms: number) => string): string {
  const head = ['time_utc', 'time_local', `mean_${s.metric}`, `min_${s.metric}`, `max_${s.metric}`];
  const lines = [head.join(',')];
  const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  s.t.forEach((t, i) => {
    if (t + s.stepMs <= range.from || t > range.to) return; // buckets any part of which is shown
    lines.push([new Date(t).toISOString(), quote(localTime(t)), cell(s.mean[i]), cell(s.min[i]), cell(s.max[i])].join(','));
  });
  return lines.join('\r\n') + '\r\n';
}

/** Hands a text to the browser as a file download. */
export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * CSV of several series on one bucket grid, and whether each bucket overlaps a shaded period
 * (1 or 0): what a zone chart shows.
 */
export function linesCsv(
  o: { t: number[]; stepMs: number; lines: { name: string; values: (number | null)[] }[]; periods: { from: number; to: number | null }[]; periodColumn: string; end: number },
  range: { from: number; to: number },
  localTime: (ms: number) => string,
): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [['time_utc', 'time_local', ...o.lines.map((l) => quote(l.name)), o.periodColumn].join(',')];
  o.t.forEach((t, i) => {
    if (t + o.stepMs <= range.from || t > range.to) return;
    const on = o.periods.some((p) => p.from < t + o.stepMs && (p.to ?? o.end) > t);
    lines.push([new Date(t).toISOString(), quote(localTime(t)), ...o.lines.map((l) => (l.values[i] ?? '') + ''), on ? '1' : '0'].join(','));
  });
  return lines.join('\r\n') + '\r\n';
}
