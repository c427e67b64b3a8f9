// The province page in Debian's Chromium, against a real province (PLANE_MODE=province, its own influxd):
// six communes in two districts push their month so far (and three their last month) with their own
// tokens; an official sees a row per commune with its freshness and source, sorts by a column,
// filters a district, reads district totals that sum the communes' numerators and denominators, and
// drills into a district and a commune's months; printed, only the table remains. An admin
// registers a commune and sees its push token once, which then pushes; a re-key retires the old one.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotPush } from '../../controller/api/contract/province.js';
import { axeViolations, collectErrors, launchChromium, signInContext, signInOnPage } from '../helpers/browser.js';
import { startTestProvince, type TestProvince } from '../helpers/province.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;
const DAY = 86_400_000;
const TZ = 'Asia/Ho_Chi_Minh';
const L = 'lighting-remotely-managed'; // a share, target ≥ 90 %
const R = 'radio-hamlets-reached'; // a share, target ≥ 100 %

/** Today and its month at the province (the month under way), and the month before. */
const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
const thisMonth = today.slice(0, 7);
const lastMonth = (() => {
  const [y, m] = thisMonth.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();
const monthStart = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1) - 7 * 3600_000).toISOString(); // midnight at UTC+7
};

type Figs = Record<string, [number, number]>;
function push(site: string, kind: 'day' | 'month', figs: Figs): SnapshotPush {
  const period = kind === 'day' ? thisMonth : lastMonth;
  const snapshot = {
    version: 1,
    site,
    period,
    from: monthStart(period),
    to: kind === 'day' ? new Date().toISOString() : monthStart(thisMonth),
    complete: kind === 'month',
    computedAt: new Date().toISOString(),
    indicators: Object.entries(figs).map(([id, [numerator, denominator]]) => ({ id, numerator, denominator, value: denominator ? (numerator / denominator) * 100 : null })),
  };
  return kind === 'day' ? { kind, day: today, snapshot } : { kind, snapshot };
}

const BAC = 'Huyện Bắc';
const NAM = 'Huyện Nam';
/** The communes, their month so far, and (some) their last month; xa-gia never pushes. */
const COMMUNES: { id: string; name: string; district: string; now?: Figs; last?: Figs }[] = [
  { id: 'xa-an', name: 'An Phú', district: BAC, now: { [L]: [9, 10], [R]: [2, 2] }, last: { [L]: [8, 10], [R]: [2, 2] } },
  { id: 'xa-binh', name: 'Bình Minh', district: BAC, now: { [L]: [5, 10], [R]: [1, 3] }, last: { [L]: [4, 10], [R]: [2, 3] } },
  { id: 'xa-cau', name: 'Cầu Ngang', district: BAC, now: { [L]: [19, 20], [R]: [3, 4] } },
  { id: 'xa-dong', name: 'Đông Hòa', district: NAM, now: { [L]: [3, 4], [R]: [4, 4] }, last: { [L]: [2, 4], [R]: [4, 4] } },
  { id: 'xa-em', name: 'Em Lợi', district: NAM, now: { [L]: [7, 8], [R]: [0, 2] } },
  { id: 'xa-gia', name: 'Gia Lộc', district: NAM },
];

let t: TestProvince;
let browser: Browser;
const tokens = new Map<string, string>();

beforeAll(async () => {
  t = await startTestProvince();
  for (const c of COMMUNES) {
    const token = await t.addCommune({ id: c.id, name: c.name, district: c.district });
    tokens.set(c.id, token);
    for (const [kind, figs] of [['month', c.last], ['day', c.now]] as const) {
      if (!figs) continue;
      const r = await t.push(token, push(c.id, kind, figs));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.result).toBe('stored');
    }
  }
  // Cầu Ngang last pushed three days ago (its link has been down since).
  t.province.store.heard('xa-cau', Date.now() - 3 * DAY - 3600_000);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** What a reader sees, white space (no-break spaces too) collapsed. */
const text = async (l: Locator): Promise<string> => (await l.innerText({ timeout: WAIT })).replace(/\s+/g, ' ').trim();
const rowIds = (page: Page) => page.locator('[data-testid="pv-row"]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-commune')));
const row = (page: Page, id: string) => page.locator(`[data-testid="pv-row"][data-commune="${id}"]`);
const cell = (scope: Locator, id: string) => scope.locator(`td[data-indicator="${id}"]`);

async function open(who: { login: string; role: 'official' | 'admin' }, path: string) {
  const client = await t.as(who.login, who.role);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await signInContext(context, t.url, client.login, client.password);
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const errors = collectErrors(page, []);
  await page.goto(new URL(path, t.url).href);
  return { page, errors, close: () => context.close() };
}

describe('province page', () => {
  it('shows an official the communes × indicators, sorted, filtered, with totals and drill-downs', async () => {
    // The province's / leads to its page.
    const { page, errors, close } = await open({ login: 'lanh-dao', role: 'official' }, '/');
    try {
      await page.waitForURL(/\/app\/province\.html/);
      await expect.poll(() => page.locator('[data-testid="pv-row"]').count(), poll).toBe(6);
      expect(await page.getByTestId('pv-month').inputValue()).toBe(thisMonth);
      // A province's nav: its page only (the commune's pages are not here; admin is an admin's).
      expect(await page.locator('nav.nav a:visible').allTextContents()).toEqual(['Các xã']);
      expect(await page.getByTestId('nav-province').getAttribute('aria-current')).toBe('page');
      // An official here is the province's.
      expect(await text(page.getByTestId('who-role'))).toBe('Lãnh đạo tỉnh');

      // By name first, as the reader's language sorts (Đ after D).
      expect(await rowIds(page)).toEqual(['xa-an', 'xa-binh', 'xa-cau', 'xa-dong', 'xa-em', 'xa-gia']);
      // Freshness and source: just heard, three days ago (stale), never.
      const an = row(page, 'xa-an');
      expect(await an.getAttribute('data-stale')).toBe('false');
      expect(await text(an.getByTestId('pv-heard'))).toMatch(/^gửi lần cuối /);
      expect(await text(an.getByTestId('pv-source'))).toBe(`Đến hết ngày ${today.split('-').reverse().join('/')}`);
      expect(await row(page, 'xa-cau').getAttribute('data-stale')).toBe('true');
      expect(await text(row(page, 'xa-cau').getByTestId('pv-heard'))).toBe('⚠ Quá 2 ngày chưa gửi: gửi lần cuối 3 ngày trước');
      expect(await text(row(page, 'xa-gia').getByTestId('pv-heard'))).toBe('⚠ Quá 2 ngày chưa gửi: chưa gửi lần nào');
      expect(await text(row(page, 'xa-gia').getByTestId('pv-source'))).toBe('Chưa có');
      // A value with its unit, and the target met or not.
      expect(await text(cell(an, L))).toBe('90 % ✓ đạt mục tiêu');
      expect(await cell(an, L).getAttribute('data-state')).toBe('met');
      expect(await text(cell(row(page, 'xa-binh'), L))).toBe('50 % ✗ chưa đạt mục tiêu');
      expect(await text(cell(row(page, 'xa-gia'), L))).toBe('—');
      // The indicator's definition on its header.
      expect(await page.getByTestId(`pv-sort-${L}`).getAttribute('title')).toMatch(/Mục tiêu ≥ 90/);
      expect(await page.locator(`[data-testid="pv-defs"] [data-indicator="${L}"]`).count()).toBe(1);

      // Sorted by the lights managed remotely: ascending, then descending; no figure last either way.
      const th = page.locator(`th[data-sort-key="ind:${L}"]`);
      await page.getByTestId(`pv-sort-${L}`).click();
      await expect.poll(() => rowIds(page), poll).toEqual(['xa-binh', 'xa-dong', 'xa-em', 'xa-an', 'xa-cau', 'xa-gia']);
      expect(await th.getAttribute('aria-sort')).toBe('ascending');
      await page.getByTestId(`pv-sort-${L}`).click();
      await expect.poll(() => rowIds(page), poll).toEqual(['xa-cau', 'xa-an', 'xa-em', 'xa-dong', 'xa-binh', 'xa-gia']);
      expect(await th.getAttribute('aria-sort')).toBe('descending');
      expect(await page.locator('th[data-sort-key="name"]').getAttribute('aria-sort')).toBe('none');

      // District totals: each the sum of its communes' numerators and denominators, and the province's.
      const ratio = async (l: Locator) => [Number(await l.getAttribute('data-num')), Number(await l.getAttribute('data-den'))];
      const districtRow = (d: string) => page.locator(`[data-testid="pv-district-row"][data-district="${d}"]`);
      for (const d of [BAC, NAM]) {
        for (const id of [L, R]) {
          let n = 0;
          let den = 0;
          for (const c of COMMUNES.filter((x) => x.district === d && x.now)) {
            const [a, b] = await ratio(cell(row(page, c.id), id));
            n += a!;
            den += b!;
          }
          expect(await ratio(cell(districtRow(d), id))).toEqual([n, den]);
        }
      }
      expect(await ratio(cell(districtRow(BAC), L))).toEqual([33, 40]);
      expect(await ratio(cell(districtRow(NAM), L))).toEqual([10, 12]);
      expect(await text(districtRow(NAM).getByTestId('pv-reporting'))).toBe('2/3');
      const total = page.getByTestId('pv-total');
      expect(await ratio(cell(total, L))).toEqual([43, 52]);
      expect(await text(cell(total, L))).toBe('82,7 % ✗ chưa đạt mục tiêu');

      // The district filter keeps one district's communes and totals.
      await page.getByTestId('pv-filter').selectOption(NAM);
      await expect.poll(() => rowIds(page), poll).toEqual(['xa-em', 'xa-dong', 'xa-gia']);
      expect(await page.locator('[data-testid="pv-district-row"]').count()).toBe(1);
      await page.getByTestId('pv-filter').selectOption('');
      await expect.poll(() => page.locator('[data-testid="pv-row"]').count(), poll).toBe(6);

      // Drill into a district: its communes, and its months (last month summed over its communes).
      await districtRow(BAC).getByTestId('pv-open-district').click();
      const drill = page.getByTestId('pv-drill');
      await expect.poll(() => drill.getAttribute('data-id'), poll).toBe(BAC);
      expect(await drill.locator('[data-testid="pv-drill-communes"] li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-commune')))).toEqual(['xa-an', 'xa-binh', 'xa-cau']);
      const month = (m: string) => drill.locator(`[data-testid="pv-history-row"][data-month="${m}"]`);
      await month(lastMonth).waitFor();
      expect(await ratio(cell(month(lastMonth), L))).toEqual([12, 20]);
      expect(await text(cell(month(lastMonth), L))).toBe('60 % ✗ chưa đạt mục tiêu');
      // The month under way comes from the table, marked so far.
      expect(await ratio(cell(month(thisMonth), L))).toEqual([33, 40]);
      expect(await text(month(thisMonth).locator('th'))).toMatch(/\(đến nay\)$/);
      expect(await drill.getByTestId('ov-spark').count()).toBeGreaterThan(0);
      // On to one of its communes: its own months.
      await drill.locator('[data-testid="pv-drill-communes"] li[data-commune="xa-an"] button').click();
      await expect.poll(() => drill.getAttribute('data-id'), poll).toBe('xa-an');
      await month(lastMonth).waitFor();
      expect(await text(cell(month(lastMonth), L))).toBe('80 % ✗ chưa đạt mục tiêu');
      expect(await text(cell(month(lastMonth), R))).toBe('100 % ✓ đạt mục tiêu');
      // A commune that sent no finished month has only the month so far.
      await row(page, 'xa-cau').getByTestId('pv-open-commune').click();
      await expect.poll(() => drill.getAttribute('data-id'), poll).toBe('xa-cau');
      await expect.poll(() => drill.locator('[data-testid="pv-history-row"]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-month'))), poll).toEqual([thisMonth]);
      expect(await axeViolations(page)).toEqual([]);
      // On a phone the wide tables scroll inside their own boxes, never the page.
      await page.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), poll).toBeLessThanOrEqual(390);
      await page.setViewportSize({ width: 1280, height: 900 });

      // The monthly report: the CSV of the month, and printed only the heading, tables and definitions.
      expect(await page.getByTestId('pv-csv').getAttribute('href')).toBe(`/api/province/report/csv?period=${thisMonth}&lang=vi`);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.top').isVisible()).toBe(false);
      expect(await page.getByTestId('pv-tools').isVisible()).toBe(false);
      expect(await drill.isVisible()).toBe(false);
      expect(await page.getByTestId('pv-table').isVisible()).toBe(true);
      expect(await page.getByTestId('pv-totals').isVisible()).toBe(true);
      await page.emulateMedia({ media: 'screen' });
      // An official sees no communes panel.
      expect(await page.getByTestId('pv-communes').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('lets an admin register a commune and shows its push token once; a re-key retires the old token', async () => {
    const { page, errors, close } = await open({ login: 'admin', role: 'admin' }, '/app/province.html');
    try {
      page.on('dialog', (d) => void d.accept());
      await expect.poll(() => page.locator('[data-testid="pv-commune"]').count(), poll).toBeGreaterThanOrEqual(6);
      expect(await page.locator('nav.nav a:visible').allTextContents()).toEqual(['Các xã', 'Quản trị']);
      await page.getByTestId('pv-c-id').fill('xa-hoa');
      await page.getByTestId('pv-c-name').fill('Hòa Bình');
      await page.getByTestId('pv-c-district').fill(NAM);
      await page.getByTestId('pv-c-submit').click();
      const form = page.getByTestId('pv-commune-form');
      const secret = form.getByTestId('secret-value');
      await secret.waitFor();
      const token = await text(secret);
      expect(token).toMatch(/^svt_/);
      expect(await text(form.getByTestId('secret'))).toContain('Chỉ hiện một lần');
      // The new commune is listed and in the table, never heard.
      await expect.poll(() => row(page, 'xa-hoa').count(), poll).toBe(1);
      expect(await text(row(page, 'xa-hoa').getByTestId('pv-heard'))).toContain('chưa gửi lần nào');
      // The token shown is the one that pushes.
      expect((await t.push(token, push('xa-hoa', 'day', { [L]: [1, 1] }))).status).toBe(200);
      // Closed, it is gone for good: the list shows the token's id, never its secret.
      await form.getByTestId('secret-dismiss').click();
      await expect.poll(() => form.getByTestId('secret').count(), poll).toBe(0);
      expect(await page.content()).not.toContain(token);

      // Re-key: a new token shown in the commune's item; the old one no longer pushes.
      const item = page.locator('[data-testid="pv-commune"][data-commune="xa-hoa"]');
      await item.getByTestId('pv-rekey').click();
      await item.getByTestId('secret-value').waitFor();
      const fresh = await text(item.getByTestId('secret-value'));
      expect(fresh).toMatch(/^svt_/);
      expect(fresh).not.toBe(token);
      expect((await t.push(token, push('xa-hoa', 'day', { [L]: [1, 1] }))).status).toBe(401);
      expect((await t.push(fresh, push('xa-hoa', 'day', { [L]: [1, 1] }))).status).toBe(200);

      // A refusal in words: the same id again.
      await page.getByTestId('pv-c-id').fill('xa-hoa');
      await page.getByTestId('pv-c-name').fill('Hòa Bình 2');
      await page.getByTestId('pv-c-district').fill(NAM);
      await page.getByTestId('pv-c-submit').click();
      await expect.poll(() => text(page.getByTestId('pv-c-error')), poll).toMatch(/^Không đăng ký được xã\. Đã có rồi:/);
      expect(await page.getByTestId('pv-c-id').getAttribute('aria-invalid')).toBe('true');

      // Removed: off the list and the table.
      await item.getByTestId('pv-remove').click();
      await expect.poll(() => row(page, 'xa-hoa').count(), poll).toBe(0);
      expect(await item.count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
    } finally {
      await close();
    }
  });

  it('starts a viewer signing in on the sign-in page on the province page, not a commune\'s', async () => {
    const client = await t.as('thanh-tra', 'viewer');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT);
      await page.goto(new URL('/signin.html', t.url).href);
      await signInOnPage(page, client.login, client.password);
      await page.waitForURL(/\/province\.html/);
      await expect.poll(() => page.locator('[data-testid="pv-row"]').count(), poll).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it('prints the month\'s report to PDF with the province\'s Chromium: every commune, the totals', async () => {
    const official = await t.as('lanh-dao', 'official');
    const res = await official.fetch(`/api/province/report/pdf?period=${thisMonth}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const dir = await mkdtemp(join(tmpdir(), 'province-pdf-'));
    try {
      const file = join(dir, 'r.pdf');
      await writeFile(file, Buffer.from(await res.arrayBuffer()));
      const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', file, '-']);
      const words = stdout.replace(/\s+/g, ' ');
      expect(words).toContain('Tỉnh Thử');
      const names = (await official.get('/api/province/communes')).body.map((c: { name: string }) => c.name as string);
      for (const n of names) expect(words).toContain(n);
      // The print view leaves the page's controls out.
      expect(words).not.toContain('Tải số liệu (CSV)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shows a commune\'s push as it lands, without a reload: its freshness, source and figures', async () => {
    const { page, errors, close } = await open({ login: 'lanh-dao', role: 'official' }, '/app/province.html');
    try {
      const gia = row(page, 'xa-gia');
      await expect.poll(() => text(gia.getByTestId('pv-source')), poll).toBe('Chưa có');
      await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), poll).toBe('live');
      await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
      const r = await t.push(tokens.get('xa-gia')!, push('xa-gia', 'day', { [L]: [1, 2] }));
      expect(r.body.result).toBe('stored');
      await expect.poll(() => text(gia.getByTestId('pv-heard')), poll).toMatch(/^gửi lần cuối /);
      await expect.poll(() => text(cell(gia, L)), poll).toBe('50 % ✗ chưa đạt mục tiêu');
      expect(await text(gia.getByTestId('pv-source'))).toBe(`Đến hết ngày ${today.split('-').reverse().join('/')}`);
      expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

