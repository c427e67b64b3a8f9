// First load of the typed app's history page in Debian's Chromium on loopback: from navigation to
// the chart drawn with a day of real readings, a fresh browser context (cold cache) each time,
// median of 5. Signing in is outside the figure.
import { performance } from 'node:perf_hooks';
import { launchChromium, signedInContext } from '../tests/helpers/browser.js';
import { startTestVillage, until } from '../tests/helpers/village.js';
import { median } from './stats.js';

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
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await signedInContext(browser, t, { login: 'operator' });
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(new URL('/app/history.html?device=gh-01&metric=soilMoisturePct', t.village.url).href);
      await page.locator('[data-testid="chart"] canvas').waitFor();
      times.push(performance.now() - t0);
      await context.close();
    }
    console.log(`history page first load (cold cache, loopback, chart drawn with 24 h of readings), ${runs} runs: median ${median(times).toFixed(0)} ms (${times.map((x) => x.toFixed(0)).join(', ')})`);
  } finally {
    await browser.close();
    await t.stop();
  }
}
