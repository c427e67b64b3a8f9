// The time range of a history chart: 1 h, 24 h, 7 d, 30 d, or a custom from–to. The choice lives
// in the page's URL (range, from, to) so a link or reload shows the same span.
import { useSignal, type Signal } from '@preact/signals';
import { t } from '../lib/i18n.js';

export const RANGES = { '1h': 3600_000, '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 } as const;
export type RangeName = keyof typeof RANGES | 'custom';
export interface Span {
  from: number;
  to: number;
}

export interface RangeState {
  range: Signal<RangeName>;
  custom: Signal<Span>;
}

export function rangeFromUrl(params: URLSearchParams, now = Date.now()): { range: RangeName; custom: Span } {
  const r = params.get('range') ?? '24h';
  const range: RangeName = r in RANGES || r === 'custom' ? (r as RangeName) : '24h';
  return { range, custom: { from: Number(params.get('from')) || now - RANGES['24h'], to: Number(params.get('to')) || now } };
}

/** The span a choice stands for now. */
export function spanOf(s: { range: RangeName; custom: Span }, now = Date.now()): Span {
  return s.range === 'custom' ? s.custom : { from: now - RANGES[s.range], to: now };
}

/** The URL's parameters for a choice (with `extra`, e.g. the device or zone). */
export function rangeParams(s: { range: RangeName; custom: Span }, extra: Record<string, string>): URLSearchParams {
  return new URLSearchParams({ ...extra, range: s.range, ...(s.range === 'custom' && { from: String(s.custom.from), to: String(s.custom.to) }) });
}

export function RangePicker({ range, custom }: RangeState) {
  return (
    <>
      <fieldset class="ranges">
        <legend>{t('hist.range')}</legend>
        {(['1h', '24h', '7d', '30d', 'custom'] as const).map((r) => (
          <button key={r} type="button" data-testid={`range-${r}`} aria-pressed={range.value === r} onClick={() => (range.value = r)}>
            {t(`hist.range.${r}`)}
          </button>
        ))}
      </fieldset>
      {range.value === 'custom' && <CustomRange value={custom.value} onApply={(v) => (custom.value = v)} />}
    </>
  );
}

/** datetime-local's value for an instant, in the browser's zone (what the input shows). */
const inputValue = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function CustomRange({ value, onApply }: { value: Span; onApply: (v: Span) => void }) {
  const from = useSignal(inputValue(value.from));
  const to = useSignal(inputValue(value.to));
  return (
    <form
      class="custom"
      onSubmit={(e) => {
        e.preventDefault();
        onApply({ from: new Date(from.value).getTime(), to: new Date(to.value).getTime() });
      }}
    >
      <label>
        {t('hist.from')}
        <input type="datetime-local" data-testid="history-from" value={from.value} onInput={(e) => (from.value = e.currentTarget.value)} required />
      </label>
      <label>
        {t('hist.to')}
        <input type="datetime-local" data-testid="history-to" value={to.value} onInput={(e) => (to.value = e.currentTarget.value)} required />
      </label>
      <button type="submit" data-testid="history-apply">
        {t('hist.apply')}
      </button>
    </form>
  );
}
