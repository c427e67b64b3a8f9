// The alert lifecycle's and the broker watch's cost per event, in process (no broker, no disk):
//   npx tsx bench/alerts.ts
// 1,500 keys flapping (a clear every third raise), the book at its 1,000-cleared bound part of the
// time; then refusals each from a new address, the watch at its 10,000-source bound.
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { AlertBook } from '../controller/alerts/lifecycle.js';
import { BrokerWatch } from '../controller/alerts/broker-watch.js';
import { Bus } from '../controller/bus.js';

const book = new AlertBook();
let at = Date.UTC(2026, 10, 1);
const RAISES = 100_000;
let events = 0;
const t0 = performance.now();
for (let i = 0; i < RAISES; i++) {
  const device = `van-${i % 1500}`;
  book.raise({ key: `flow.leak.${device}`, what: { code: 'flow-leak', device, flowLpm: 1 }, severity: 'warning', message: 'leak?', at: new Date(at++) });
  events++;
  if (i % 3 === 0) {
    book.clear(`flow.leak.${device}`, new Date(at++));
    events++;
  }
}
const lifeMs = performance.now() - t0;
const json = JSON.stringify({ version: 1, alerts: book.all() });
console.log(`lifecycle: ${events} events in ${lifeMs.toFixed(0)} ms, ${((lifeMs * 1000) / events).toFixed(1)} µs each; ${book.all().length} alerts kept, alerts.json ${(json.length / 1024).toFixed(0)} KiB`);

const watch = new BrokerWatch({ bus: new Bus(pino({ level: 'silent' })), tickMs: 0 });
const REFUSALS = 200_000;
const t1 = performance.now();
for (let i = 0; i < REFUSALS; i++) watch.record({ kind: 'auth', clientId: `g${i}`, known: false, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
const watchMs = performance.now() - t1;
console.log(`broker watch: ${REFUSALS} refusals from as many addresses in ${watchMs.toFixed(0)} ms, ${((watchMs * 1000) / REFUSALS).toFixed(2)} µs each`);
