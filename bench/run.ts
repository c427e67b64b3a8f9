// Benchmarks on real parts (embedded broker, real influxd, simulated devices), run with
//   npm run bench              (all)
//   npm run bench -- emergency (some, by name)
// Figures are medians of one run; this machine is small and noisy, so compare ratios, not absolutes.
import { performance } from 'node:perf_hooks';
import { hashSecret, verifySecret } from '../broker/credentials.js';
import { SiteConfig } from '../controller/config/site.js';
import { SimFleet } from '../firmware-sim/fleet-runner.js';
import { commandsLoad } from './commands-load.js';
import { compare } from './compare.js';
import { connectStorm } from './connects.js';
import { ingestMessages } from './ingest-messages.js';
import { signInCost } from './sign-in.js';
import { median, pct } from './stats.js';
import { reconnectStorm } from './storm.js';
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

/**
 * A 50-cluster commune (10 hamlets of 5 clusters): from the HTTP request that sends an emergency to
 * the last cluster's "started" report reaching the plane. Each speaker first fetches the audio
 * over HTTP, as a real one does, so that is inside the figure; the speech is made beforehand.
 */
async function emergencyFanout() {
  const hamlets = Array.from({ length: 10 }, (_, h) => ({ id: `thon-${h + 1}`, name: `Thôn ${h + 1}` }));
  const devices = hamlets.flatMap((h, i) =>
    Array.from({ length: 5 }, (_, k) => ({ id: `loa-${i * 5 + k + 1}`, type: 'loudspeaker', name: `Cụm loa ${i * 5 + k + 1}`, hamlet: h.id, attributes: {} })),
  );
  const site = SiteConfig.parse({ site: { id: 'xa-thu', name: 'Xã Thử', lat: 19.8, lon: 105.77 }, hamlets, devices });
  const t = await startTestVillage({ site, options: { radio: { tickMs: 1000 } } });
  const fleet = new SimFleet({ site, secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 4, speed: 1, stepEveryMs: 200 });
  fleet.start();
  try {
    await until(() => t.village.live.all().every((d) => d.availability === 'online'), 'online', 60_000);
    // An operator makes the speech; an official sends the emergency. Both signed in before timing.
    const operator = await t.as('bench-operator', 'operator');
    const official = await t.as('bench-official', 'official');
    const tts = await operator.post('/api/radio/tts', { text: 'Khẩn cấp.' });
    if (tts.status !== 201) throw new Error(`tts: ${tts.status} ${JSON.stringify(tts.body)}`);
    const audio = tts.body as { file: string };
    const times: number[] = [];
    const sentTimes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const started = new Set<string>();
      const sent = new Set<string>();
      let id = '';
      let lastSent = 0;
      let done: () => void = () => {};
      const all = new Promise<void>((r) => (done = r));
      const off = t.village.bus.on('deviceEvent', (e) => {
        if (e.values.event === 'started' && e.values.broadcastId === id && (started.add(e.deviceId), started.size === devices.length)) done();
      });
      // The plane's side alone: when the last of the 50 play commands was issued.
      const offCmd = t.village.bus.on('command', (c) => {
        if (c.action === 'play' && c.status === 'pending' && !sent.has(c.deviceId)) {
          sent.add(c.deviceId);
          lastSent = performance.now();
        }
      });
      const t0 = performance.now();
      const res = await official.post('/api/radio/emergency', { title: `Khẩn cấp ${i}`, zones: ['commune'], content: { kind: 'audio', file: audio.file } });
      if (res.status !== 201) throw new Error(`emergency ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      id = (res.body as { id: string }).id;
      await all;
      off();
      offCmd();
      // The first run warms up the HTTP and MQTT paths.
      if (i > 0) {
        times.push(performance.now() - t0);
        sentTimes.push(lastSent - t0);
      }
      await until(() => t.village.radio.bulletin(id).status === 'done', 'played out', 60_000);
    }
    console.log(`emergency to a 50-cluster commune, request → every cluster started (audio fetched over HTTP), 10 runs:`);
    console.log(`  median ${fmt(median(times))} ms, p95 ${fmt(pct(times, 0.95))} ms, max ${fmt(Math.max(...times))} ms`);
    console.log(`  of which request → 50th play command issued: median ${fmt(median(sentTimes))} ms`);
  } finally {
    await fleet.stop();
    await t.stop();
  }
}

// `npm run bench -- emergency` runs only the named benchmarks.
const only = process.argv.slice(2);
const benches: [string, () => Promise<void>][] = [
  ['emergency', emergencyFanout],
  ['scrypt', scryptCost],
  ['command', commandRoundTrip],
  ['ingest', ingest],
  ['sign-in', signInCost],
  ['connects', connectStorm],
  ['ingest-messages', ingestMessages],
  ['storm', reconnectStorm],
  ['commands-load', () => commandsLoad()],
];
// `compare` starts Mosquitto beside the project and writes BENCHMARKS.md: only when named.
if (only.includes('compare')) await compare();
for (const [name, run] of benches) if (only.length === 0 || only.includes(name)) await run();
