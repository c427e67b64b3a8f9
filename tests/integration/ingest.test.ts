// Ingest and storage on a real InfluxDB: valid readings and backlogs stored with their own
// timestamps, invalid ones quarantined and counted, and an InfluxDB outage losing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
beforeAll(async () => {
  // A generous publish rate: this file measures storage, not the broker's admission control.
  t = await startTestVillage({ options: { brokerLimits: { rate: { ratePerS: 2000, burst: 2000, maxDebtS: 2 } } } });
});
afterAll(async () => {
  await t?.stop();
});

const count = async (measurement: string, field: string, device: string) => {
  const rows = await t.village.storage.influx.query<{ count: number }>(
    `SELECT count("${field}") FROM "village_2y"."${measurement}" WHERE "device" = '${device}'`,
  );
  return rows[0]?.count ?? 0;
};

describe('ingest', () => {
  it('stores a backlog array with each reading at its own timestamp', async () => {
    const c = await t.connectDevice('weather-01');
    const base = Date.now() - 3 * 3600_000;
    const backlog = [0, 1, 2].map((i) => ({ ts: base + i * 60_000, airTempC: 20 + i, airHumidityPct: 80, rainMm: 0.2, windMs: 1 }));
    await c.publishAsync('village/xa-thu/weather-01/telemetry', JSON.stringify(backlog), { qos: 1 });
    const rows = await until(async () => {
      await t.village.storage.flush();
      const r = await t.village.storage.recent('weather', 'weather-01', 240);
      return r.length === 3 ? r : undefined;
    }, 'backlog stored');
    expect(rows.map((r) => Date.parse(r.time as string)).sort()).toEqual(backlog.map((b) => b.ts));
    expect(rows.map((r) => r.airTempC).sort()).toEqual([20, 21, 22]);
    await c.endAsync();
  });

  it('quarantines malformed JSON, out-of-range and incomplete readings, counts them and keeps the valid ones', async () => {
    const c = await t.connectDevice('gh-01');
    const before = t.village.ingest.stats().quarantined;
    const topic = 'village/xa-thu/gh-01/telemetry';
    await c.publishAsync(topic, '{"airTempC": 31,', { qos: 1 });
    await c.publishAsync(topic, JSON.stringify({ airTempC: 500, airHumidityPct: 50, soilMoisturePct: 30, lightLux: 100 }), { qos: 1 });
    await c.publishAsync(topic, JSON.stringify({ airTempC: 30 }), { qos: 1 });
    const good = { airTempC: 29.5, airHumidityPct: 60, soilMoisturePct: 30, lightLux: 100, firmware: '1.2.3' };
    await c.publishAsync(topic, JSON.stringify([good, { ...good, soilMoisturePct: -4 }]), { qos: 1 });
    await until(() => t.village.ingest.stats().quarantined - before === 4, 'four quarantined');
    expect(t.village.ingest.stats().quarantinedByDevice['gh-01']).toBe(4);
    // logged once per device per minute, not once per message
    expect(t.lines.filter((l) => l.msg === 'message quarantined' && l.deviceId === 'gh-01')).toHaveLength(1);
    await t.village.storage.flush();
    const q = await until(async () => {
      const r = await t.village.storage.influx.query<{ reason: string; payload: string }>(
        `SELECT reason, payload FROM "village_2y"."quarantine" WHERE "device" = 'gh-01'`,
      );
      return r.length === 4 ? r : undefined;
    }, 'quarantine rows');
    const reasons = q.map((r) => r.reason).join('\n');
    expect(reasons).toMatch(/malformed JSON/);
    expect(reasons).toMatch(/airTempC: .*70/); // out of range, with the bound
    expect(reasons).toMatch(/airHumidityPct: .*(expected number|Invalid input)/);
    expect(reasons).toMatch(/soilMoisturePct/);
    const rows = await t.village.storage.recent('greenhouse', 'gh-01', 10);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.airTempC).toBe(29.5);
    // the unknown field is kept, as data, not as a trusted field
    expect(JSON.parse(rows[0]!.extra as string)).toEqual({ firmware: '1.2.3' });
    await c.endAsync();
  });

  it('loses no reading when InfluxDB stops mid-stream and comes back', async () => {
    const c = await t.connectDevice('light-01');
    const topic = 'village/xa-thu/light-01/telemetry';
    const t0 = Date.now() - 60_000;
    let sent = 0;
    const send = async (n: number) => {
      for (let i = 0; i < n; i++, sent++) {
        await c.publishAsync(topic, JSON.stringify({ ts: t0 + sent, powerW: 30, energyKwh: sent / 1000, lampStatus: 'ok' }), { qos: 1 });
      }
    };
    await send(300);
    await t.influxd.stop();
    await send(300);
    await until(() => t.village.storage.stats().spool.points > 0, 'points spooled while down');
    await send(300);
    await t.influxd.start();
    await until(() => t.village.storage.stats().up && t.village.storage.stats().spool.points === 0, 'spool replayed', 30_000);
    await send(100);
    await t.village.storage.flush();
    const stored = await until(async () => {
      const n = await count('light', 'powerW', 'light-01');
      return n === sent ? n : undefined;
    }, `all ${sent} points stored`);
    expect(stored).toBe(1000);
    expect(t.village.storage.stats().dropped).toBe(0);
    await c.endAsync();
  });
});
