// Commands at a steady rate: R commands/s spread over N devices (mqtt.js clients that ack each
// command at once) for S seconds, open loop (sent on a timer, not after the last ack); latency
// from issue to settled, with the plane's live stream open as a page would have it.
import { performance } from 'node:perf_hooks';
import type { MqttClient } from 'mqtt';
import { testSite } from '../tests/helpers/site.js';
import { startTestVillage, until } from '../tests/helpers/village.js';
import { openLoop } from './loadgen.js';
import { pct } from './stats.js';

export async function commandsLoad(rate = Number(process.env.BENCH_CMD_RATE ?? 1000), devices = 500, seconds = 5): Promise<void> {
  const site = testSite();
  for (let i = 0; i < devices; i++) site.devices.push({ id: `den-${i}`, type: 'street-light', name: `D${i}`, hamlet: 'thon-b', attributes: { ratedPowerW: 60 } });
  const t = await startTestVillage({ site, options: { brokerLimits: { maxConnections: devices + 100 } } });
  const clients: MqttClient[] = [];
  const ac = new AbortController();
  try {
    const admin = await t.as('admin');
    // A page's live stream: every command event builds a device view for it.
    void fetch(new URL('/api/events', t.village.url), { headers: { cookie: admin.cookie }, signal: ac.signal }).then((r) => r.body?.cancel()).catch(() => {});
    for (const d of site.devices.filter((x) => x.id.startsWith('den-'))) {
      const c = await t.connectDevice(d.id);
      await c.subscribeAsync(`village/xa-thu/${d.id}/cmd`, { qos: 1 });
      c.on('message', (_topic, payload) => {
        const cmd = JSON.parse(payload.toString()) as { id: string };
        c.publish(`village/xa-thu/${d.id}/ack`, JSON.stringify({ id: cmd.id, status: 'applied' }), { qos: 1 });
      });
      clients.push(c);
    }
    const latencies: number[] = [];
    const total = rate * seconds;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await openLoop(rate, total, (n) => {
      const start = performance.now();
      void t.village.commands
        .send({ deviceId: `den-${n % devices}`, action: 'set', params: { level: n % 100 }, issuer: 'bench' })
        .then((r) => t.village.commands.settled(r.id))
        .then((r) => r.status === 'applied' && latencies.push(performance.now() - start));
    });
    await until(() => latencies.length >= total * 0.999, 'the commands settled', 60_000);
    const cpu = process.cpuUsage(cpu0);
    const q = (p: number) => pct(latencies, p).toFixed(1);
    console.log(`commands: ${rate}/s over ${devices} devices for ${seconds} s (open loop, one live stream open): ${latencies.length}/${total} applied`);
    console.log(`  issue → settled p50 ${q(0.5)} ms, p99 ${q(0.99)} ms; CPU of this process ${((cpu.user + cpu.system) / 1e6 / ((performance.now() - t0) / 1000)).toFixed(2)} s per s`);
  } finally {
    ac.abort();
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await t.stop();
  }
}
