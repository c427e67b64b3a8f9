// @vitest-environment happy-dom
// The province table as drawn: a row per commune with its freshness, source and figures (unit,
// target met or not), a header click sorts and says so (aria-sort), the district filter, and the
// totals rows as the server sent them.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/lib/i18n.js';
import type { ProvinceTable } from '../src/pages/province/api.js';
import { district, sort, table } from '../src/pages/province/store.js';
import { CommuneTable, TotalsTable } from '../src/pages/province/Table.js';

const label = (s: string) => ({ vi: s, en: s });
const def = { id: 'lit', name: label('Đèn quản lý từ xa'), definition: label('Tỉ lệ đèn'), numerator: label('Đèn'), denominator: label('Tổng đèn'), unit: '%' as const, period: 'month' as const, scope: 'commune' as const, target: { op: '>=' as const, value: 80 } };
const f = (n: number, d: number, met?: boolean) => ({ numerator: n, denominator: d, value: d ? (n / d) * 100 : null, met });
const heard = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
const TABLE: ProvinceTable = {
  version: 1,
  province: { id: 'tinh', name: 'Tỉnh Thử' },
  period: '2026-10',
  communes: [
    { id: 'xa-a', name: 'Xã A', district: 'Huyện Bắc', lastHeardAt: heard(1), source: 'day', asOf: '2026-10-19', figures: { lit: f(9, 10, true) } },
    { id: 'xa-b', name: 'Xã B', district: 'Huyện Nam', lastHeardAt: heard(80), source: 'month', figures: { lit: f(1, 4, false) } },
    { id: 'xa-c', name: 'Xã C', district: 'Huyện Bắc', lastHeardAt: null, source: 'none', figures: {} },
  ],
  districts: [
    { district: 'Huyện Nam', communes: 1, reporting: 1, figures: { lit: f(1, 4, false) } },
    { district: 'Huyện Bắc', communes: 2, reporting: 1, figures: { lit: f(9, 10, true) } },
  ],
  total: { communes: 3, reporting: 2, figures: { lit: f(10, 14, false) } },
  definitions: [def],
};

beforeEach(() => {
  table.value = TABLE;
  sort.value = { key: 'name', dir: 'asc' };
  district.value = '';
});
afterEach(() => {
  cleanup();
  setLang('vi');
});

const names = () => screen.getAllByTestId('pv-row').map((r) => r.getAttribute('data-commune'));
const text = (el: Element) => (el.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('province table', () => {
  it('draws a row per commune with freshness, source and the figure against its target', () => {
    setLang('en');
    render(<CommuneTable />);
    expect(names()).toEqual(['xa-a', 'xa-b', 'xa-c']);
    const [a, b, c] = screen.getAllByTestId('pv-row') as [HTMLElement, HTMLElement, HTMLElement];
    expect(text(within(a).getByTestId('pv-heard'))).toBe('last heard 1 hour ago');
    expect(a.dataset.stale).toBe('false');
    expect(text(within(b).getByTestId('pv-heard'))).toBe('⚠ Not heard for over 2 days: last heard 3 days ago');
    expect(text(within(c).getByTestId('pv-heard'))).toContain('never');
    expect(text(within(a).getByTestId('pv-source'))).toBe('Through day 19/10/2026');
    expect(text(within(b).getByTestId('pv-source'))).toBe('Month finished');
    const cell = a.querySelector('td[data-indicator="lit"]')!;
    expect(text(cell)).toBe('90 % ✓ target met');
    expect(b.querySelector('td[data-indicator="lit"]')!.getAttribute('data-state')).toBe('not-met');
    expect(text(c.querySelector('td[data-indicator="lit"]')!)).toBe('—');
    expect(screen.getByTestId('pv-sort-lit').getAttribute('title')?.replace(/\s/g, ' ')).toBe('Tỉ lệ đèn · Target ≥ 80 %');
  });

  it('sorts by a header click and says the order in aria-sort; the filter keeps one district', async () => {
    render(<CommuneTable />);
    const th = () => screen.getByTestId('pv-sort-lit').closest('th')!;
    expect(th().getAttribute('aria-sort')).toBe('none');
    fireEvent.click(screen.getByTestId('pv-sort-lit'));
    expect(th().getAttribute('aria-sort')).toBe('ascending');
    expect(names()).toEqual(['xa-b', 'xa-a', 'xa-c']);
    fireEvent.click(screen.getByTestId('pv-sort-lit'));
    expect(th().getAttribute('aria-sort')).toBe('descending');
    expect(names()).toEqual(['xa-a', 'xa-b', 'xa-c']);
    expect(screen.getByTestId('pv-sort-name').closest('th')!.getAttribute('aria-sort')).toBe('none');
    district.value = 'Huyện Bắc';
    await waitFor(() => expect(names()).toEqual(['xa-a', 'xa-c']));
  });

  it('draws the districts in order and the province total below', () => {
    render(<TotalsTable only="" />);
    const rows = screen.getAllByTestId('pv-district-row');
    expect(rows.map((r) => r.getAttribute('data-district'))).toEqual(['Huyện Bắc', 'Huyện Nam']);
    expect(text(within(rows[0]!).getByTestId('pv-reporting'))).toBe('1/2');
    const total = screen.getByTestId('pv-total');
    const cell = total.querySelector('td[data-indicator="lit"]')!;
    expect([cell.getAttribute('data-num'), cell.getAttribute('data-den')]).toEqual(['10', '14']);
    expect(text(cell)).toBe('71,4 % ✗ chưa đạt mục tiêu');
  });
});
