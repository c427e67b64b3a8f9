// One broker process against two on Redis, in one run: N authenticated devices connect at once
// (all to the plane's embedded broker; or half to it and half to a standalone broker), then each
// sends M QoS 1 telemetry messages; ingest is timed until the plane has every reading on its bus.
// The clients, the plane and its broker share this process, so on a small machine the figures
// show the cost of the Redis hop more than the gain of a second process.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { startRedis, startStandaloneBroker } from '../tests/helpers/cluster.js';
import { testSite } from '../tests/helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../tests/helpers/village.js';

interface Figures {
  connectS: number;
  ingestS: number;
  messages: number;
}

async function measure(t: TestVillage, urls: string[], ids: string[], perDevice: number): Promise<Figures> {
  let got = 0;
  const off = t.village.bus.on('reading', (r) => {
    if (r.deviceId.startsWith('cl-')) got++;
  });
  const clients: MqttClient[] = [];
  try {
    const t0 = performance.now();
    await Promise.all(
      ids.map(
        (id, i) =>
          new Promise<void>((resolve, reject) => {
            const c = mqtt.connect(urls[i % urls.length]!, { clientId: id, username: id, password: t.secrets[id], reconnectPeriod: 0, connectTimeout: 120_000, keepalive: 600 });
            clients.push(c);
            c.once('connect', () => resolve());
            c.once('error', reject);
          }),
      ),
    );
    const connectS = (performance.now() - t0) / 1000;
    const messages = ids.length * perDevice;
    const t1 = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        for (let m = 0; m < perDevice; m++) {
          const body = { airTempC: 25 + m / 10, airHumidityPct: 80, rainMm: 0, windMs: 1 };
          await c.publishAsync(`village/xa-thu/${c.options.clientId}/telemetry`, JSON.stringify(body), { qos: 1 });
        }
      }),
    );
    await until(() => got >= messages, `${messages} readings at the plane`, 120_000);
    return { connectS, ingestS: (performance.now() - t1) / 1000, messages };
  } finally {
    off();
    await Promise.all(clients.map((c) => c.endAsync(true)));
  }
}

function report(label: string, f: Figures, n: number) {
  console.log(
    `  ${label}: ${n} connects in ${f.connectS.toFixed(2)} s (${(n / f.connectS).toFixed(0)}/s); ` +
      `${f.messages} QoS 1 messages ingested in ${f.ingestS.toFixed(2)} s (${(f.messages / f.ingestS).toFixed(0)}/s)`,
  );
}

export async function clusterBench(n = Number(process.env.BENCH_CLUSTER_DEVICES ?? 1000), perDevice = Number(process.env.BENCH_CLUSTER_MESSAGES ?? 20)): Promise<void> {
  const site = testSite();
  for (let i = 0; i < n; i++) site.devices.push({ id: `cl-${i}`, type: 'weather-station', name: `C${i}`, hamlet: 'thon-a', attributes: {} });
  const ids = site.devices.filter((d) => d.id.startsWith('cl-')).map((d) => d.id);
  const limits = { maxConnections: n + 100, rate: { ratePerS: 1000, burst: 1000, maxDebtS: 5 } };
  console.log(`cluster: ${n} devices, ${perDevice} messages each`);

  const single = await startTestVillage({ site, options: { brokerLimits: limits } });
  try {
    report('one process (embedded broker)', await measure(single, [single.mqttUrl], ids, perDevice), n);
  } finally {
    await single.stop();
  }

  const redis = await startRedis();
  try {
    const t = await startTestVillage({ site, options: { brokerLimits: limits, brokerCluster: { redisUrl: redis.url } } });
    try {
      const a = await startStandaloneBroker({ redisUrl: redis.url, dataDir: join(t.dir, 'data'), siteFile: join(t.dir, 'site.json') });
      try {
        report('two processes on Redis (embedded + standalone, half each)', await measure(t, [t.mqttUrl, a.url], ids, perDevice), n);
      } finally {
        await a.stop();
      }
    } finally {
      await t.stop();
    }
  } finally {
    await redis.stop();
  }
}
