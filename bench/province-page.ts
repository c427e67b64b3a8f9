// The province page with 100 communes in 10 districts, each having pushed its month so far with
// every indicator: the table's API read (signed in, warm), and the page's first load in Debian's
// Chromium (cold context each run, loopback) until all 100 rows are drawn. Median of 5; signing
// in and the pushes are outside the figures.
//   npm run bench -- province-page
import { performance } from 'node:perf_hooks';
import { indicators } from '../controller/indicators/index.js';
import type { SnapshotPush } from '../controller/api/contract/province.js';
import { rngFor } from '../firmware-sim/rng.js';
import { launchChromium, signInContext } from '../tests/helpers/browser.js';
import { startTestProvince } from '../tests/helpers/province.js';
import { median } from './stats.js';

const COMMUNES = 100;
const DISTRICTS = 10;
const DAY_MS = 86_400_000;

export async function provincePage(runs = 5): Promise<void> {
  const t = await startTestProvince();
  const browser = await launchChromium();
  try {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const period = day.slice(0, 7);
    const rng = rngFor(14, 'province-page');
    for (let i = 0; i < COMMUNES; i++) {
      const id = `xa-${String(i).padStart(3, '0')}`;
      const token = await t.addCommune({ id, name: `Xã ${i}`, district: `Huyện ${i % DISTRICTS}` });
      const figures = indicators.map((d) => {
        const denominator = 5 + Math.floor(rng.next() * 50);
        const numerator = Math.floor(rng.next() * (denominator + 1));
        return { id: d.id, numerator, denominator, value: (numerator / denominator) * 100 };
      });
      const snapshot = { version: 1, site: id, period, from: new Date(Date.now() - DAY_MS).toISOString(), to: new Date().toISOString(), complete: false, computedAt: new Date().toISOString(), indicators: figures };
      const body: SnapshotPush = { kind: 'day', day, snapshot };
      const r = await t.push(token, body);
      if (r.status !== 200) throw new Error(`push ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const official = await t.as('lanh-dao', 'official');
    const api: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = await official.get(`/api/province/table?period=${period}`);
      if (r.status !== 200) throw new Error(`table: ${r.status}`);
      api.push(performance.now() - t0);
    }
    const page: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await signInContext(context, t.url, official.login, official.password);
      const p = await context.newPage();
      const t0 = performance.now();
      await p.goto(new URL('/app/province.html', t.url).href);
      await p.waitForFunction((n) => document.querySelectorAll('[data-testid="pv-row"]').length === n, COMMUNES, { timeout: 60_000 });
      page.push(performance.now() - t0);
      await context.close();
    }
    const cells = COMMUNES * indicators.length;
    const line = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
    console.log(`province table API, ${COMMUNES} communes × ${indicators.length} indicators, ${runs} runs: ${line(api)}`);
    console.log(`province page first load (cold cache, loopback, ${COMMUNES} rows, ${cells} figures drawn), ${runs} runs: ${line(page)}`);
  } finally {
    await browser.close();
    await t.stop();
  }
}
