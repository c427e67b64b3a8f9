// Irrigation's countdowns, on the page's one-second clock (components/Time.tsx).
import { RelTime } from '../../components/Time.js';
import { fmtClock, fmtTime } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { now } from './store.js';

export { RelTime };

/** "còn 0:42" until an instant the server gave. */
export function Ends({ at }: { at: number }) {
  return <span class="run-left">{t('irr.left', { time: fmtClock((at - now.value) / 1000) })}</span>;
}

/** "≈ còn 0:42": a valve's own remaining time, counted down from when it reported it. */
export function Countdown({ remainingS, from }: { remainingS: number; from: string }) {
  const left = Math.max(0, remainingS - (now.value - new Date(from).getTime()) / 1000);
  return (
    <span class="valve-left" data-testid="valve-left" title={t('estimated', { time: fmtTime(from) })}>
      {`≈ ${t('irr.left', { time: fmtClock(left) })}`}
    </span>
  );
}
