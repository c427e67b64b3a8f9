// A restart loses nothing a device was told was received: 30 devices keep publishing QoS 1
// readings while the plane restarts, their clients queue and resend, and every reading whose
// PUBACK came back is in InfluxDB afterwards.
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, expect, test } from 'vitest';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
const clients: MqttClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await t?.stop();
});

test('every acknowledged reading of a backlog uploaded during a restart is stored', async () => {
  const site = testSite();
  const ids = Array.from({ length: 30 }, (_, i) => `tram-${String(i).padStart(2, '0')}`);
  for (const id of ids) site.devices.push({ id, type: 'weather-station', name: id, hamlet: 'thon-a', attributes: {} });
  t = await startTestVillage({ site, options: { brokerLimits: { rate: { ratePerS: 1000, burst: 1000, maxDebtS: 5 } } } });
  for (const id of ids) {
    const c = mqtt.connect(t.mqttUrl, { clientId: id, username: id, password: t.secrets[id], reconnectPeriod: 50, connectTimeout: 10_000, clean: false, keepalive: 30 });
    clients.push(c);
    await new Promise<void>((r) => c.once('connect', () => r()));
  }
  const base = Date.now() - 3600_000;
  const acked = new Set<number>();
  let sent = 0;
  const publishAll = (n: number) =>
    clients.map((c, ci) =>
      Array.from({ length: n }, () => {
        const ts = base + sent++ * 1000 + ci;
        // Each device keeps its unacknowledged QoS 1 messages and sends them again on reconnect.
        return c.publishAsync(`village/xa-thu/${ids[ci]}/telemetry`, JSON.stringify({ ts, airTempC: 20, airHumidityPct: 80, rainMm: 0, windMs: 1 }), { qos: 1 }).then(
          () => acked.add(ts),
          () => {},
        );
      }),
    ).flat();
  const before = publishAll(3);
  // The restart: readings published while the plane is down and while it comes back.
  const restart = t.restart();
  const during = publishAll(5);
  await restart;
  await Promise.all([...before, ...during]);
  expect(acked.size).toBe(sent);
  await until(
    async () => {
      await t.village.storage.flush();
      const r = await t.village.storage.influx.query<{ count: number }>(`SELECT count("airTempC") FROM "village_2y"."weather" WHERE time >= ${base * 1_000_000}`);
      return (r[0]?.count ?? 0) >= acked.size;
    },
    'every acknowledged reading in InfluxDB',
    60_000,
  );
  const r = await t.village.storage.influx.query<{ count: number }>(`SELECT count("airTempC") FROM "village_2y"."weather" WHERE time >= ${base * 1_000_000}`);
  expect(r[0]?.count).toBe(acked.size);
}, 120_000);
