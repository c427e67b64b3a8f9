// First load of the typed app's pages in Debian's Chromium on loopback, a fresh browser context
// (cold cache) each time, median of 5. Signing in is outside the figures.
//   history: from navigation to the chart drawn with a day of real readings;
//   devices: from navigating to `/` (redirected to /app/) to every device's card drawn, the
//   greenhouse sensor's readings shown and the live stream open.
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signedInContext } from '../tests/helpers/browser.js';
import { startTestVillage, until, type TestVillage } from '../tests/helpers/village.js';
import { median } from './stats.js';

async function firstLoads(t: TestVillage, browser: Browser, runs: number, path: string, ready: (page: Page) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await signedInContext(browser, t, { login: 'operator' });
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(new URL(path, t.village.url).href);
    await ready(page);
    times.push(performance.now() - t0);
    await context.close();
  }
  return times;
}

const report = (what: string, times: number[]) =>
  console.log(`${what}, ${times.length} runs: median ${median(times).toFixed(0)} ms (${times.map((x) => x.toFixed(0)).join(', ')})`);

export async function appLoad(runs = 5): Promise<void> {
  const t = await startTestVillage();
  const browser = await launchChromium();
  try {
    const c = await t.connectDevice('gh-01');
    const now = Date.now();
    const readings = Array.from({ length: 1440 }, (_, i) => ({ ts: now - (1440 - i) * 60_000, airTempC: 25, airHumidityPct: 80, soilMoisturePct: 30 + (i % 60) / 10, lightLux: 100 }));
    for (let i = 0; i < readings.length; i += 500) await c.publishAsync('village/xa-thu/gh-01/telemetry', JSON.stringify(readings.slice(i, i + 500)), { qos: 1 });
    await c.endAsync();
    await until(() => t.village.ingest.stats().readings >= readings.length, 'readings ingested');

    const history = await firstLoads(t, browser, runs, '/app/history.html?device=gh-01&metric=soilMoisturePct', (page) => page.locator('[data-testid="chart"] canvas').waitFor());
    report('history page first load (cold cache, loopback, chart drawn with 24 h of readings)', history);

    const cards = t.village.site.config.devices.length;
    const devices = await firstLoads(t, browser, runs, '/', async (page) => {
      await page.locator('[data-testid="conn-status"][data-state="live"]').waitFor();
      await page.locator('article.card[data-device-id="gh-01"] [data-testid="readings"] .kv-row').first().waitFor();
      await page.waitForFunction((n) => document.querySelectorAll('article.card').length === n, cards);
    });
    report(`devices page first load (cold cache, loopback, / redirected, ${cards} cards drawn, stream live)`, devices);
  } finally {
    await browser.close();
    await t.stop();
  }
}
