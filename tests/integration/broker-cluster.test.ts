// Two broker processes on one Redis: the plane's embedded broker (B) and a standalone one (A,
// `npm run broker -- --cluster`), real redis-server on a free port. Devices on A get the plane's
// commands and retained configs; telemetry from devices on both reaches the plane once.
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../controller/bus.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { freePort } from '../../controller/storage/influxd.js';
import { startRedis, startStandaloneBroker } from '../helpers/cluster.js';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let redis: Awaited<ReturnType<typeof startRedis>>;
let brokerA: Awaited<ReturnType<typeof startStandaloneBroker>>;
let urlA: string;
let t: TestVillage;
let fleetA: SimFleet;
const readings: Reading[] = [];

function connect(url: string, id: string, secret = t.secrets[id]!, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { clientId: id, username: id, password: secret, reconnectPeriod: 0, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => {
      c.end(true);
      reject(e);
    });
  });
}

beforeAll(async () => {
  redis = await startRedis();
  t = await startTestVillage({ options: { brokerCluster: { redisUrl: redis.url }, commands: { ackTimeoutMs: 1000, maxAttempts: 3 } } });
  t.village.bus.on('reading', (r) => readings.push(r));
  // A joins after the plane published its configs: it must still hold them (the plane republishes on "ready").
  brokerA = await startStandaloneBroker({ redisUrl: redis.url, dataDir: join(t.dir, 'data'), siteFile: join(t.dir, 'site.json') });
  urlA = brokerA.url;
  await until(() => brokerA.lines.some((l) => l.includes('"msg":"joined broker cluster"')), 'A joined the cluster');
  const site = testSite();
  fleetA = new SimFleet({ site: { ...site, devices: site.devices.filter((d) => d.id === 'valve-01') }, secrets: t.secrets, brokerUrl: urlA, seed: 1, speed: 30, reconnectPeriodMs: 200, stepEveryMs: 200 });
  fleetA.start();
}, 90_000);

afterAll(async () => {
  await fleetA?.stop();
  await brokerA?.stop();
  await t?.stop();
  await redis?.stop();
});

describe('two broker processes on Redis', () => {
  it('a device on broker A gets a command the plane published through broker B, and its ack settles it', async () => {
    await until(() => t.village.live.snapshot('valve-01')?.availability === 'online', 'valve-01 (on A) online at the plane');
    const api = await t.as('operator');
    const res = await api.fetch('/api/devices/valve-01/commands?wait=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'open', params: { durationS: 60 } }),
    });
    expect(res.status).toBe(200);
    const { command } = (await res.json()) as { command: { status: string } };
    expect(command.status).toBe('applied');
    await until(() => t.village.live.snapshot('valve-01')?.state?.open === true, 'valve on A reports open');
  });

  it('telemetry from a device on each broker arrives at the plane exactly once', async () => {
    const onA = await connect(urlA, 'gh-01');
    const onB = await connect(t.mqttUrl, 'weather-01');
    const gh = { airTempC: 31.5, airHumidityPct: 61, soilMoisturePct: 27, lightLux: 4321 };
    const we = { airTempC: 29.25, airHumidityPct: 70, rainMm: 1.5, windMs: 3 };
    await onA.publishAsync('village/xa-thu/gh-01/telemetry', JSON.stringify(gh), { qos: 1 });
    await onB.publishAsync('village/xa-thu/weather-01/telemetry', JSON.stringify(we), { qos: 1 });
    const mine = () => readings.filter((r) => (r.deviceId === 'gh-01' && r.values.lightLux === 4321) || (r.deviceId === 'weather-01' && r.values.windMs === 3));
    await until(() => mine().length >= 2, 'both readings at the plane');
    // A marker published after both: once it is in, any duplicate of the two would be too (one Redis channel order).
    await onA.publishAsync('village/xa-thu/gh-01/telemetry', JSON.stringify({ ...gh, lightLux: 999 }), { qos: 1 });
    await until(() => readings.some((r) => r.deviceId === 'gh-01' && r.values.lightLux === 999), 'marker');
    expect(mine().map((r) => r.deviceId).sort()).toEqual(['gh-01', 'weather-01']);
    await Promise.all([onA.endAsync(), onB.endAsync()]);
  });

  it('a device connecting to A gets its retained config, published through B before A joined', async () => {
    const c = await connect(urlA, 'light-01');
    let config: Record<string, unknown> | undefined;
    c.once('message', (_t, p) => (config = JSON.parse(p.toString()) as Record<string, unknown>));
    await c.subscribeAsync('village/xa-thu/light-01/config', { qos: 1 });
    expect(await until(() => config, 'retained config on A')).toHaveProperty('fallback');
    await c.endAsync();
  });

  it('A refuses a wrong secret and a device not in the site, and drops a device whose credential the plane revokes', async () => {
    await expect(connect(urlA, 'gh-01', 'not-the-secret')).rejects.toThrow(/Bad username or password/i);
    await expect(connect(urlA, 'ghost-01', 'x')).rejects.toThrow(/Bad username or password/i);
    const c = await connect(urlA, 'speaker-01');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    await t.village.credentials.revoke('speaker-01');
    await closed;
    await until(() => brokerA.lines.some((l) => l.includes('"clientId":"speaker-01"') && l.includes('credential revoked')), 'revocation logged on A');
    await expect(connect(urlA, 'speaker-01')).rejects.toThrow(/Bad username or password/i);
  });

  it("A's refusals reach the plane's flood alerts", async () => {
    const alerts: string[] = [];
    const off = t.village.bus.on('alert', (a) => alerts.push(a.key));
    // The test village's threshold: 10 failed connects of one client id in a minute.
    for (let i = 0; i < 10; i++) await expect(connect(urlA, 'gh-01', `wrong-${i}`)).rejects.toThrow(/Bad username or password/i);
    await until(() => alerts.some((k) => k.startsWith('broker.auth') && k.includes('gh-01')), 'auth-failure alert at the plane');
    off();
  });

  it('a device connecting to B with the id it holds on A ends its session on A', async () => {
    const onA = await connect(urlA, 'weather-01');
    const closed = new Promise<void>((r) => onA.once('close', () => r()));
    const onB = await connect(t.mqttUrl, 'weather-01');
    await closed;
    expect(onB.connected).toBe(true);
    await onB.endAsync();
  });

  it('a standalone broker that cannot reach Redis fails its start, saying why', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    await expect(startStandaloneBroker({ redisUrl: dead, dataDir: join(t.dir, 'data'), siteFile: join(t.dir, 'site.json') }).then((b) => b.stop())).rejects.toThrow(/cluster router unreachable/);
  }, 60_000);

  // Last: it takes Redis away from the others.
  it('when Redis goes away, A logs it and still stops cleanly', async () => {
    await redis.stop();
    await until(() => brokerA.lines.some((l) => l.includes('cluster router (redis) unreachable')), 'outage logged on A');
    // The wills of the clients it closes wait out ioredis' retries (about 10 s), then it exits 0.
    expect(await brokerA.stop()).toBe(0);
    expect(brokerA.lines.some((l) => l.includes('"msg":"mqtt broker stopped"'))).toBe(true);
  }, 40_000);
});
