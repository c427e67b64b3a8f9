// The overview's state: the month shown (in the address, ?month=YYYY-MM), that month's snapshot,
// the twelve months up to it for the sparklines, the devices' names for the findings, and the
// indicator whose details are open.
import { signal } from '@preact/signals';
import { clearNotice, showLoadError } from '../../components/Shell.js';
import { serverNow } from '../../lib/http.js';
import { overviewApi, type IndicatorHistory, type IndicatorSnapshot } from './api.js';
import { addMonths, monthAt } from './words.js';

/** How many months the month picker offers, this one included. */
export const PICKER_MONTHS = 24;
/** How many months a sparkline shows, the chosen one included. */
export const TREND_MONTHS = 12;

const asked = new URLSearchParams(location.search).get('month');

export const thisMonth = signal('');
export const month = signal('');
export const snapshot = signal<IndicatorSnapshot | undefined>(undefined);
export const trend = signal<IndicatorHistory | undefined>(undefined);
export const deviceNames = signal<Map<string, string>>(new Map());
export const openId = signal<string | undefined>(undefined);
export const loading = signal(false);

/** The months the picker offers, newest first. */
export const pickerMonths = (): string[] => Array.from({ length: PICKER_MONTHS }, (_, i) => addMonths(thisMonth.value, -i));

let seq = 0;
async function load(): Promise<void> {
  const mine = ++seq;
  loading.value = true;
  clearNotice();
  try {
    const m = month.value;
    const [s, h] = await Promise.all([overviewApi.snapshot(m), overviewApi.history(addMonths(m, 1 - TREND_MONTHS), m)]);
    if (mine !== seq) return; // a later month was chosen meanwhile
    snapshot.value = s;
    trend.value = h;
  } catch {
    if (mine === seq) showLoadError(() => void load());
  } finally {
    if (mine === seq) loading.value = false;
  }
}

export function chooseMonth(m: string): void {
  month.value = m;
  const u = new URL(location.href);
  u.searchParams.set('month', m);
  window.history.replaceState(null, '', u);
  void load();
}

/** First load: this month at the site unless the address asks for a past one. */
export function start(): void {
  thisMonth.value = monthAt(serverNow());
  month.value = asked && pickerMonths().includes(asked) ? asked : thisMonth.value;
  void load();
  // Names only make the findings read better: without them the ids stand.
  overviewApi
    .devices()
    .then((ds) => (deviceNames.value = new Map(ds.map((d) => [d.id, d.name]))))
    .catch(() => undefined);
}
