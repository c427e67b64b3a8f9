// The history page of the typed web app (dashboards/app, built by Vite) in Debian's Chromium: real
// readings from InfluxDB charted with uPlot, a range change, zoom, the CSV of what is shown, the
// language toggle, a farmer refused another zone's device, at 360 px and 1280 px, no console errors.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, collectErrors, launchChromium, signedInContext } from '../helpers/browser.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;
let t: TestVillage;
let browser: Browser;
const now = Math.floor(Date.now() / 300_000) * 300_000;
const start = now - 8 * 24 * 3600_000;
// Soil moisture rises steadily, one reading every 5 minutes for 8 days.
const value = (ts: number) => 20 + (ts - start) / 60_000 / 1000;

beforeAll(async () => {
  t = await startTestVillage();
  const c = await t.connectDevice('gh-01');
  const readings: object[] = [];
  for (let ts = start; ts < now; ts += 300_000) readings.push({ ts, airTempC: 25 + ((ts / 3600_000) % 24) / 4, airHumidityPct: 80, soilMoisturePct: Number(value(ts).toFixed(4)), lightLux: 100 });
  for (let i = 0; i < readings.length; i += 500) await c.publishAsync('village/xa-thu/gh-01/telemetry', JSON.stringify(readings.slice(i, i + 500)), { qos: 1 });
  await c.endAsync();
  await until(() => t.village.ingest.stats().readings >= readings.length, 'readings ingested', WAIT);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function open(width: number, who: { login: string; role: 'farmer'; zones: string[] }, query: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await signedInContext(browser, t, who, { viewport: { width, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const errors = collectErrors(page, [], (m) => /status of 403/.test(m.text()));
  await page.goto(new URL(`/app/history.html?${query}`, t.village.url).href);
  return { page, errors, close: () => context.close() };
}

const csvRows = async (page: Page): Promise<string[][]> => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('history-csv').click()]);
  const text = await readFile((await download.path())!, 'utf8');
  return text.trimEnd().split('\r\n').map((l) => l.split(','));
};

describe('history page', () => {
  for (const width of [360, 1280]) {
    it(`charts a week of soil moisture from InfluxDB, changes range, zooms and downloads what it shows (${width} px)`, async () => {
      const { page, errors, close } = await open(width, { login: 'nong-dan', role: 'farmer', zones: ['nha-mang-1'] }, 'device=gh-01&metric=soilMoisturePct');
      try {
        expect(await page.locator('html').getAttribute('lang')).toBe('vi');
        await expect.poll(() => page.getByTestId('history-device').textContent(), poll).toBe('Lịch sử: Cảm biến 1');
        // 24 h by default: drawn on a canvas from the server's buckets.
        await page.locator('[data-testid="chart"] canvas').waitFor();
        expect(await page.getByTestId('range-24h').getAttribute('aria-pressed')).toBe('true');
        const count = page.getByTestId('history-count');
        await expect.poll(() => count.getAttribute('data-step'), poll).toBe('87000');

        // A week: the URL, the pressed button and the bucket width follow.
        await page.getByTestId('range-7d').click();
        await expect.poll(() => count.getAttribute('data-step'), poll).toBe('605000');
        expect(new URL(page.url()).searchParams.get('range')).toBe('7d');
        expect(await page.getByTestId('range-7d').getAttribute('aria-pressed')).toBe('true');

        // The CSV holds every bucket shown, each mean within its bucket's readings.
        const rows = await csvRows(page);
        expect(rows[0]).toEqual(['time_utc', 'time_local', 'mean_soilMoisturePct', 'min_soilMoisturePct', 'max_soilMoisturePct']);
        const data = rows.slice(1);
        expect(data.length).toBe(Number(await count.getAttribute('data-points')));
        const full = data.filter((r) => r[2] !== '');
        expect(full.length).toBeGreaterThan(900);
        for (const r of full) {
          const at = Date.parse(r[0]!);
          const [mean, min, max] = [Number(r[2]), Number(r[3]), Number(r[4])];
          expect(min).toBeLessThanOrEqual(mean);
          expect(mean).toBeLessThanOrEqual(max);
          expect(min).toBeGreaterThanOrEqual(value(at) - 0.001);
          expect(max).toBeLessThanOrEqual(value(at + 605_000) + 0.001);
        }

        // Zoomed by a drag across the middle of the plot: the CSV then holds only what is shown.
        const over = page.locator('[data-testid="chart"] .u-over');
        const box = (await over.boundingBox())!;
        await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
        await page.mouse.up();
        const zoomed = (await csvRows(page)).slice(1);
        expect(zoomed.length).toBeGreaterThan(50);
        expect(zoomed.length).toBeLessThan(data.length / 3);
        await page.getByTestId('reset-zoom').click();
        expect((await csvRows(page)).length - 1).toBe(data.length);

        // Another metric, and the language.
        await page.getByTestId('history-metric').selectOption('airTempC');
        await expect.poll(() => new URL(page.url()).searchParams.get('metric'), poll).toBe('airTempC');
        await page.getByTestId('lang-toggle').click();
        await expect.poll(() => page.getByTestId('history-device').textContent(), poll).toBe('History: Cảm biến 1');
        await page.getByTestId('lang-toggle').click();

        // Live: a reading pushed while the page is open extends the hour's chart without a refetch.
        await page.getByTestId('history-metric').selectOption('soilMoisturePct');
        await page.getByTestId('range-1h').click();
        await expect.poll(() => count.getAttribute('data-step'), poll).toBe('4000');
        await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), poll).toBe('live');
        const points = Number(await count.getAttribute('data-points'));
        const seriesRequests: string[] = [];
        page.on('request', (r) => r.url().includes('/api/series') && seriesRequests.push(r.url()));
        // Just past the chart's last bucket (whose start the page shows), and not in the future for it;
        // on the same line as the rest, so the other width's checks of the week still hold.
        const next = Number(await count.getAttribute('data-last')) + 4000 + 100;
        await expect.poll(() => Date.now() + 4000 >= next, poll).toBe(true);
        const dev = await t.connectDevice('gh-01');
        await dev.publishAsync('village/xa-thu/gh-01/telemetry', JSON.stringify({ ts: next, airTempC: 25, airHumidityPct: 80, soilMoisturePct: Number(value(next).toFixed(4)), lightLux: 100 }), { qos: 1 });
        await dev.endAsync();
        await expect.poll(async () => Number(await count.getAttribute('data-points')), poll).toBe(points + 1);
        expect(seriesRequests).toEqual([]);

        // Phone first: nothing wider than the screen; labels, contrast and roles pass axe.
        expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(width);
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });
  }

  it('lists the device’s alerts in words from their codes, pushed as they start and end', async () => {
    const context = await signedInContext(browser, t, { login: 'operator' }, { viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    const errors = collectErrors(page, []);
    try {
      await page.goto(new URL('/app/history.html?device=light-01', t.village.url).href);
      await page.getByTestId('history-count').waitFor();
      await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), poll).toBe('live');
      expect(await page.getByTestId('device-alerts').count()).toBe(0);
      const alert = { key: 'light.lampFailure.light-01', what: { code: 'light-lamp-failure' as const, device: 'light-01' }, severity: 'critical' as const, message: 'light-01 draws 0 W' };
      t.village.bus.emit('alert', { ...alert, at: new Date(), active: true, device: 'light-01' });
      const item = page.locator('[data-testid="device-alerts"] li[data-alert-key="light.lampFailure.light-01"]');
      await expect.poll(() => item.textContent(), poll).toBe('Hỏng bóng: Đèn 1');
      expect(await item.getAttribute('data-severity')).toBe('critical');
      await page.getByTestId('lang-toggle').click();
      await expect.poll(() => item.textContent(), poll).toBe('Lamp failed: Đèn 1');
      expect(await axeViolations(page)).toEqual([]);
      // Another device's alert is not this page's.
      t.village.bus.emit('alert', { ...alert, key: 'light.lampFailure.x', what: { code: 'light-lamp-failure', device: 'gh-01' }, at: new Date(), active: true, device: 'gh-01' });
      t.village.bus.emit('alert', { ...alert, at: new Date(), active: false, device: 'light-01' });
      await expect.poll(() => page.getByTestId('device-alerts').count(), poll).toBe(0);
      t.village.bus.emit('alert', { ...alert, key: 'light.lampFailure.x', what: { code: 'light-lamp-failure', device: 'gh-01' }, at: new Date(), active: false, device: 'gh-01' });
      await page.getByTestId('lang-toggle').click();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('tells a farmer of another zone that the device is not theirs, in words, not a code', async () => {
    const { page, errors, close } = await open(360, { login: 'nong-dan-khac', role: 'farmer', zones: ['khac'] }, 'device=gh-01');
    try {
      await expect.poll(() => page.getByTestId('history-error').textContent(), poll).toBe('Bạn không có quyền xem thiết bị này.');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
