// Ingest one reading per message (what real devices send), QoS 1: 200 devices each publishing
// 100 messages as fast as their PUBACKs come back; every reading counted back in InfluxDB.
import { performance } from 'node:perf_hooks';
import { testSite } from '../tests/helpers/site.js';
import { startTestVillage, until } from '../tests/helpers/village.js';

export async function ingestMessages(devices = 200, perDevice = 100): Promise<void> {
  const site = testSite();
  for (let i = 0; i < devices; i++) site.devices.push({ id: `msg-${i}`, type: 'weather-station', name: `M${i}`, hamlet: 'thon-a', attributes: {} });
  const t = await startTestVillage({ site, options: { brokerLimits: { rate: { ratePerS: 10_000, burst: 10_000, maxDebtS: 5 } } } });
  try {
    const clients = await Promise.all(site.devices.filter((d) => d.id.startsWith('msg-')).map((d) => t.connectDevice(d.id)));
    const base = Date.now() - 3600_000;
    const total = devices * perDevice;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c, ci) => {
        for (let m = 0; m < perDevice; m++) {
          const r = { ts: base + m * 1000 + ci, airTempC: 25 + (m % 10) / 10, airHumidityPct: 80, rainMm: 0, windMs: 1.5 };
          await c.publishAsync(`village/xa-thu/${c.options.clientId}/telemetry`, JSON.stringify(r), { qos: 1 });
        }
      }),
    );
    const accepted = performance.now() - t0;
    await until(async () => {
      await t.village.storage.flush();
      const r = await t.village.storage.influx.query<{ count: number }>(`SELECT count("airTempC") FROM "village_2y"."weather"`);
      return (r[0]?.count ?? 0) >= total;
    }, 'all stored', 180_000);
    const stored = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    console.log(`ingest, one reading per message: ${total} messages (${devices} devices × ${perDevice}, QoS 1, each device waits for its PUBACK)`);
    console.log(`  accepted in ${(accepted / 1000).toFixed(2)} s = ${(total / (accepted / 1000)).toFixed(0)} msg/s; all in InfluxDB after ${(stored / 1000).toFixed(2)} s`);
    console.log(`  CPU of this process (broker, plane and the ${devices} clients): ${((cpu.user + cpu.system) / total).toFixed(0)} µs per message`);
    await Promise.all(clients.map((c) => c.endAsync()));
  } finally {
    await t.stop();
  }
}
