// The province table's words and order: a commune's freshness, where its month's figures come
// from, and the sort of the rows by any column. Pure, so the unit tests drive them directly.
import { fmtLocalDate } from '../../lib/format.js';
import { locale, t } from '../../lib/i18n.js';
import type { ProvinceCommuneRow } from './api.js';

/** A commune not heard from for longer than this is marked stale. */
export const STALE_MS = 2 * 24 * 3600_000;

export interface Freshness {
  text: string;
  stale: boolean;
}

/** "last heard 3 days ago", "never"; stale past two days (never heard is stale too). */
export function freshness(lastHeardAt: string | null, now: number): Freshness {
  if (lastHeardAt === null) return { text: t('pv.neverHeard'), stale: true };
  const at = Date.parse(lastHeardAt);
  const ago = Math.max(0, now - at);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const when =
    ago < 60_000 ? rtf.format(0, 'second') : ago < 3600_000 ? rtf.format(-Math.floor(ago / 60_000), 'minute') : ago < 86400_000 ? rtf.format(-Math.floor(ago / 3600_000), 'hour') : rtf.format(-Math.floor(ago / 86400_000), 'day');
  // Mid-sentence: ICU writes some Vietnamese phrases capitalised ("Hôm kia").
  return { text: t('pv.heard', { when: when.toLocaleLowerCase(locale()) }), stale: ago > STALE_MS };
}

/** Where the month's figures come from: the finished month, "through day D", or none yet. */
export function sourceText(row: Pick<ProvinceCommuneRow, 'source' | 'asOf'>): string {
  if (row.source === 'month') return t('pv.source.month');
  if (row.source === 'day') return t('pv.source.day', { day: row.asOf ? fmtLocalDate(row.asOf) : '?' });
  return t('pv.source.none');
}

/** A column to sort by: the commune's name, district, last heard, source, or an indicator's value. */
export type SortKey = 'name' | 'district' | 'heard' | 'source' | `ind:${string}`;
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

const SOURCE_ORDER = { none: 0, day: 1, month: 2 } as const;

function keyOf(row: ProvinceCommuneRow, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return row.name;
    case 'district':
      return row.district;
    case 'heard':
      return row.lastHeardAt === null ? null : Date.parse(row.lastHeardAt);
    case 'source':
      return SOURCE_ORDER[row.source];
    default:
      return row.figures[key.slice(4)]?.value ?? null;
  }
}

/**
 * The rows in the sort's order; a commune without a figure for the column sorts last either way
 * (an empty cell is not the lowest value), ties by name so the order is stable.
 */
export function sortRows(rows: readonly ProvinceCommuneRow[], sort: Sort): ProvinceCommuneRow[] {
  const collator = new Intl.Collator(locale());
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = keyOf(a, sort.key);
    const y = keyOf(b, sort.key);
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) {
      return sign * (typeof x === 'string' && typeof y === 'string' ? collator.compare(x, y) : Number(x) - Number(y));
    }
    return collator.compare(a.name, b.name) || a.id.localeCompare(b.id);
  });
}

/** A header's aria-sort. */
export const ariaSort = (sort: Sort, key: SortKey): 'ascending' | 'descending' | 'none' => (sort.key !== key ? 'none' : sort.dir === 'asc' ? 'ascending' : 'descending');

/** A click on a header: the same column turns its order round, another starts ascending (newest first for last heard). */
export function nextSort(sort: Sort, key: SortKey): Sort {
  if (sort.key === key) return { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'heard' ? 'desc' : 'asc' };
}
