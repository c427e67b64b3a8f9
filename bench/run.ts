// Benchmarks on real parts (embedded broker, real influxd, simulated devices), run with
//   npm run bench              (all)
//   npm run bench -- emergency (some, by name)
// Figures are medians of one run; this machine is small and noisy, so compare ratios, not absolutes.
import { performance } from 'node:perf_hooks';
import { hashSecret, verifySecret } from '../broker/credentials.js';
import { SimFleet } from '../firmware-sim/fleet-runner.js';
import { appLoad } from './app-load.js';
import { provincePage } from './province-page.js';
import { commandsLoad } from './commands-load.js';
import { emergencyFanout } from './emergency.js';
import { externalBroker } from './external-broker.js';
import { compare } from './compare.js';
import { provinceBench } from './province.js';
import { clusterBench } from './cluster.js';
import { connectStorm } from './connects.js';
import { indicatorsMonth } from './indicators.js';
import { ingestMessages } from './ingest-messages.js';
import { signInCost } from './sign-in.js';
import { sseStreams } from './sse.js';
import { median, pct } from './stats.js';
import { reconnectStorm } from './storm.js';
import { stormSceneBench } from './storm-scene.js';
import { rulesCost } from './rules.js';
import { storageWriters } from './storage-writers.js';
import { testSite } from '../tests/helpers/site.js';
import { startTestVillage, until } from '../tests/helpers/village.js';

const fmt = (n: number, d = 1) => n.toFixed(d);

async function scryptCost() {
  const h = hashSecret('secret');
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await verifySecret('secret', h);
    times.push(performance.now() - t0);
  }
  console.log(`device secret verify per connect (salted SHA-256): median ${fmt(median(times) * 1000)} µs (20 runs)`);
}

async function ingest() {
  const site = testSite();
  for (let i = 0; i < 20; i++) site.devices.push({ id: `bench-${i}`, type: 'weather-station', name: `B${i}`, hamlet: 'thon-a', attributes: {} });
  const t = await startTestVillage({ site, options: { brokerLimits: { rate: { ratePerS: 1000, burst: 1000, maxDebtS: 5 } } } });
  try {
    const clients = await Promise.all(site.devices.filter((d) => d.id.startsWith('bench-')).map((d) => t.connectDevice(d.id)));
    const perMsg = 100;
    const msgs = 50;
    const base = Date.now() - 24 * 3600_000;
    const total = clients.length * msgs * perMsg;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c, ci) => {
        for (let m = 0; m < msgs; m++) {
          const arr = Array.from({ length: perMsg }, (_, k) => ({ ts: base + (m * perMsg + k) * 1000 + ci, airTempC: 25, airHumidityPct: 80, rainMm: 0, windMs: 1 }));
          await c.publishAsync(`village/xa-thu/${c.options.clientId}/telemetry`, JSON.stringify(arr), { qos: 1 });
        }
      }),
    );
    const accepted = performance.now() - t0;
    await until(async () => {
      await t.village.storage.flush();
      const r = await t.village.storage.influx.query<{ count: number }>(`SELECT count("airTempC") FROM "village_2y"."weather"`);
      return (r[0]?.count ?? 0) >= total;
    }, 'all stored', 120_000);
    const stored = performance.now() - t0;
    console.log(`ingest: ${total} readings (20 devices, backlog arrays of ${perMsg}, QoS 1)`);
    console.log(`  accepted (all PUBACKs) in ${fmt(accepted / 1000, 2)} s = ${fmt(total / (accepted / 1000), 0)} readings/s`);
    console.log(`  stored in InfluxDB in ${fmt(stored / 1000, 2)} s = ${fmt(total / (stored / 1000), 0)} readings/s`);
    await Promise.all(clients.map((c) => c.endAsync()));
  } finally {
    await t.stop();
  }
}

async function commandRoundTrip() {
  const t = await startTestVillage();
  const fleet = new SimFleet({ site: testSite(), secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 3, speed: 1, stepEveryMs: 1000 });
  fleet.start();
  try {
    await until(() => t.village.live.all().every((d) => d.availability === 'online'), 'online');
    // A signed-in operator (session cookie and CSRF token), as a page sends it; signing in is outside the figure.
    const operator = await t.as('operator');
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const r = await operator.post('/api/devices/light-01/commands?wait=true', { action: 'set', params: { level: i % 100 } });
      const body = r.body as { command?: { status: string } };
      if (r.status !== 200 || body.command?.status !== 'applied') throw new Error(`command ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      times.push(performance.now() - t0);
    }
    console.log(`command round trip (HTTP POST → cmd → simulated device → ack → HTTP 200), 60 commands:`);
    console.log(`  median ${fmt(median(times))} ms, p95 ${fmt(pct(times, 0.95))} ms`);
  } finally {
    await fleet.stop();
    await t.stop();
  }
}

// `npm run bench -- emergency` runs only the named benchmarks.
const only = process.argv.slice(2);
const benches: [string, () => Promise<void>][] = [
  ['emergency', () => emergencyFanout().then(() => {})],
  ['scrypt', scryptCost],
  ['command', commandRoundTrip],
  ['ingest', ingest],
  ['sign-in', signInCost],
  ['connects', connectStorm],
  ['ingest-messages', ingestMessages],
  ['reconnect-storm', reconnectStorm],
  // The "Bão / Storm" scene: tap to every device settled (bench/storm-scene.ts).
  ['storm', () => stormSceneBench().then(() => {})],
  ['commands-load', () => commandsLoad()],
  ['sse', () => sseStreams()],
  ['app-load', () => appLoad()],
  ['indicators', () => indicatorsMonth()],
  ['rules', () => rulesCost()],
  // Storage's 1.x and v2 writers, and the v2 replay after an outage (bench/storage-writers.ts).
  ['storage-writers', () => storageWriters()],
  ['external-broker', () => externalBroker()],
  ['cluster', () => clusterBench()],
  // 100 simulated communes push a month to a real province; the table's read and the page's load (bench/province.ts).
  ['province', () => provinceBench()],
  ['province-page', () => provincePage()],
];
// `compare` starts Mosquitto beside the project and writes BENCHMARKS.md: only when named.
if (only.includes('compare')) await compare();
for (const [name, run] of benches) if (only.length === 0 || only.includes(name)) await run();
