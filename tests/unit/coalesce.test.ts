// Changes gathered into announcements: at most one per window, each with the keys changed since
// the last, and a burst made together announced once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from '../../controller/coalesce.js';

describe('coalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = () => {
    const flushed: string[][] = [];
    const c = new Coalescer<string>({ everyMs: 250, flush: (keys) => flushed.push([...keys].sort()) });
    return { c, flushed };
  };

  it('announces a burst made together once, on the next turn after a quiet spell', () => {
    const { c, flushed } = make();
    c.touch(['a']);
    c.touch(['b', 'a']);
    expect(flushed).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(flushed).toEqual([['a', 'b']]);
  });

  it('holds later changes to the end of the window, with every key changed meanwhile', () => {
    const { c, flushed } = make();
    c.touch(['a']);
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(100);
    c.touch(['b']);
    vi.advanceTimersByTime(100);
    c.touch(['c']);
    c.touch();
    vi.advanceTimersByTime(49);
    expect(flushed).toEqual([['a']]);
    vi.advanceTimersByTime(1);
    expect(flushed).toEqual([['a'], ['b', 'c']]);
    // Quiet for longer than the window: the next change goes out at once again.
    vi.advanceTimersByTime(1000);
    c.touch(['d']);
    vi.advanceTimersByTime(0);
    expect(flushed).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('announces a change outside the keys with no keys, and nothing after stop', () => {
    const { c, flushed } = make();
    c.touch();
    vi.advanceTimersByTime(0);
    expect(flushed).toEqual([[]]);
    c.touch(['a']);
    c.stop();
    c.touch(['b']);
    vi.advanceTimersByTime(1000);
    expect(flushed).toEqual([[]]);
  });
});
