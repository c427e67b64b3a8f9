// @vitest-environment happy-dom
// The province table's pure parts: a commune's freshness and stale mark, where its figures come
// from, and the rows' order by any column (a commune without a figure last, either way).
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/lib/i18n.js';
import type { ProvinceCommuneRow } from '../src/pages/province/api.js';
import { ariaSort, freshness, nextSort, sortRows, sourceText } from '../src/pages/province/words.js';

const NOW = Date.parse('2026-10-20T08:00:00Z');
const ago = (h: number) => new Date(NOW - h * 3600_000).toISOString();
const row = (id: string, o: Partial<ProvinceCommuneRow>): ProvinceCommuneRow => ({ id, name: id, district: 'D', lastHeardAt: null, source: 'none', figures: {}, ...o });
const fig = (value: number | null) => ({ numerator: value ?? 0, denominator: value === null ? 0 : 100, value });

afterEach(() => setLang('vi'));

describe('province words', () => {
  it('says when a commune was last heard, stale past two days, never heard stale too', () => {
    setLang('en');
    expect(freshness(ago(72), NOW)).toEqual({ text: 'last heard 3 days ago', stale: true });
    expect(freshness(ago(47), NOW)).toEqual({ text: 'last heard yesterday', stale: false });
    expect(freshness(ago(49), NOW)).toEqual({ text: 'last heard 2 days ago', stale: true });
    expect(freshness(ago(0.5), NOW)).toEqual({ text: 'last heard 30 minutes ago', stale: false });
    expect(freshness(null, NOW)).toEqual({ text: 'never', stale: true });
    setLang('vi');
    expect(freshness(ago(72), NOW).text).toBe('gửi lần cuối 3 ngày trước');
  });

  it('names the source: the finished month, through a day, or none', () => {
    setLang('en');
    expect(sourceText({ source: 'month' })).toBe('Month finished');
    expect(sourceText({ source: 'day', asOf: '2026-10-19' })).toBe('Through day 19/10/2026');
    expect(sourceText({ source: 'none' })).toBe('None');
  });

  it('sorts by name, district, last heard and an indicator, a missing figure last either way', () => {
    const rows = [
      row('b', { name: 'Đông', district: 'Y', lastHeardAt: ago(5), figures: { k: fig(40) } }),
      row('a', { name: 'An', district: 'Z', lastHeardAt: ago(50), figures: { k: fig(90) } }),
      row('c', { name: 'Bình', district: 'X', figures: { k: fig(null) } }),
      row('d', { name: 'Cầu', district: 'X', lastHeardAt: ago(1) }),
    ];
    const ids = (key: Parameters<typeof sortRows>[1]['key'], dir: 'asc' | 'desc') => sortRows(rows, { key, dir }).map((r) => r.id);
    expect(ids('name', 'asc')).toEqual(['a', 'c', 'd', 'b']);
    expect(ids('name', 'desc')).toEqual(['b', 'd', 'c', 'a']);
    expect(ids('district', 'asc')).toEqual(['c', 'd', 'b', 'a']);
    expect(ids('heard', 'desc')).toEqual(['d', 'b', 'a', 'c']);
    expect(ids('ind:k', 'asc')).toEqual(['b', 'a', 'c', 'd']);
    expect(ids('ind:k', 'desc')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('turns a column round on a second click and starts another ascending (last heard: newest first)', () => {
    const s = { key: 'name', dir: 'asc' } as const;
    expect(nextSort(s, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort(s, 'ind:k')).toEqual({ key: 'ind:k', dir: 'asc' });
    expect(nextSort(s, 'heard')).toEqual({ key: 'heard', dir: 'desc' });
    expect(ariaSort(s, 'name')).toBe('ascending');
    expect(ariaSort({ key: 'name', dir: 'desc' }, 'name')).toBe('descending');
    expect(ariaSort(s, 'district')).toBe('none');
  });
});
