// The province roll-up with 100 simulated communes (firmware-sim/commune-snapshots.ts) on a real
// province (its own influxd), over HTTP on loopback:
//   ingest: a month of 100 communes, each commune's closed days in order (30 of October's 31) then
//     its finished month (what its outbox sends on the last day),
//     10 communes at a time: wall time, pushes/s, p50/p95 latency;
//   re-push: the same month again (every push `unchanged`, as a commune's outbox retrying);
//   table: GET /api/province/table (100 communes × every indicator, district and province
//     totals), median of 5: for the finished month, and for the next month 15 days in.
//   page: the province page's first load in Debian's Chromium (a fresh context each run: cold
//     cache), from navigation to the finished month's 100 rows drawn, median of 5; signing in
//     is outside the figure. Skipped, saying so, where the page is not in the app yet.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { communePush, daysOf, simulatedProvince } from '../firmware-sim/commune-snapshots.js';
import { ProvinceTable } from '../controller/api/contract/province.js';
import { buildApp } from '../scripts/build-app.js';
import { launchChromium, signInContext } from '../tests/helpers/browser.js';
import { startTestProvince, type TestProvince } from '../tests/helpers/province.js';
import { pushAll, type CommuneQueue, type PushRun } from './province-push.js';
import { median, pct } from './stats.js';

const fmt = (n: number, d = 1) => n.toFixed(d);
const MONTH = '2026-10';
const NEXT = '2026-11';

function report(what: string, run: PushRun) {
  const r = run.results;
  console.log(`${what}: ${run.pushes} pushes in ${fmt(run.wallMs / 1000, 2)} s = ${fmt(run.pushes / (run.wallMs / 1000), 0)} pushes/s`);
  console.log(`  latency p50 ${fmt(median(run.latencies))} ms, p95 ${fmt(pct(run.latencies, 0.95))} ms; stored ${r.stored}, unchanged ${r.unchanged}, superseded ${r.superseded}`);
}

export async function provinceBench(o: { communes?: number; concurrency?: number; runs?: number } = {}): Promise<void> {
  const communes = o.communes ?? 100;
  const concurrency = o.concurrency ?? 10;
  const runs = o.runs ?? 5;
  const province = simulatedProvince({ seed: 14, communes, districts: 8 });
  const withPage = existsSync(fileURLToPath(new URL('../dashboards/app/province.html', import.meta.url)));
  // Before the server starts: it finds the app's files when it starts.
  if (withPage) await buildApp();
  const t = await startTestProvince();
  try {
    const queues: CommuneQueue[] = [];
    const t0 = performance.now();
    for (const c of province.communes) {
      const token = await t.addCommune({ id: c.id, name: c.name, district: c.district });
      // As a commune's outbox sends them: each closed day, and on the month's last day the finished month.
      const days = daysOf(MONTH)
        .slice(0, -1)
        .map((day) => communePush(c, { kind: 'day', day }));
      queues.push({ commune: c.id, token, pushes: [...days, communePush(c, { kind: 'month', month: MONTH })] });
    }
    console.log(`province: ${communes} communes over ${province.districts.length} districts registered (and their pushes made) in ${fmt((performance.now() - t0) / 1000, 2)} s`);

    const first = await pushAll({ url: t.url, queues, concurrency });
    if (first.results.stored !== first.pushes) throw new Error(`not every push stored: ${JSON.stringify(first.results)}`);
    report(`ingest of ${MONTH}, ${communes} communes × (${daysOf(MONTH).length - 1} days + month), ${concurrency} communes at a time`, first);
    const again = await pushAll({ url: t.url, queues, concurrency });
    if (again.results.unchanged !== again.pushes) throw new Error(`a re-push not unchanged: ${JSON.stringify(again.results)}`);
    report('re-push of the same month (a retrying outbox)', again);

    const viewer = await t.as('viewer');
    const table = async (period: string, source: 'month' | 'day', what: string) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t1 = performance.now();
        const r = await viewer.get(`/api/province/table?period=${period}`);
        times.push(performance.now() - t1);
        const table = ProvinceTable.parse(r.body);
        if (table.communes.length !== communes || table.communes.some((c) => c.source !== source)) throw new Error(`the table of ${period} lacks a commune's ${source}`);
      }
      console.log(`GET /api/province/table, ${what}, ${runs} runs: median ${fmt(median(times), 0)} ms (${times.map((x) => x.toFixed(0)).join(', ')})`);
    };
    await table(MONTH, 'month', `${communes} communes' finished month (their days stored too)`);

    // The month under way: only days so far, so the table reads each commune's latest day.
    const underWay = daysOf(NEXT).slice(0, 15);
    const days = await pushAll({
      url: t.url,
      queues: queues.map((q, i) => ({ ...q, pushes: underWay.map((day) => communePush(province.communes[i]!, { kind: 'day', day })) })),
      concurrency,
    });
    if (days.results.stored !== days.pushes) throw new Error(`not every day push stored: ${JSON.stringify(days.results)}`);
    await table(NEXT, 'day', `${communes} communes' month under way (15 days pushed)`);
    if (withPage) await pageLoad(t, communes, runs);
    else console.log('province page first load: not measured, the page is not in this tree');
  } finally {
    await t.stop();
  }
}

async function pageLoad(t: TestProvince, rows: number, runs: number): Promise<void> {
  const viewer = await t.as('viewer');
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await signInContext(context, t.url, viewer.login, viewer.password);
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(new URL(`/app/province.html?period=${MONTH}`, t.url).href);
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="pv-row"]').length === n, rows, { timeout: 120_000 });
      times.push(performance.now() - t0);
      await context.close();
    }
    console.log(`province page first load (cold cache, loopback, ${MONTH}: ${rows} rows drawn), ${runs} runs: median ${fmt(median(times), 0)} ms (${times.map((x) => x.toFixed(0)).join(', ')})`);
  } finally {
    await browser.close();
  }
}
