// The province page's state: the month (in the address, ?period=YYYY-MM), its table, the sort and
// the district filter, the open drill-down and its months, and for admins the communes with the
// push token just made (shown once, never fetched again).
import { batch, computed, signal } from '@preact/signals';
import { FormError } from '../../components/formError.js';
import { refusal, type MessageFn } from '../../components/Msg.js';
import { loadOrOfferRetry } from '../../components/Shell.js';
import { ApiError, serverNow } from '../../lib/http.js';
import type { StreamEvents } from '../../stream.js';
import { t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { addMonths, monthAt } from '../overview/words.js';
import { provinceApi, type Area, type CommuneView, type ProvinceHistory, type ProvinceTable } from './api.js';
import { sortRows, type Sort } from './words.js';

export const PICKER_MONTHS = 24;
/** How many months a drill-down shows, the chosen one included. */
export const HISTORY_MONTHS = 12;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const thisMonth = signal('');
export const period = signal('');
export const table = signal<ProvinceTable | undefined>(undefined);
export const loading = signal(false);
export const sort = signal<Sort>({ key: 'name', dir: 'asc' });
/** '' is every district. */
export const district = signal('');

export const pickerMonths = (): string[] => Array.from({ length: PICKER_MONTHS }, (_, i) => addMonths(thisMonth.value, -i));

export const districts = computed(() => [...new Set(table.value?.communes.map((c) => c.district) ?? [])].sort((a, b) => a.localeCompare(b, 'vi')));
export const rows = computed(() => sortRows((table.value?.communes ?? []).filter((c) => !district.value || c.district === district.value), sort.value));

let seq = 0;
async function readTable(): Promise<void> {
  const mine = ++seq;
  loading.value = true;
  try {
    const tb = await provinceApi.table(period.value);
    if (mine === seq) table.value = tb;
  } finally {
    if (mine === seq) loading.value = false;
  }
}
const load = () => loadOrOfferRetry(readTable);

// ---------------------------------------------------------------- live: a commune pushed

let reloading: ReturnType<typeof setTimeout> | undefined;
/**
 * A push as it lands (GET /api/events): the commune's freshness at once; when it brought new
 * figures for the month shown, the table again, at most every two seconds (a backlog of a hundred
 * communes arrives as a burst, and district totals are the server's to sum).
 */
export function applyPush(e: StreamEvents['province']): void {
  const heard = <T extends { id: string; lastHeardAt: string | null }>(list: readonly T[]): T[] => list.map((c) => (c.id === e.commune ? { ...c, lastHeardAt: e.lastHeardAt } : c));
  const tb = table.value;
  batch(() => {
    if (tb) table.value = { ...tb, communes: heard(tb.communes) };
    if (communes.value.length) communes.value = heard(communes.value);
  });
  if (e.result !== 'stored' || !e.key.startsWith(period.value) || reloading) return;
  reloading = setTimeout(() => {
    reloading = undefined;
    readTable().catch(() => undefined);
  }, 2000);
}

/** After a reconnect: what was pushed meanwhile. */
export function resync(): void {
  if (table.value) readTable().catch(() => undefined);
  if (communes.value.length) void readCommunes();
}

export function chooseMonth(m: string): void {
  period.value = m;
  const u = new URL(location.href);
  u.searchParams.set('period', m);
  window.history.replaceState(null, '', u);
  void load();
  if (drill.value) void openDrill(drill.value);
}

// ---------------------------------------------------------------- drill-down

export const drill = signal<Area | undefined>(undefined);
export const history = signal<ProvinceHistory | undefined>(undefined);
export const historyError = signal<MessageFn | null>(null);
let drillSeq = 0;

/** Opens a district's or a commune's months (the twelve up to the month shown); the same again closes it. */
export async function openDrill(area: Area): Promise<void> {
  const mine = ++drillSeq;
  batch(() => {
    drill.value = area;
    history.value = undefined;
    historyError.value = null;
  });
  try {
    const h = await provinceApi.history(addMonths(period.value, 1 - HISTORY_MONTHS), period.value, area);
    if (mine === drillSeq) history.value = h;
  } catch (err) {
    if (mine === drillSeq) historyError.value = refusal(err, { title: () => t('pv.historyFailed') });
  }
}
export function closeDrill(): void {
  drillSeq++;
  drill.value = undefined;
  history.value = undefined;
}

// ---------------------------------------------------------------- communes (admins)

export const communes = signal<CommuneView[]>([]);
export const communesMsg = signal<MessageFn | null>(null);
export const addForm = { id: signal(''), name: signal(''), district: signal('') };
export const addError = new FormError();
/** The token just made, where it was made: `add` or `commune:<id>`; only here, until closed. */
export const shown = signal<{ at: string; commune: string; token: string } | undefined>(undefined);
export const busy = signal<ReadonlySet<string>>(new Set());
export const itemErrors = signal<ReadonlyMap<string, MessageFn>>(new Map());

function setBusy(key: string, on: boolean): void {
  const s = new Set(busy.value);
  if (on) s.add(key);
  else s.delete(key);
  busy.value = s;
}
function setItemError(key: string, e: MessageFn | undefined): void {
  const m = new Map(itemErrors.value);
  if (e) m.set(key, e);
  else m.delete(key);
  itemErrors.value = m;
}

async function readCommunes(): Promise<void> {
  try {
    communes.value = await provinceApi.communes();
    communesMsg.value = null;
  } catch (err) {
    communesMsg.value = refusal(err, { title: () => t('pv.c.loadFailed') });
  }
}

/** After a change: the list, and the table (a commune added or removed is a row). */
const refresh = () => Promise.all([readCommunes(), readTable().catch(() => undefined)]);

export async function addCommune(): Promise<void> {
  setBusy('add', true);
  addError.set(null);
  try {
    const made = await provinceApi.addCommune({ id: addForm.id.value.trim(), name: addForm.name.value.trim(), district: addForm.district.value.trim() });
    batch(() => {
      shown.value = { at: 'add', commune: made.commune.name, token: made.token };
      addForm.id.value = '';
      addForm.name.value = '';
    });
    await refresh();
  } catch (err) {
    const msg = refusal(err, { title: () => t('pv.c.addFailed'), label: (p) => (p === 'id' ? t('pv.c.id') : p === 'name' ? t('pv.c.name') : p === 'district' ? t('pv.district') : p) });
    // An id registered already: the id is what to change.
    addError.set(err instanceof ApiError && err.code === 'exists' ? () => ({ ...msg(), fields: ['id'] }) : msg);
  } finally {
    setBusy('add', false);
  }
}

export async function rekey(c: CommuneView): Promise<void> {
  if (!window.confirm(t('pv.c.confirmRekey', { name: c.name }))) return;
  const key = `commune:${c.id}`;
  setBusy(key, true);
  setItemError(key, undefined);
  try {
    const made = await provinceApi.rekey(c.id);
    shown.value = { at: key, commune: made.commune.name, token: made.token };
    await refresh();
  } catch (err) {
    setItemError(key, refusal(err, { title: () => t('pv.c.rekeyFailed') }));
  } finally {
    setBusy(key, false);
  }
}

export async function removeCommune(c: CommuneView): Promise<void> {
  if (!window.confirm(t('pv.c.confirmRemove', { name: c.name }))) return;
  const key = `commune:${c.id}`;
  setBusy(key, true);
  setItemError(key, undefined);
  try {
    await provinceApi.remove(c.id);
    if (shown.value?.at === key) shown.value = undefined;
    await refresh();
  } catch (err) {
    setItemError(key, refusal(err, { title: () => t('pv.c.removeFailed') }));
  } finally {
    setBusy(key, false);
  }
}

/** First load: the month under way at the province unless the address asks for another. */
export function start(): void {
  thisMonth.value = monthAt(serverNow());
  const asked = new URLSearchParams(location.search).get('period');
  period.value = asked && MONTH.test(asked) && asked <= thisMonth.value ? asked : thisMonth.value;
  void load();
  if (can('province.manage')) void readCommunes();
}
