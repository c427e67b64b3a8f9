// The report's state: the month reported and the month set beside it (both in the address), their
// snapshots, twelve months of history for the trends, the notable events and the devices' names.
// `state` tells the server's PDF printer when every figure is drawn.
import { signal } from '@preact/signals';
import { serverNow } from '../../lib/http.js';
import { overviewApi, type IndicatorHistory, type IndicatorSnapshot } from '../overview/api.js';
import { addMonths, monthAt } from '../overview/words.js';
import { reportApi, type NotableEvents } from './api.js';

export const TREND_MONTHS = 12;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export interface ReportData {
  period: string;
  compare: string;
  snapshot: IndicatorSnapshot;
  other: IndicatorSnapshot;
  history: IndicatorHistory;
  notable: NotableEvents;
  deviceNames: Map<string, string>;
}

export const period = signal('');
export const compare = signal('');
export const data = signal<ReportData | undefined>(undefined);
export const state = signal<'loading' | 'ready' | 'error'>('loading');
/** Why the figures could not be read: the API's error code, for the page and the printer. */
export const failure = signal<string | undefined>(undefined);

/** The month last finished at the site: what a monthly report is about unless asked. */
export const lastFinished = (): string => addMonths(monthAt(serverNow()), -1);

/** The months the pickers offer, newest first: this one and the 35 before it. */
export const pickerMonths = (): string[] => Array.from({ length: 36 }, (_, i) => addMonths(monthAt(serverNow()), -i));

let seq = 0;
async function load(): Promise<void> {
  const mine = ++seq;
  state.value = 'loading';
  failure.value = undefined;
  try {
    const p = period.value;
    const c = compare.value;
    const [snapshot, other, history, notable, devices] = await Promise.all([
      overviewApi.snapshot(p),
      overviewApi.snapshot(c),
      overviewApi.history(addMonths(p, 1 - TREND_MONTHS), p),
      reportApi.notable(p),
      // Names only make the findings read better: without them the ids stand.
      overviewApi.devices().catch(() => []),
    ]);
    if (mine !== seq) return;
    data.value = { period: p, compare: c, snapshot, other, history, notable, deviceNames: new Map(devices.map((d) => [d.id, d.name])) };
    state.value = 'ready';
  } catch (err) {
    if (mine !== seq) return;
    failure.value = (err as { code?: string }).code ?? 'unavailable';
    state.value = 'error';
  }
}

/** Shows other months, keeping them in the address (so a printout or link says which). */
export function choose(next: { period?: string; compare?: string }): void {
  if (next.period) period.value = next.period;
  if (next.compare) compare.value = next.compare;
  const u = new URL(location.href);
  u.searchParams.set('period', period.value);
  u.searchParams.set('compare', compare.value);
  window.history.replaceState(null, '', u);
  void load();
}

export function start(): void {
  const q = new URLSearchParams(location.search);
  const p = q.get('period');
  const c = q.get('compare');
  period.value = p && MONTH.test(p) ? p : lastFinished();
  compare.value = c && MONTH.test(c) ? c : addMonths(period.value, -1);
  void load();
}
