import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
beforeAll(async () => {
  t = await startTestVillage();
});
afterAll(async () => {
  await t?.stop();
});

describe('telemetry path', () => {
  it('stores a reading from a device in InfluxDB', async () => {
    const c = await t.connectDevice('gh-01');
    c.publish('village/xa-thu/gh-01/telemetry', JSON.stringify({ airTempC: 30.5, airHumidityPct: 70, soilMoisturePct: 33, lightLux: 20000 }), { qos: 1 });
    const rows = await until(async () => {
      const r = await t.village.storage.recent('greenhouse', 'gh-01', 10);
      return r.length > 0 ? r : undefined;
    }, 'point in influx');
    expect(rows[0]!.airTempC).toBe(30.5);
    await c.endAsync();
  });
});
