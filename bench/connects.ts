// Authenticated connects: N devices connect at once to the embedded broker; time until the last
// CONNACK and the process's memory per open connection.
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { testSite } from '../tests/helpers/site.js';
import { startTestVillage } from '../tests/helpers/village.js';

export async function connectStorm(n = Number(process.env.BENCH_CONNECTS ?? 1000)): Promise<void> {
  const site = testSite();
  for (let i = 0; i < n; i++) site.devices.push({ id: `conn-${i}`, type: 'weather-station', name: `C${i}`, hamlet: 'thon-a', attributes: {} });
  const t = await startTestVillage({ site, options: { brokerLimits: { maxConnections: n + 100 } } });
  const clients: MqttClient[] = [];
  try {
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    await Promise.all(
      site.devices
        .filter((d) => d.id.startsWith('conn-'))
        .map(
          (d) =>
            new Promise<void>((resolve, reject) => {
              const c = mqtt.connect(t.mqttUrl, { clientId: d.id, username: d.id, password: t.secrets[d.id], reconnectPeriod: 0, connectTimeout: 120_000, keepalive: 600 });
              clients.push(c);
              c.once('connect', () => resolve());
              c.once('error', reject);
            }),
        ),
    );
    const s = (performance.now() - t0) / 1000;
    const perConn = (process.memoryUsage().rss - rss0) / n;
    console.log(`connects: ${n} authenticated devices at once, all CONNACKed in ${s.toFixed(2)} s (${(n / s).toFixed(0)}/s)`);
    console.log(`  RSS growth ${(perConn / 1024).toFixed(1)} KB per connection (broker, plane and the clients in one process)`);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await t.stop();
  }
}
