// Live streams: 480 pages (60 API tokens × 8 streams, the per-user cap) open /api/events while
// devices report, then all close. The plane's heap after a full GC, before, while open and after:
// what the streams held must be given back. (RSS is shown too; V8 and malloc keep freed pages, so
// RSS after is not expected to fall all the way.)
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SimFleet } from '../firmware-sim/fleet-runner.js';
import { testSite } from '../tests/helpers/site.js';
import { startTestVillage, until } from '../tests/helpers/village.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mb = (n: number) => (n / 2 ** 20).toFixed(1);

async function settledHeap(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

export async function sseStreams(tokens = 60, perToken = 8): Promise<void> {
  const t = await startTestVillage();
  const fleet = new SimFleet({ site: testSite(), secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 5, speed: 1, stepEveryMs: 1000 });
  fleet.start();
  const streams = () => t.village.api.openStreams;
  try {
    await until(() => t.village.live.all().every((d) => d.availability === 'online'), 'online', 60_000);
    const bearer = Array.from({ length: tokens }, (_, i) => t.village.auth.createToken('admin', { name: `page-${i}`, role: 'viewer' }).token);
    // A first round warms up what stays (JIT, pools), so the baseline is the steady state.
    for (const round of ['warm-up', 'measured']) {
      const before = await settledHeap();
      const aborts: AbortController[] = [];
      let bytes = 0;
      for (const b of bearer) {
        for (let k = 0; k < perToken; k++) {
          const ac = new AbortController();
          aborts.push(ac);
          void fetch(new URL('/api/events', t.village.url), { headers: { authorization: `Bearer ${b}` }, signal: ac.signal })
            .then(async (r) => {
              for await (const chunk of r.body!) bytes += (chunk as Uint8Array).length;
            })
            .catch(() => {});
        }
      }
      await until(() => streams() === tokens * perToken, 'every stream open', 60_000);
      await new Promise((r) => setTimeout(r, 3000)); // devices report meanwhile
      const open = await settledHeap();
      aborts.forEach((a) => a.abort());
      await until(() => streams() === 0, 'every stream closed', 60_000);
      const after = await settledHeap();
      if (round === 'measured') {
        console.log(`live streams: ${tokens * perToken} open for 3 s (${mb(bytes)} MB of events sent), then closed:`);
        console.log(`  plane heap after GC: before ${mb(before.heap)} MB, open ${mb(open.heap)} MB, after ${mb(after.heap)} MB (${mb(after.heap - before.heap)} MB kept)`);
        console.log(`  RSS: before ${mb(before.rss)} MB, open ${mb(open.rss)} MB, after ${mb(after.rss)} MB`);
      }
    }
  } finally {
    await fleet.stop();
    await t.stop();
  }
}
