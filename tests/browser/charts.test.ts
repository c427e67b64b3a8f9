// The zone and light-group charts of the typed web app in Debian's Chromium: a day of real soil
// readings from InfluxDB with the zone's runs shaded behind them, a range change, zoom, and the CSV
// of what is shown, at 360 px and 1280 px; a group's lights with the nights shaded. No console
// errors and no serious axe violations.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { getTimes } from 'suncalc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, collectErrors, launchChromium, signedInContext } from '../helpers/browser.js';
import { lightingSite } from '../helpers/lighting-site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const WAIT = 20_000;
const poll = { timeout: WAIT, interval: 50 } as const;
let t: TestVillage;
let browser: Browser;
const now = Math.floor(Date.now() / 300_000) * 300_000;
const start = now - 26 * 3600_000;
// Soil moisture falls slowly, one reading every 5 minutes.
const value = (ts: number) => 45 - (ts - start) / 3600_000;
// Two runs the plane recorded: a record's time is the run's end, ranS reaches back to its start.
/** Between the site's sunset and the next sunrise, by suncalc (the server's own source is the same). */
function nights(from: number, to: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let d = from - 2 * 86_400_000; d < to + 86_400_000; d += 86_400_000) {
    const noon = new Date(Math.floor((d + 7 * 3600_000) / 86_400_000) * 86_400_000 + 5 * 3600_000); // 12:00 at UTC+7
    const dusk = getTimes(noon, 21.03, 105.75).sunset!.getTime();
    const dawn = getTimes(new Date(noon.getTime() + 86_400_000), 21.03, 105.75).sunrise!.getTime();
    if (dawn > from && dusk < to && !out.some((n) => n.from === Math.max(from, dusk))) out.push({ from: Math.max(from, dusk), to: Math.min(to, dawn) });
  }
  return out;
}
const isNight = (ts: number) => nights(ts - 1, ts + 1).length > 0;
const RUNS = [
  { id: 'r-sang', from: now - 10 * 3600_000, to: now - 9.5 * 3600_000 },
  { id: 'r-chieu', from: now - 3 * 3600_000, to: now - 2.5 * 3600_000 },
];

beforeAll(async () => {
  t = await startTestVillage({ site: lightingSite() });
  const c = await t.connectDevice('gh-01');
  const readings: object[] = [];
  for (let ts = start; ts < now; ts += 300_000) readings.push({ ts, airTempC: 26, airHumidityPct: 80, soilMoisturePct: Number(value(ts).toFixed(4)), lightLux: 100 });
  await c.publishAsync('village/xa-thu/gh-01/telemetry', JSON.stringify(readings), { qos: 1 });
  await c.endAsync();
  await until(() => t.village.ingest.stats().readings >= readings.length, 'readings ingested', WAIT);
  for (const r of RUNS) {
    t.village.storage.writeEvent({
      measurement: 'irrigation_run',
      tags: { site: 'xa-thu', zone: 'nha-mang-1', source: 'none', reason: 'manual', status: 'done' },
      fields: { run: r.id, durationS: 1800, ranS: (r.to - r.from) / 1000, liters: 120 },
      time: r.to,
    });
  }
  // light-01 at 62.4 W through the nights, 0 W by day; light-02 reports nothing.
  const l = await t.connectDevice('light-01');
  const lamp: object[] = [];
  for (let ts = start; ts < now; ts += 600_000) lamp.push({ ts, powerW: isNight(ts) ? 62.4 : 0, energyKwh: 1, lampStatus: 'ok' });
  await l.publishAsync('village/xa-thu/light-01/telemetry', JSON.stringify(lamp), { qos: 1 });
  await l.endAsync();
  await until(() => t.village.ingest.stats().readings >= readings.length + lamp.length, 'lamp readings ingested', WAIT);
  await t.village.storage.flush();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function open(width: number, query: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await signedInContext(browser, t, { login: 'nong-dan', role: 'farmer', zones: ['nha-mang-1'] }, { viewport: { width, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const errors = collectErrors(page, []);
  await page.goto(new URL(`/app/zone.html?${query}`, t.village.url).href);
  return { page, errors, close: () => context.close() };
}

const csvRows = async (page: Page): Promise<string[][]> => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('history-csv').click()]);
  const text = await readFile((await download.path())!, 'utf8');
  return text.trimEnd().split('\r\n').map((l) => l.split(','));
};

describe('zone chart', () => {
  for (const width of [360, 1280]) {
    it(`charts a zone's soil moisture with its runs shaded, changes range, zooms and downloads what it shows (${width} px)`, async () => {
      const { page, errors, close } = await open(width, 'zone=nha-mang-1');
      try {
        await expect.poll(() => page.getByTestId('lines-title').textContent(), poll).toBe('Độ ẩm đất và lượt tưới: Nhà màng 1');
        await page.locator('[data-testid="chart"] canvas').waitFor();
        const meta = page.getByTestId('lines-meta');
        await expect.poll(() => meta.getAttribute('data-periods'), poll).toBe('2');
        expect(await meta.getAttribute('data-lines')).toBe('1');
        expect(await page.getByTestId('nav-irrigation').getAttribute('aria-current')).toBe('page');

        // The CSV: each bucket's mean lies within its readings, and "watering" is 1 exactly where a run overlaps it.
        const rows = await csvRows(page);
        expect(rows[0]).toEqual(['time_utc', 'time_local', 'soilMoisturePct_gh-01', 'watering']);
        const data = rows.slice(1);
        const step = Date.parse(data[1]![0]!) - Date.parse(data[0]![0]!);
        const withMean = data.filter((r) => r[2] !== '');
        expect(withMean.length).toBeGreaterThan(200);
        for (const r of withMean) {
          const at = Date.parse(r[0]!);
          expect(Number(r[2])).toBeLessThanOrEqual(value(at) + 0.001);
          expect(Number(r[2])).toBeGreaterThanOrEqual(value(at + step) - 0.001);
        }
        for (const r of data) {
          const at = Date.parse(r[0]!);
          const overlaps = RUNS.some((x) => x.from < at + step && x.to > at);
          expect(r[3], r[0]).toBe(overlaps ? '1' : '0');
        }
        expect(data.filter((r) => r[3] === '1').length).toBeGreaterThanOrEqual(2 * Math.floor((30 * 60_000) / step));

        // The shading is drawn: near the top of the plot (above the line), the middle of a run is
        // tinted blue; a time with no run is not (uPlot's grid lines there are grey, so they do not count).
        const tinted = await page.evaluate(
          ({ runMid, clear }) => {
            const u = document.querySelector<HTMLCanvasElement>('[data-testid="chart"] canvas')!;
            const over = document.querySelector<HTMLElement>('[data-testid="chart"] .u-over')!;
            const ctx = u.getContext('2d')!;
            const ratio = u.width / u.getBoundingClientRect().width;
            const o = over.getBoundingClientRect();
            const c = u.getBoundingClientRect();
            const xAt = (fraction: number) => Math.round((o.left - c.left + o.width * fraction) * ratio);
            /** How many of 8 pixels down from the plot's top are tinted by the blue shade. */
            const blue = (fraction: number) => {
              let n = 0;
              for (let dy = 4; dy < 12; dy++) {
                const [r, , b, a] = ctx.getImageData(xAt(fraction), Math.round((o.top - c.top + dy) * ratio), 1, 1).data;
                if (a! > 0 && b! > r! + 40) n++;
              }
              return n;
            };
            return [blue(runMid), blue(clear)];
          },
          { runMid: (RUNS[1]!.from + 15 * 60_000 - (now - 24 * 3600_000)) / (24 * 3600_000), clear: 0.5 },
        );
        expect(tinted[0]).toBe(8);
        expect(tinted[1]).toBe(0);

        // Zoomed by a drag: the CSV holds only what is shown; reset brings back the whole range.
        const over = page.locator('[data-testid="chart"] .u-over');
        const box = (await over.boundingBox())!;
        await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
        await page.mouse.up();
        const zoomed = (await csvRows(page)).slice(1);
        expect(zoomed.length).toBeLessThan(data.length / 3);
        await page.getByTestId('reset-zoom').click();
        expect((await csvRows(page)).length - 1).toBe(data.length);

        // A week: the URL and the pressed button follow; both runs are still in range.
        await page.getByTestId('range-7d').click();
        await expect.poll(() => new URL(page.url()).searchParams.get('range'), poll).toBe('7d');
        expect(await page.getByTestId('range-7d').getAttribute('aria-pressed')).toBe('true');
        await expect.poll(() => meta.getAttribute('data-periods'), poll).toBe('2');

        // English.
        await page.getByTestId('lang-toggle').click();
        await expect.poll(() => page.getByTestId('lines-title').textContent(), poll).toBe('Soil moisture and watering: Nhà màng 1');

        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });
  }
});

describe('light group chart', () => {
  for (const width of [360, 1280]) {
    it(`charts each light's power with the nights shaded, and downloads what it shows (${width} px)`, async () => {
      const context = await signedInContext(browser, t, { login: 'van-hanh', role: 'operator' }, { viewport: { width, height: 800 }, acceptDownloads: true });
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT);
      const errors = collectErrors(page, []);
      try {
        await page.goto(new URL('/app/group.html?group=duong-lang', t.village.url).href);
        await expect.poll(() => page.getByTestId('lines-title').textContent(), poll).toBe('Công suất đèn: Đường làng');
        await page.locator('[data-testid="chart"] canvas').waitFor();
        const meta = page.getByTestId('lines-meta');
        expect(await meta.getAttribute('data-lines')).toBe('3');
        expect(Number(await meta.getAttribute('data-periods'))).toBeGreaterThanOrEqual(1);
        expect(await page.getByTestId('nav-lighting').getAttribute('aria-current')).toBe('page');
        const rows = await csvRows(page);
        expect(rows[0]).toEqual(['time_utc', 'time_local', 'powerW_light-01', 'powerW_light-02', 'powerW_light-03', 'night']);
        const data = rows.slice(1);
        const step = Date.parse(data[1]![0]!) - Date.parse(data[0]![0]!);
        for (const r of data) {
          const at = Date.parse(r[0]!);
          const night = nights(at, at + step).length > 0;
          expect(r[5], r[0]).toBe(night ? '1' : '0');
          // light-01's mean: 62.4 W in buckets wholly in a night, 0 in buckets wholly in a day.
          if (r[2] !== '' && nights(at, at + step).some((n) => n.from <= at && n.to >= at + step)) expect(Number(r[2])).toBeCloseTo(62.4, 6);
          if (r[2] !== '' && !night) expect(Number(r[2])).toBe(0);
          expect(r[3]).toBe(''); // light-02 said nothing
        }
        expect(data.some((r) => r[2] === '62.4')).toBe(true);
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
