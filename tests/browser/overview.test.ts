// The officials' overview in Debian's Chromium: a small commune seeded over September and October
// 2026 (Asia/Ho_Chi_Minh), its indicators' tiles with their real figures, a tile's details (the
// definition, each hamlet's figure, the findings in words), another month, at 360 px and 1280 px;
// no console errors and no serious axe violations. A farmer is refused the page.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, collectErrors, launchChromium, removeShots, shootAtWidths, signedInContext } from '../helpers/browser.js';
import { twoMonths } from '../helpers/commune.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;
// The commune of tests/helpers/commune.ts's twoMonths: see there what each month holds.
const site = () => twoMonths.site('xa-tong', 'Xã Tổng');

let t: TestVillage;
let browser: Browser;
let shotDir: string | undefined;

beforeAll(async () => {
  t = await startTestVillage({ site: site() });
  await twoMonths.seed(t);
  browser = await launchChromium();
  shotDir = await mkdtemp(join(tmpdir(), 'overview-shots-'));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await removeShots(shotDir);
  await t?.stop();
});

/** What a reader sees, white space (no-break spaces too) collapsed. */
const text = async (l: Locator): Promise<string> => (await l.innerText({ timeout: WAIT })).replace(/\s+/g, ' ').trim();

async function open(width: number, who: { login: string; role: 'official' | 'farmer'; zones?: string[] }, path: string) {
  const context = await signedInContext(browser, t, who, { viewport: { width, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const errors = collectErrors(page, []);
  await page.goto(new URL(path, t.village.url).href);
  return { page, errors, close: () => context.close() };
}

const tile = (page: Page, id: string) => page.locator(`[data-testid="ov-tile"][data-indicator="${id}"]`);

describe('overview', () => {
  for (const width of [360, 1280]) {
    it(`shows an official the month's indicators, a tile's details, and another month (${width} px)`, async () => {
      const { page, errors, close } = await open(width, { login: 'chu-tich', role: 'official' }, '/overview.html?month=2026-10');
      try {
        await page.waitForURL(/\/app\/overview\.html\?month=2026-10$/);
        await expect.poll(() => page.title(), poll).toBe('Tổng quan · Xã Tổng');
        expect(await page.getByTestId('nav-overview').getAttribute('aria-current')).toBe('page');
        expect(await page.getByTestId('ov-month').inputValue()).toBe('2026-10');

        // Hamlets reached: 1 of 2, target ≥ 100 % not met, down 50 points on September's 100 %.
        const radio = tile(page, 'radio-hamlets-reached');
        await expect.poll(() => text(radio.getByTestId('ov-value')), poll).toBe('50 %');
        expect(await radio.getAttribute('data-state')).toBe('not-met');
        expect(await text(radio.getByTestId('ov-target'))).toBe('Chưa đạt mục tiêu ≥ 100 %');
        expect(await text(radio.getByTestId('ov-change'))).toBe('−50 điểm % so với tháng trước');
        // Of the twelve months November 2025 to October 2026, only those since the commune's first
        // data (September) have a figure: the earlier ones had nothing to measure.
        expect(await radio.getByTestId('ov-spark').getAttribute('data-points')).toBe('2');
        // Lights managed remotely: 2 of 3.
        const lights = tile(page, 'lighting-remotely-managed');
        expect(await text(lights.getByTestId('ov-value'))).toBe('66,7 %');
        expect(await text(lights.getByTestId('ov-change'))).toBe('−33,3 điểm % so với tháng trước');
        expect(await page.getByTestId('ov-details').count()).toBe(0);

        // The radio tile's details: definition, numerator and denominator, hamlets, a finding in words.
        await radio.click();
        expect(await radio.getAttribute('aria-expanded')).toBe('true');
        const details = page.getByTestId('ov-details');
        await details.waitFor();
        expect(await text(details.locator('h2'))).toBe('Thôn có cụm loa hoạt động');
        expect(await text(page.getByTestId('ov-definition'))).toMatch(/^Tỉ lệ thôn của xã có ít nhất một cụm loa/);
        expect(await text(page.getByTestId('ov-maps'))).toMatch(/Tiêu chí 8\.3/);
        expect(await text(page.getByTestId('ov-ratio'))).toBe('Tử số: Thôn có cụm loa hoạt động 1 Mẫu số: Tổng số thôn 2');
        const rows = page.locator('[data-testid="ov-hamlets"] tbody tr');
        expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim()))).toEqual(['Thôn A 1 1 100 %', 'Thôn B 0 1 0 %']);
        expect(await text(page.locator('[data-testid="ov-findings"] li[data-code="cluster-not-heard"]'))).toBe('Thôn B: cụm loa Loa B không báo về với bộ khuếch đại bình thường trong tháng.');
        expect(await axeViolations(page)).toEqual([]);
        if (width === 360) {
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
          await shootAtWidths(page, shotDir!, 'overview', { timeout: WAIT, full: true });
          await page.setViewportSize({ width, height: 800 });
        }

        // Another tile: the silent light named in words.
        await lights.click();
        await expect.poll(() => details.getAttribute('data-indicator'), poll).toBe('lighting-remotely-managed');
        expect(await text(page.locator('[data-testid="ov-findings"] li'))).toBe('Thôn A: đèn Đèn 2 không gửi số liệu trong 24 giờ cuối tháng.');

        // September: every hamlet reached, nothing found wanting; the open details follow the month.
        await page.getByTestId('ov-month').selectOption('2026-09');
        await expect.poll(() => text(radio.getByTestId('ov-value')), poll).toBe('100 %');
        expect(await radio.getAttribute('data-state')).toBe('met');
        expect(await text(radio.getByTestId('ov-target'))).toBe('Đạt mục tiêu ≥ 100 %');
        expect(await text(lights.getByTestId('ov-value'))).toBe('100 %');
        expect(await text(page.getByTestId('ov-findings'))).toBe('Không có vấn đề nào được ghi nhận.');
        expect(page.url()).toMatch(/\?month=2026-09$/);
        await page.getByTestId('ov-close').click();
        expect(await page.getByTestId('ov-details').count()).toBe(0);
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });
  }

  it('refuses a farmer: the notice says so and no figure is shown', async () => {
    const { page, errors, close } = await open(360, { login: 'nong-dan', role: 'farmer', zones: [] }, '/app/overview.html');
    try {
      await expect.poll(() => text(page.getByTestId('notice')), poll).toBe('Vai trò “Nông dân” không xem được trang này.');
      expect(await page.getByTestId('ov-tile').count()).toBe(0);
      expect(await page.getByTestId('nav-overview').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
