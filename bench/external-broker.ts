// BROKER=external on Debian's mosquitto with dynamic security: what provisioning a device costs
// (the API's path: secret, role, client), and a reading's trip device → mosquitto → plane.
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { startMosquittoDynsec } from '../tests/helpers/mosquitto.js';
import { startTestVillage } from '../tests/helpers/village.js';
import { median, pct } from './stats.js';

export async function externalBroker(o: { devices?: number; readings?: number } = {}): Promise<void> {
  const devices = o.devices ?? 100;
  const readings = o.readings ?? 200;
  const m = await startMosquittoDynsec();
  const t = await startTestVillage({ options: { externalBroker: { url: m.url, adminUser: m.adminUser, adminPassword: m.adminPassword } } });
  try {
    const ids = Array.from({ length: devices }, (_, i) => `ext-${i}`);
    await t.village.site.update((s) => {
      for (const id of ids) s.devices.push({ id, type: 'weather-station', name: id, hamlet: 'thon-a', attributes: {} });
    });
    const provision: number[] = [];
    for (const id of ids) {
      const t0 = performance.now();
      t.secrets[id] = await t.village.deviceAdmin.issueSecret(id);
      provision.push(performance.now() - t0);
    }
    const c = await new Promise<mqtt.MqttClient>((resolve, reject) => {
      const x = mqtt.connect(m.url, { clientId: 'ext-0', username: 'ext-0', password: t.secrets['ext-0']!, protocolVersion: 5, reconnectPeriod: 0 });
      x.once('connect', () => resolve(x));
      x.once('error', reject);
    });
    const trips: number[] = [];
    for (let i = 0; i < readings; i++) {
      const airTempC = 20 + (i % 100) / 10;
      // Timed to the reading on the plane's bus (after ingest), not to the device's PUBACK.
      const seen = new Promise<void>((resolve) => {
        const off = t.village.bus.on('reading', (r) => {
          if (r.deviceId !== 'ext-0') return;
          off();
          resolve();
        });
      });
      const t0 = performance.now();
      c.publish('village/xa-thu/ext-0/telemetry', JSON.stringify({ airTempC, airHumidityPct: 70, rainMm: 0, windMs: 1 }), { qos: 1 });
      await seen;
      trips.push(performance.now() - t0);
    }
    await c.endAsync();
    const f = (n: number) => n.toFixed(1);
    console.log(`external mosquitto: provisioning a device (secret + role + client over dynamic security): median ${f(median(provision))} ms, p95 ${f(pct(provision, 95))} ms (${devices} devices)`);
    console.log(`external mosquitto: reading device → mosquitto → plane's bus (QoS 1, one at a time): median ${f(median(trips))} ms, p95 ${f(pct(trips, 95))} ms (${readings} readings)`);
  } finally {
    await t.stop();
    await m.stop();
  }
}
