// A reconnect storm: N devices connected, the plane restarts (same ports), and every device's
// client reconnects on its own (1 s period, as mqtt.js does by default); time from the restart
// until all are back, and how many alerts the storm raised.
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { testSite } from '../tests/helpers/site.js';
import { startTestVillage, until } from '../tests/helpers/village.js';

export async function reconnectStorm(n = Number(process.env.BENCH_STORM ?? 3000)): Promise<void> {
  const site = testSite();
  for (let i = 0; i < n; i++) site.devices.push({ id: `storm-${i}`, type: 'weather-station', name: `S${i}`, hamlet: 'thon-a', attributes: {} });
  const t = await startTestVillage({ site, options: { brokerLimits: { maxConnections: n + 100 } } });
  const clients: MqttClient[] = [];
  try {
    const online = new Set<string>();
    await Promise.all(
      site.devices
        .filter((d) => d.id.startsWith('storm-'))
        .map(
          (d) =>
            new Promise<void>((resolve) => {
              const c = mqtt.connect(t.mqttUrl, { clientId: d.id, username: d.id, password: t.secrets[d.id], reconnectPeriod: 1000, connectTimeout: 30_000, keepalive: 600 });
              clients.push(c);
              c.on('connect', () => {
                online.add(d.id);
                resolve();
              });
              c.on('close', () => online.delete(d.id));
            }),
        ),
    );
    let alerts = 0;
    const t0 = performance.now();
    await t.restart();
    const off = t.village.bus.on('alert', () => alerts++);
    const planeUp = performance.now() - t0;
    await until(() => online.size === n, 'every device back', 120_000);
    const s = (performance.now() - t0) / 1000;
    off();
    console.log(`reconnect storm: ${n} devices back after a plane restart in ${s.toFixed(2)} s (plane up after ${(planeUp / 1000).toFixed(2)} s); ${alerts} alerts raised`);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await t.stop();
  }
}
