// A pushed reading applied to a chart's buckets, instead of fetching the range again. Pure.
import type { Series } from '../../api.js';

/**
 * The series with `value` at `ts`: in the last bucket when it falls there (its min and max widen;
 * its mean, which needs the count, is left), else as a new bucket of its own, the range moved on.
 * Readings older than the last bucket, or beyond the range's end plus one bucket, change nothing.
 */
export function withReading(s: Series, ts: number, value: number, now: number): Series {
  const last = s.t.length - 1;
  const lastStart = s.t[last];
  if (lastStart === undefined || ts < lastStart || ts > now + s.stepMs) return s;
  if (ts < lastStart + s.stepMs) {
    const min = [...s.min];
    const max = [...s.max];
    const mean = [...s.mean];
    min[last] = Math.min(min[last] ?? value, value);
    max[last] = Math.max(max[last] ?? value, value);
    mean[last] ??= value;
    return { ...s, min, max, mean };
  }
  const start = Math.floor(ts / s.stepMs) * s.stepMs;
  const span = s.to - s.from;
  return { ...s, to: Math.max(s.to, ts), from: Math.max(s.from, ts - span), t: [...s.t, start], mean: [...s.mean, value], min: [...s.min, value], max: [...s.max, value] };
}
