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
