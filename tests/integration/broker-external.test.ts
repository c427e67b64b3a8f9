// BROKER=external: a real village as a client of Debian's mosquitto with dynamic security, devices
// provisioned there by the plane. Ingest, a command, the embedded broker's rogue-device battery
// (broker.test.ts) with the same verdicts, and the API's add, re-key and remove taking effect at once.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquittoDynsec, type Mosquitto } from '../helpers/mosquitto.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let m: Mosquitto;
let t: TestVillage;
beforeAll(async () => {
  m = await startMosquittoDynsec();
  t = await startTestVillage({ options: { externalBroker: { url: m.url, adminUser: m.adminUser, adminPassword: m.adminPassword }, commands: { ackTimeoutMs: 2000 } } });
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await m?.stop();
});

/** Connects (MQTT 5 by default, for PUBACK reason codes) or returns the refusal's message. */
const connect = (opts: mqtt.IClientOptions) =>
  new Promise<mqtt.MqttClient | string>((resolve) => {
    const c = mqtt.connect(m.url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 5, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => {
      c.end(true);
      resolve(e.message);
    });
  });
const device = async (id: string, secret = t.secrets[id], opts: mqtt.IClientOptions = {}) => {
  const c = await connect({ clientId: id, username: id, password: secret!, ...opts });
  if (typeof c === 'string') throw new Error(`${id} refused: ${c}`);
  return c;
};
/** The PUBACK reason code of a QoS 1 publish (0 accepted, 135 not authorized). */
const pubackCode = (c: mqtt.MqttClient, topic: string, payload: string, retain = false) =>
  new Promise<number>((resolve) => {
    const on = (p: mqtt.Packet) => {
      if (p.cmd !== 'puback') return;
      c.off('packetreceive', on);
      resolve(p.reasonCode ?? 0);
    };
    c.on('packetreceive', on);
    c.publish(topic, payload, { qos: 1, retain }, () => {});
  });
/** The SUBACK return code as sent on the wire (1 granted QoS 1; 128 failure in 3.1.1, 135 not authorized in 5). */
const subackCode = (c: mqtt.MqttClient, filter: string) =>
  new Promise<number>((resolve) => {
    const on = (p: mqtt.Packet) => {
      if (p.cmd !== 'suback') return;
      c.off('packetreceive', on);
      resolve(p.granted[0] as number);
    };
    // Other packets (a retained config) may come first.
    c.on('packetreceive', on);
    c.subscribe(filter, { qos: 1 }, () => {});
  });
const weather = (airTempC: number, ts?: number) => JSON.stringify({ airTempC, airHumidityPct: 70, rainMm: 0, windMs: 1, ...(ts && { ts }) });

describe('the plane on mosquitto', () => {
  it('ingests telemetry a device sends through mosquitto', async () => {
    const c = await device('weather-01');
    expect(await pubackCode(c, 'village/xa-thu/weather-01/telemetry', weather(27.5))).toBe(0);
    const rows = await until(async () => {
      await t.village.storage.flush();
      const r = await t.village.storage.recent('weather', 'weather-01', 10);
      return r.length ? r : undefined;
    }, 'stored');
    expect(rows.map((r) => r.airTempC)).toContain(27.5);
    expect((await (await t.as('admin')).get('/api/status')).body).toMatchObject({ mqttLink: true });
    await c.endAsync();
  });

  it('sends a command from the API to the device, which acks it', async () => {
    const c = await device('valve-01');
    expect(await subackCode(c, 'village/xa-thu/valve-01/cmd')).toBe(1);
    c.on('message', (topic, payload) => {
      if (!topic.endsWith('/cmd')) return;
      const cmd = JSON.parse(payload.toString()) as { id: string };
      c.publish('village/xa-thu/valve-01/ack', JSON.stringify({ id: cmd.id, status: 'applied' }), { qos: 1 });
    });
    const op = await t.as('operator');
    const res = await op.post('/api/devices/valve-01/commands?wait=true', { action: 'open', params: { durationS: 30 } });
    expect(res.status).toBe(200);
    expect(res.body.command).toMatchObject({ status: 'applied', attempts: 1 });
    await c.endAsync();
  });

  it('loses nothing acknowledged to a device while the plane restarts: its session waited on mosquitto', async () => {
    const c = await device('weather-01');
    await t.restart(async () => {
      // The plane is down; mosquitto acknowledges these and queues them in the plane's session.
      // Each with its own time, as a device's backlog: readings at one instant are one point.
      const now = Date.now();
      for (const [i, v] of [31.1, 31.2, 31.3].entries()) expect(await pubackCode(c, 'village/xa-thu/weather-01/telemetry', weather(v, now - (3 - i) * 1000))).toBe(0);
    });
    const rows = await until(async () => {
      await t.village.storage.flush();
      const r = (await t.village.storage.recent('weather', 'weather-01', 10)).filter((x) => [31.1, 31.2, 31.3].includes(x.airTempC as number));
      return r.length === 3 ? r : undefined;
    }, 'the three readings stored after the restart');
    expect(rows).toHaveLength(3);
    expect(t.lines.some((l) => l.msg === 'plane connected to the broker' && l.sessionPresent === true)).toBe(true);
    await c.endAsync();
  });

  it('reconnects with backoff when mosquitto goes away, and takes readings again once it is back', async () => {
    const connects = () => t.lines.filter((l) => l.msg === 'plane connected to the broker').length;
    const before = connects();
    await m.restart(async () => {
      // Down long enough for two failed attempts: the second waits twice as long as the first.
      await until(() => t.lines.filter((l) => l.msg === 'plane lost the broker; reconnecting').length >= 2, 'two retries while down');
    });
    const waits = t.lines.filter((l) => l.msg === 'plane lost the broker; reconnecting').slice(-2).map((l) => l.retryMs as number);
    expect(waits[1]).toBe(waits[0]! * 2);
    await until(() => connects() > before && t.village.link.connected, 'plane back');
    const c = await device('weather-01');
    expect(await pubackCode(c, 'village/xa-thu/weather-01/telemetry', weather(12.5))).toBe(0);
    await until(() => t.village.live.snapshot('weather-01')?.telemetry?.airTempC === 12.5, 'reading after the broker restart');
    await c.endAsync();
  });
});

describe('the rogue-device battery, as on the embedded broker', () => {
  it('refuses anonymous clients, wrong secrets, and a username other than the client id', async () => {
    expect(await connect({ clientId: 'gh-01' })).toMatch(/Bad username or password|Not authorized/i);
    expect(await connect({ clientId: 'gh-01', username: 'gh-01', password: 'nope' })).toMatch(/Bad username or password|Not authorized/i);
    expect(await connect({ clientId: 'gh-01', username: 'valve-01', password: t.secrets['valve-01']! })).toMatch(/Not authorized|Client Identifier not valid|Bad username/i);
  });

  it('never publishes a last will aimed at another device', async () => {
    // The embedded broker refuses such a CONNECT; mosquitto 2.0 accepts it and checks the will's
    // topic when it would publish it: refused there, it never reaches anyone.
    const c = await device('gh-01', undefined, { will: { topic: 'village/xa-thu/valve-01/avail', payload: Buffer.from('"offline"'), qos: 1, retain: true } });
    c.stream.destroy();
    await until(() => /Client gh-01 closed its connection|Socket error on client gh-01/.test(m.log()), 'mosquitto saw gh-01 drop');
    // The plane reads one ordered stream: a probe sent after the drop arrives after any will would.
    const v = await device('valve-01');
    expect(await pubackCode(v, 'village/xa-thu/valve-01/state', JSON.stringify({ open: false, remainingS: 17 }))).toBe(0);
    await until(() => t.village.live.snapshot('valve-01')?.state?.remainingS === 17, 'probe seen by the plane');
    expect(t.village.live.snapshot('valve-01')?.availabilityWhy).not.toBe('message');
    c.end(true);
    await v.endAsync();
  });

  it('refuses a device publishing as another device, and stores nothing', async () => {
    const c = await device('gh-01');
    expect(await pubackCode(c, 'village/xa-thu/light-01/telemetry', JSON.stringify({ on: true, dimPct: 50, powerW: 99, energyWh: 1 }))).toBe(135);
    // Its own publish after it still arrives: the refused one was not merely late.
    expect(await pubackCode(c, 'village/xa-thu/gh-01/telemetry', JSON.stringify({ airTempC: 24, airHumidityPct: 60, soilMoisturePct: 30, lightLux: 100 }))).toBe(0);
    await until(() => t.village.live.snapshot('gh-01')?.telemetry, 'gh-01 reading');
    await t.village.storage.flush();
    expect(await t.village.storage.recent('light', 'light-01', 60)).toEqual([]);
    expect(m.log()).toMatch(/Denied PUBLISH from gh-01/);
    await c.endAsync();
  });

  it('refuses subscriptions outside the device own cmd and config, without a disconnect', async () => {
    const c = await device('gh-01', undefined, { protocolVersion: 4 });
    expect(await subackCode(c, 'village/xa-thu/gh-01/cmd')).toBe(1);
    expect(await subackCode(c, 'village/xa-thu/gh-01/config')).toBe(1);
    for (const f of ['#', 'village/xa-thu/+/telemetry', '$SYS/#', 'village/xa-thu/valve-01/cmd', '$CONTROL/dynamic-security/#']) expect(await subackCode(c, f), f).toBe(128);
    expect(c.connected).toBe(true);
    await c.endAsync();
  });

  it('refuses a retained cmd from a device: nothing is kept for the next subscriber', async () => {
    const c = await device('valve-01');
    expect(await pubackCode(c, 'village/xa-thu/valve-01/cmd', JSON.stringify({ id: 'rogue', action: 'open', params: { durationS: 600 } }), true)).toBe(135);
    await c.endAsync();
    const fresh = await device('valve-01');
    const got: string[] = [];
    fresh.on('message', (topic) => got.push(topic));
    expect(await subackCode(fresh, 'village/xa-thu/valve-01/cmd')).toBe(1);
    // A probe on the same session after the SUBACK: retained messages would have come before it.
    expect(await pubackCode(fresh, 'village/xa-thu/valve-01/state', JSON.stringify({ open: false, remainingS: 23 }))).toBe(0);
    await until(() => t.village.live.snapshot('valve-01')?.state?.remainingS === 23, 'probe seen by the plane');
    expect(got).toEqual([]);
    await fresh.endAsync();
  });

  it('refuses a retained telemetry publish: the plane drops it with its reason', async () => {
    const c = await device('weather-01');
    // Mosquitto's ACL cannot see the retain flag; the plane reads it (retain as published) and refuses.
    await pubackCode(c, 'village/xa-thu/weather-01/telemetry', weather(-5), true);
    const line = await until(() => t.lines.find((l) => l.msg === 'publish refused by the plane' && l.topic === 'village/xa-thu/weather-01/telemetry'), 'refusal logged');
    expect(line.reason).toMatch(/retained publish on telemetry is not allowed/);
    await t.village.storage.flush();
    expect((await t.village.storage.recent('weather', 'weather-01', 60)).map((r) => r.airTempC)).not.toContain(-5);
    await c.endAsync();
  });

  it('drops a connection that sends a packet over 64 KiB', async () => {
    const c = await device('gh-01');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish('village/xa-thu/gh-01/telemetry', Buffer.alloc(70 * 1024, 0x20));
    await closed;
    c.end(true);
  });
});

describe('devices added, re-keyed and removed through the API', () => {
  it('changes what mosquitto allows at once', async () => {
    const admin = await t.as('admin');
    expect(await connect({ clientId: 'gh-02', username: 'gh-02', password: 'anything' })).toMatch(/Bad username or password|Not authorized/i);
    const created = await admin.post('/api/devices', { id: 'gh-02', type: 'greenhouse-sensor', name: 'Cảm biến 2', hamlet: 'thon-a', zone: 'nha-mang-1' });
    expect(created.status).toBe(201);
    const first = created.body.secret as string;
    const c = await device('gh-02', first);
    expect(await subackCode(c, 'village/xa-thu/gh-02/cmd')).toBe(1);
    expect(await subackCode(c, 'village/xa-thu/gh-01/cmd')).toBe(135); // MQTT 5: not authorized
    expect(await pubackCode(c, 'village/xa-thu/gh-02/telemetry', JSON.stringify({ airTempC: 22, airHumidityPct: 60, soilMoisturePct: 30, lightLux: 100 }))).toBe(0);
    await until(() => t.village.live.snapshot('gh-02')?.telemetry, 'gh-02 reading ingested');
    await c.endAsync();

    const rekeyed = await admin.post('/api/devices/gh-02/secret');
    expect(rekeyed.status).toBe(200);
    expect(await connect({ clientId: 'gh-02', username: 'gh-02', password: first })).toMatch(/Bad username or password|Not authorized/i);
    const again = await device('gh-02', rekeyed.body.secret as string);

    const closed = new Promise<void>((r) => again.once('close', () => r()));
    expect((await admin.delete('/api/devices/gh-02')).status).toBe(204);
    await closed; // removed: mosquitto drops the live connection
    again.end(true);
    expect(await connect({ clientId: 'gh-02', username: 'gh-02', password: rekeyed.body.secret as string })).toMatch(/Bad username or password|Not authorized/i);
  });
});
