// The monthly report page in Debian's Chromium: reached from the overview, the month reported and
// the month beside it picked (and kept in the address), the figures of the small commune of
// tests/helpers/commune.ts's twoMonths (September and October 2026, Asia/Ho_Chi_Minh), at 360 px
// (the sheet scrolls inside itself, the page does not) and printed on A4 (only the sheet; the
// signature block on the last page). No console errors, no serious axe violations.
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, collectErrors, launchChromium, signedInContext } from '../helpers/browser.js';
import { twoMonths } from '../helpers/commune.js';
import { startTestVillage, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;

let t: TestVillage;
let browser: Browser;

beforeAll(async () => {
  t = await startTestVillage({ site: twoMonths.site('xa-in', 'Xã Ấn') });
  await twoMonths.seed(t);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const text = async (l: Locator): Promise<string> => (await l.innerText({ timeout: WAIT })).replace(/\s+/g, ' ').trim();

describe('monthly report page', () => {
  it('opens from the overview on the month shown, sets another month beside it, and fits a phone', async () => {
    const context = await signedInContext(browser, t, { login: 'chu-tich', role: 'official' }, { viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    const errors = collectErrors(page, []);
    try {
      await page.goto(new URL('/app/overview.html?month=2026-10', t.village.url).href);
      await page.getByTestId('ov-report').click();
      await page.waitForURL(/\/app\/report\.html\?period=2026-10&compare=2026-09$/);
      const sheet = page.getByTestId('rp-sheet');
      await expect.poll(() => sheet.getAttribute('data-report-state'), poll).toBe('ready');
      expect(await page.title()).toBe('Báo cáo tháng · Xã Ấn');
      expect(await text(page.getByTestId('rp-sub'))).toBe('Kỳ báo cáo: tháng 10 năm 2026 · so sánh với tháng 9 năm 2026');

      // Hamlets reached: 1 of 2 in October, 2 of 2 in September, down 50 points, target not met.
      const row = page.locator('[data-testid="rp-summary"] tr[data-indicator="radio-hamlets-reached"]');
      expect(await row.locator('td').evaluateAll((tds) => tds.slice(0, 4).map((td) => (td as HTMLElement).innerText.replace(/\s+/g, ' ').trim()))).toEqual([
        '50 %',
        '100 %',
        '−50 điểm %',
        '≥ 100 % ✗ chưa đạt',
      ]);
      // A trend over twelve months, November 2025 to October 2026: September and October measured.
      expect(await row.getByTestId('ov-spark').getAttribute('data-points')).toBe('2');
      // The hamlet table: Thôn A reached, Thôn B not.
      const hamlets = page.locator('[data-testid="rp-hamlets"] tr[data-indicator="radio-hamlets-reached"] td');
      expect(await hamlets.evaluateAll((tds) => tds.map((td) => (td as HTMLElement).innerText.replace(/\s+/g, ' ').trim()))).toEqual(['100 %', '0 %', '50 %']);
      // A finding in words under its definition; the signature block names who prepared it.
      expect(await text(page.locator('[data-testid="rp-defs"] li[data-code="cluster-not-heard"]'))).toBe('Thôn B: cụm loa Loa B không báo về với bộ khuếch đại bình thường trong tháng.');
      expect(await text(page.getByTestId('rp-prepared-name'))).toBe('chu-tich');
      expect(await page.getByTestId('rp-pdf').getAttribute('href')).toBe('/api/indicators/report/pdf?period=2026-10&compare=2026-09&lang=vi');

      // The page does not scroll sideways on a phone: the A4 sheet scrolls inside itself.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      expect(await axeViolations(page)).toEqual([]);

      // September beside October: its column and the address follow.
      await page.getByTestId('rp-compare').selectOption('2026-08');
      await expect.poll(() => text(page.getByTestId('rp-sub')), poll).toBe('Kỳ báo cáo: tháng 10 năm 2026 · so sánh với tháng 8 năm 2026');
      await expect.poll(() => sheet.getAttribute('data-report-state'), poll).toBe('ready');
      expect(page.url()).toMatch(/\?period=2026-10&compare=2026-08$/);
      // August has no data: 0 of 2 hamlets heard.
      expect(await text(row.locator('td').nth(1))).toBe('0 %');
      // Another month reported: the one beside it moves to the month before.
      await page.getByTestId('rp-period').selectOption('2026-09');
      await expect.poll(() => text(page.getByTestId('rp-sub')), poll).toBe('Kỳ báo cáo: tháng 9 năm 2026 · so sánh với tháng 8 năm 2026');
      await expect.poll(() => text(row.locator('td').first()), poll).toBe('100 %');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('prints only the sheet on A4, the signature block last', async () => {
    const context = await signedInContext(browser, t, { login: 'chu-tich', role: 'official' }, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    const errors = collectErrors(page, []);
    try {
      await page.goto(new URL('/app/report.html?period=2026-10', t.village.url).href);
      await expect.poll(() => page.getByTestId('rp-sheet').getAttribute('data-report-state'), poll).toBe('ready');
      // Without compare in the address, the month before is set beside it.
      expect(await text(page.getByTestId('rp-sub'))).toBe('Kỳ báo cáo: tháng 10 năm 2026 · so sánh với tháng 9 năm 2026');
      await page.emulateMedia({ media: 'print' });
      for (const id of ['rp-tools', 'site-name']) expect(await page.getByTestId(id).isVisible(), id).toBe(false);
      expect(await page.getByTestId('rp-sheet').isVisible()).toBe(true);
      // On paper the sheet is the page: no frame of its own, the page margins are the @page rule's.
      expect(await page.getByTestId('rp-sheet').evaluate((el) => getComputedStyle(el).borderTopWidth + ' ' + getComputedStyle(el).paddingTop)).toBe('0px 0px');
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
