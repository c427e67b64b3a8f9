// The web app's pure parts for live pages: the stream's reconnect backoff and a pushed reading
// applied to a chart's buckets.
import { describe, expect, it } from 'vitest';
import type { Series } from '../../controller/api/contract/series.js';
import { Backoff } from '../../dashboards/app/src/backoff.js';
import { withReading } from '../../dashboards/app/src/pages/history/series-live.js';

describe('stream backoff', () => {
  it('doubles from 1 s to 30 s, each wait between half and all of its ceiling, and starts over after a success', () => {
    const low = new Backoff({ firstMs: 1000, maxMs: 30_000, random: () => 0 });
    expect(Array.from({ length: 7 }, () => low.next())).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    const high = new Backoff({ firstMs: 1000, maxMs: 30_000, random: () => 1 });
    expect(Array.from({ length: 7 }, () => high.next())).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    high.reset();
    expect(high.next()).toBe(1000);
  });
});

describe('a pushed reading on a chart', () => {
  const step = 60_000;
  const base: Series = { device: 'gh-01', metric: 'soilMoisturePct', unit: '%', from: 0, to: 3 * step, stepMs: step, t: [0, step, 2 * step], mean: [30, null, 31], min: [29, null, 30], max: [31, null, 32] };

  it('widens the last bucket when it falls there, keeping its mean', () => {
    const s = withReading(base, 2 * step + 10_000, 35, 3 * step);
    expect([s.t.length, s.mean[2], s.min[2], s.max[2]]).toEqual([3, 31, 30, 35]);
    expect(base.max[2]).toBe(32); // the page's old value is not changed in place
  });

  it('adds a bucket of its own after the last, moving the range on', () => {
    const s = withReading(base, 3 * step + 5000, 28, 3 * step + 5000);
    expect(s.t).toEqual([0, step, 2 * step, 3 * step]);
    expect([s.mean[3], s.min[3], s.max[3]]).toEqual([28, 28, 28]);
    expect([s.from, s.to]).toEqual([5000, 3 * step + 5000]);
  });

  it('ignores a late reading before the last bucket and one from the future', () => {
    expect(withReading(base, step + 1, 50, 3 * step)).toBe(base);
    expect(withReading(base, 10 * step, 50, 3 * step)).toBe(base);
  });
});
