// Times that move by themselves: one clock per page (the server's, ticking each second while a
// component shows a moving time), and a relative time on it. Countdowns read `clock` too.
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { fmtRelative, fmtTime, type When } from '../lib/format.js';
import { serverNow } from '../lib/http.js';

/** Now by the server's clock; moves each second while any component uses `useClock`. */
export const clock = signal(serverNow());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Keeps `clock` ticking while the component is on the page. */
export function useClock(): void {
  useEffect(() => {
    if (users++ === 0) {
      clock.value = serverNow();
      timer = setInterval(() => (clock.value = serverNow()), 1000);
    }
    return () => {
      if (--users === 0) clearInterval(timer);
    };
  }, []);
}

/** "3 phút trước" / "in 2 hours", its clock time in the title, current as the clock moves. */
export function RelTime({ at }: { at: When }) {
  useClock();
  const d = new Date(at);
  return (
    <time dateTime={d.toISOString()} title={fmtTime(d)}>
      {fmtRelative(d, clock.value)}
    </time>
  );
}
