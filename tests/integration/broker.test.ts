// The embedded broker inside a real village: authentication, topic ACL, limits, last will.
import { createConnection } from 'node:net';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
beforeAll(async () => {
  t = await startTestVillage({ options: { brokerLimits: { rate: { ratePerS: 20, burst: 40, maxDebtS: 1 } } } });
});
afterAll(async () => {
  await t?.stop();
});

const refused = (opts: mqtt.IClientOptions) =>
  new Promise<string>((resolve) => {
    const c = mqtt.connect(t.mqttUrl, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    c.on('connect', () => {
      c.end(true);
      resolve('connected');
    });
    c.on('error', (e) => {
      c.end(true);
      resolve(e.message);
    });
  });

describe('authentication', () => {
  it('refuses anonymous clients, wrong secrets, and a username other than the client id', async () => {
    expect(await refused({ clientId: 'gh-01' })).toMatch(/Bad username or password|Not authorized/i);
    expect(await refused({ clientId: 'gh-01', username: 'gh-01', password: 'nope' })).toMatch(/Bad username or password/i);
    expect(await refused({ clientId: 'gh-01', username: 'valve-01', password: t.secrets['valve-01']! })).toMatch(/Identifier rejected/i);
    expect(t.village.broker.stats().authFailures).toBeGreaterThanOrEqual(3);
  });

  it('accepts a device with its own secret', async () => {
    const c = await t.connectDevice('gh-01');
    expect(c.connected).toBe(true);
    await c.endAsync();
  });

  it('refuses a last will aimed at another device', async () => {
    const msg = await refused({
      clientId: 'gh-01',
      username: 'gh-01',
      password: t.secrets['gh-01']!,
      will: { topic: 'village/xa-thu/valve-01/avail', payload: Buffer.from('"offline"'), qos: 1, retain: true },
    });
    expect(msg).toMatch(/Not authorized/i);
  });
});

describe('authorization', () => {
  it('disconnects a device publishing as another device, logs it, and stores nothing', async () => {
    const c = await t.connectDevice('gh-01');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish('village/xa-thu/weather-01/telemetry', JSON.stringify({ airTempC: 99, airHumidityPct: 1, rainMm: 0, windMs: 0 }));
    await closed;
    const line = await until(() => t.lines.find((l) => l.msg === 'publish refused, client disconnected' && l.clientId === 'gh-01'), 'log line');
    expect(line.topic).toBe('village/xa-thu/weather-01/telemetry');
    await t.village.storage.flush();
    expect(await t.village.storage.recent('weather', 'weather-01', 60)).toEqual([]);
    c.end(true);
  });

  it('logs and counts a publish aedes refuses itself (too many topic levels), once per client per 10 s', async () => {
    const before = t.village.broker.stats().deniedPublish;
    const deep = 'village/xa-thu/weather-01/telemetry/a/b/c/d/e';
    for (let i = 0; i < 3; i++) {
      const c = await t.connectDevice('weather-01');
      const closed = new Promise<void>((r) => c.once('close', () => r()));
      c.publish(deep, '{}', { qos: 1 });
      await closed;
      c.end(true);
    }
    await until(() => t.village.broker.stats().deniedPublish === before + 3, 'three refusals counted');
    const lines = t.lines.filter((l) => l.msg === 'publish refused, client disconnected' && l.clientId === 'weather-01');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reason: 'topic has too many levels', level: 40 });
  });

  it('refuses subscriptions outside the device own cmd and config', async () => {
    const c = await t.connectDevice('gh-01');
    // The SUBACK return code as sent on the wire (0x80 = failure).
    const qos = (f: string) =>
      new Promise<number>((resolve) => {
        c.once('packetreceive', (p) => p.cmd === 'suback' && resolve(p.granted[0] as number));
        c.subscribe(f, { qos: 1 }, () => {});
      });
    expect(await qos('village/xa-thu/gh-01/cmd')).toBe(1);
    for (const f of ['#', 'village/xa-thu/+/telemetry', '$SYS/#', 'village/xa-thu/valve-01/cmd']) expect(await qos(f), f).toBe(128);
    expect(t.lines.some((l) => l.msg === 'subscribe refused' && l.filter === '#')).toBe(true);
    expect(c.connected).toBe(true); // a refused filter is a SUBACK failure, not a disconnect
    await c.endAsync();
  });

  it('refuses a retained telemetry publish', async () => {
    const c = await t.connectDevice('gh-01');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish('village/xa-thu/gh-01/telemetry', '{}', { retain: true });
    await closed;
    c.end(true);
  });
});

describe('last will', () => {
  it('marks a device offline when it falls silent, within 1.5 x keepalive', async () => {
    // A raw MQTT session that connects with a will and keepalive 2 s, then says nothing more:
    // only the broker's keepalive rule can notice it is gone.
    const sock = createConnection(t.village.broker.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'speaker-01',
        keepalive: 2,
        username: 'speaker-01',
        password: Buffer.from(t.secrets['speaker-01']!),
        will: { topic: 'village/xa-thu/speaker-01/avail', payload: Buffer.from('"offline"'), qos: 1, retain: true },
      }),
    );
    sock.write(mqttPacket.generate({ cmd: 'publish', topic: 'village/xa-thu/speaker-01/avail', payload: Buffer.from('"online"'), qos: 0, retain: true, dup: false }));
    await until(() => t.village.live.snapshot('speaker-01')?.availability === 'online', 'online');
    const t0 = Date.now();
    await until(() => t.village.live.snapshot('speaker-01')?.availability === 'offline', 'offline', 10_000);
    expect(t.village.live.snapshot('speaker-01')?.availabilityWhy).toBe('message'); // the will, not the silence sweep
    console.log(`last will marked offline ${Date.now() - t0} ms after the last packet (keepalive 2 s, bound 3 s)`);
    sock.destroy();
  });
});

describe('limits', () => {
  it('drops a connection that announces a packet over 64 KiB', async () => {
    const c = await t.connectDevice('gh-01');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish('village/xa-thu/gh-01/telemetry', Buffer.alloc(70 * 1024, 0x20));
    await closed;
    await until(() => t.village.broker.stats().oversize > 0, 'oversize counted');
    c.end(true);
  });

  it('drops a raw socket whose first packet announces more than 64 KiB, before any CONNECT is read', async () => {
    const before = t.village.broker.stats().oversize;
    const s = createConnection(t.village.broker.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    // CONNECT's fixed header with a remaining length of 100,000 bytes, and nothing more.
    s.write(Buffer.from([0x10, 0xa0, 0x8d, 0x06]));
    await closed;
    expect(t.village.broker.stats().oversize).toBe(before + 1);
  });

  it('closes a raw socket that never sends CONNECT only after the connect timeout, without harm', async () => {
    const s = createConnection(t.village.broker.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.write(mqttPacket.generate({ cmd: 'pingreq' }));
    await new Promise((r) => s.once('close', r)); // a packet before CONNECT is a protocol error
    expect(s.destroyed).toBe(true);
  });

  it('throttles a flooding device, then disconnects it, and keeps serving others', async () => {
    const flood = await t.connectDevice('weather-01');
    const closed = new Promise<void>((r) => flood.once('close', () => r()));
    const reading = JSON.stringify({ airTempC: 25, airHumidityPct: 80, rainMm: 0, windMs: 1 });
    for (let i = 0; i < 5000; i++) flood.publish('village/xa-thu/weather-01/telemetry', reading);
    await closed;
    flood.end(true);
    const s = t.village.broker.stats();
    expect(s.throttled).toBeGreaterThan(0);
    expect(s.rateDisconnects).toBeGreaterThan(0);
    expect(t.lines.some((l) => l.msg === 'publish rate exceeded, client disconnected' && l.clientId === 'weather-01')).toBe(true);
    // fewer readings got through than were sent: the limit held
    expect(t.village.ingest.stats().readings).toBeLessThan(5000);
    const ok = await t.connectDevice('gh-01');
    expect(ok.connected).toBe(true);
    await ok.endAsync();
  });
});

describe('a large site', () => {
  it("publishes every device's retained config at start without the plane being throttled off", async () => {
    const site = testSite();
    for (let i = 0; i < 400; i++) site.devices.push({ id: `light-x-${i}`, type: 'street-light', name: `Đèn ${i}`, hamlet: 'thon-b', attributes: { ratedPowerW: 60 } });
    const big = await startTestVillage({ site });
    try {
      expect(big.village.broker.stats().rateDisconnects).toBe(0);
      expect(big.village.link.connected).toBe(true);
      // the last device's config is there, retained, for when it connects
      const c = await big.connectDevice('light-x-399');
      const cfg = await new Promise<{ fallback: unknown[] }>((resolve) => {
        c.on('message', (_t, p) => resolve(JSON.parse(p.toString()) as { fallback: unknown[] }));
        void c.subscribeAsync('village/xa-thu/light-x-399/config', { qos: 1 });
      });
      expect(cfg.fallback.length).toBeGreaterThan(0);
      await c.endAsync();
    } finally {
      await big.stop();
    }
  });
});
