// Emergency reach: a 50-cluster commune, from the official's HTTP request to every cluster playing.
import { performance } from 'node:perf_hooks';
import { SiteConfig } from '../controller/config/site.js';
import { SimFleet } from '../firmware-sim/fleet-runner.js';
import { startTestVillage, until } from '../tests/helpers/village.js';
import { median, pct } from './stats.js';

const fmt = (n: number, d = 1) => n.toFixed(d);

/**
 * A 50-cluster commune (10 hamlets of 5 clusters): from the HTTP request that sends an emergency to
 * the last cluster's "started" report reaching the plane. Each speaker first fetches the audio
 * over HTTP, as a real one does, so that is inside the figure; the speech is made beforehand.
 */
export async function emergencyFanout(): Promise<{ median: number; p95: number; sentMedian: number }> {
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
    return { median: median(times), p95: pct(times, 0.95), sentMedian: median(sentTimes) };
  } finally {
    await fleet.stop();
    await t.stop();
  }
}
