// @vitest-environment happy-dom
// The page's one clock: it ticks only while a component uses it, and a relative time follows it.
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clock, RelTime } from '../src/components/Time.js';
import { setLang } from '../src/lib/i18n.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2026, 11, 1, 10, 0, 0));
  setLang('en');
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  setLang('vi');
});

describe('RelTime and the clock', () => {
  it('counts toward an instant as the clock moves, and stops the clock when nothing shows it', async () => {
    const at = Date.now() + 90_000;
    const { unmount } = render(<RelTime at={at} />);
    const el = screen.getByText(/in 2 minutes/);
    expect(el.getAttribute('datetime')).toBe(new Date(at).toISOString());
    await act(async () => void (await vi.advanceTimersByTimeAsync(60_000)));
    expect(el.textContent).toBe('in 30 seconds');
    await act(async () => void (await vi.advanceTimersByTimeAsync(35_000)));
    expect(el.textContent).toBe('now');
    unmount();
    const stopped = clock.value;
    await act(async () => void (await vi.advanceTimersByTimeAsync(5_000)));
    expect(clock.value).toBe(stopped);
  });
});
