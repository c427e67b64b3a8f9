// A simulated valve against a bare (open) aedes broker, driven by an MQTT client acting as the
// plane: everything asserted is what goes over the wire.
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic } from '../../devices/topics.js';
import { SimClock } from '../../firmware-sim/clock.js';
import { SimulatedDevice } from '../../firmware-sim/device.js';
import { SiteEnvironment } from '../../firmware-sim/environment.js';
import { SeededRng } from '../../firmware-sim/rng.js';

const SITE = { id: 'xa-test', lat: 21.03, lon: 105.75, tz: 'Asia/Ho_Chi_Minh' };
const ID = 'valve-01';
const topic = (ch: Parameters<typeof buildTopic>[2]) => buildTopic(SITE.id, ID, ch);

interface Msg {
  topic: string;
  payload: unknown;
  retain: boolean;
}

let broker: Aedes;
let server: Server;
let url: string;
let plane: MqttClient;
let device: SimulatedDevice;
const got: Msg[] = [];

async function waitFor<T>(f: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a client subscribing now receives as the retained message on a topic. */
async function retained(t: string): Promise<Msg> {
  const c = connect(url, { clientId: `probe-${randomUUID().slice(0, 8)}`, reconnectPeriod: 0 });
  await new Promise((r) => c.once('connect', r));
  const msg = new Promise<Msg>((resolve) =>
    c.once('message', (tp, buf, packet) => resolve({ topic: tp, payload: JSON.parse(buf.toString()), retain: packet.retain })),
  );
  await c.subscribeAsync(t, { qos: 1 });
  const m = await Promise.race([msg, sleep(2000).then(() => undefined)]);
  await c.endAsync();
  if (!m) throw new Error(`no retained message on ${t}`);
  return m;
}

const acks = (id: string) => got.filter((m) => m.topic === topic('ack') && (m.payload as { id: string }).id === id);
const states = () => got.filter((m) => m.topic === topic('state')).map((m) => m.payload as { open: boolean; remainingS: number });

function command(action: string, params: Record<string, unknown>, o: { id?: string; expiresInMs?: number } = {}) {
  const now = Date.now();
  const id = o.id ?? randomUUID();
  const cmd = {
    id,
    action,
    params,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + (o.expiresInMs ?? 30_000)).toISOString(),
  };
  plane.publish(topic('cmd'), JSON.stringify(cmd), { qos: 1 });
  return id;
}

beforeAll(async () => {
  broker = await Aedes.createBroker();
  server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;

  plane = connect(url, { clientId: 'plane', reconnectPeriod: 0 });
  await new Promise((r) => plane.once('connect', r));
  plane.on('message', (t, buf, packet) => got.push({ topic: t, payload: buf.length ? JSON.parse(buf.toString()) : null, retain: packet.retain }));
  await plane.subscribeAsync(`village/${SITE.id}/${ID}/+`, { qos: 1 });

  // Speed 60: the valve reports every real second and a 120 s run lasts 2 s.
  const clock = new SimClock({ speed: 60 });
  const env = new SiteEnvironment({ lat: SITE.lat, lon: SITE.lon, seed: 1 });
  device = new SimulatedDevice({
    site: SITE,
    device: { id: ID, type: 'irrigation-valve', zone: 'nha-mang-1', attributes: { kind: 'drip' } },
    secret: 'not-checked-by-an-open-broker',
    brokerUrl: url,
    clock,
    rng: new SeededRng(1),
    env: (now) => env.at(now),
    keepaliveS: 1,
    stepEveryMs: 100,
    reconnectPeriodMs: 200,
  });
  device.start();
});

afterAll(async () => {
  await device?.stop();
  await plane?.endAsync();
  // The broker first: it closes its clients' sockets, which server.close() waits for.
  await new Promise<void>((r) => (broker ? broker.close(() => r()) : r()));
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe('simulated device over MQTT', () => {
  it('announces itself online (retained) and publishes its state and readings', async () => {
    await waitFor(() => got.find((m) => m.topic === topic('avail')));
    expect(await retained(topic('avail'))).toMatchObject({ payload: 'online', retain: true });
    await waitFor(() => states().length > 0);
    expect(states()[0]).toEqual({ open: false, remainingS: 0 });
    expect(await retained(topic('state'))).toMatchObject({ payload: { open: false, remainingS: 0 }, retain: true });
    const reading = await waitFor(() => got.find((m) => m.topic === topic('telemetry')));
    expect(reading.payload).toMatchObject({ flowLpm: 0, ts: expect.any(Number) });
    expect(Math.abs((reading.payload as { ts: number }).ts - Date.now())).toBeLessThan(5000); // real time, not sim time
  });

  it('takes its retained config and refuses a run longer than its maxRunS', async () => {
    plane.publish(topic('config'), JSON.stringify({ maxRunS: 300, closeOnOffline: true }), { qos: 1, retain: true });
    await waitFor(() => (device.currentConfig as { maxRunS: number }).maxRunS === 300);
    const id = command('open', { durationS: 400 });
    const [ack] = await waitFor(() => acks(id).length > 0 && acks(id));
    expect(ack!.payload).toMatchObject({ id, status: 'rejected', reason: expect.stringMatching(/maxRunS 300/) });
  });

  it('opens on command (ack applied, state open) and closes itself at durationS', { timeout: 10_000 }, async () => {
    const before = states().length;
    const id = command('open', { durationS: 120, runId: 'run-1' });
    const [ack] = await waitFor(() => acks(id).length > 0 && acks(id));
    expect(ack!.payload).toEqual({ id, status: 'applied' });
    expect(states().slice(before).find((s) => s.open)).toMatchObject({ open: true, runId: 'run-1' });
    await waitFor(() => states().at(-1)?.open === false && states().at(-1), 6000);
    expect(device.reported()).toEqual({ open: false, remainingS: 0 });
    // ~20 steps ran while open, each moving the countdown; the state went out on open and on close only.
    expect(states().slice(before)).toHaveLength(2);

    // The same id again: the same ack, and the valve stays closed.
    const n = states().length;
    command('open', { durationS: 120, runId: 'run-1' }, { id });
    await waitFor(() => acks(id).length === 2);
    expect(acks(id)[1]!.payload).toEqual({ id, status: 'applied' });
    await sleep(300);
    expect(states().slice(n).some((s) => s.open)).toBe(false);
    expect(device.reported()?.open).toBe(false);
  });

  it('acks an expired command as expired and does not apply it', async () => {
    const id = command('open', { durationS: 60 }, { expiresInMs: -1000 });
    const [ack] = await waitFor(() => acks(id).length > 0 && acks(id));
    expect(ack!.payload).toEqual({ id, status: 'expired' });
    expect(device.reported()?.open).toBe(false);
  });

  it('acks a malformed command as rejected with the reason', async () => {
    const id = command('open', { durationS: -5 });
    const [ack] = await waitFor(() => acks(id).length > 0 && acks(id));
    expect(ack!.payload).toMatchObject({ id, status: 'rejected', reason: expect.stringContaining('durationS') });
    // An open with no duration at all: a valve never opens without its own end.
    const none = command('open', {});
    const [ack2] = await waitFor(() => acks(none).length > 0 && acks(none));
    expect(ack2!.payload).toMatchObject({ id: none, status: 'rejected', reason: expect.stringContaining('durationS') });
    expect(device.reported()?.open).toBe(false);
  });

  it('on a lost link: the broker publishes the retained will, the valve closes by itself, readings are kept', { timeout: 15_000 }, async () => {
    const id = command('open', { durationS: 280 }); // 4.7 s of real time
    await waitFor(() => acks(id).length > 0);
    expect(device.reported()?.open).toBe(true);

    device.cutLink();
    await waitFor(() => got.find((m) => m.topic === topic('avail') && m.payload === 'offline'));
    expect(await retained(topic('avail'))).toMatchObject({ payload: 'offline', retain: true });

    // Grace is 1.5 × keepalive (1 s): well before the run would end, the valve closes on its own.
    await waitFor(() => device.planeLost, 4000);
    expect(device.reported()?.open).toBe(false);
    await sleep(1200); // a reading or more taken offline

    const mark = got.length;
    device.restoreLink();
    await waitFor(() => got.slice(mark).find((m) => m.topic === topic('avail') && m.payload === 'online'));
    const backlog = await waitFor(() => got.slice(mark).find((m) => m.topic === topic('telemetry') && Array.isArray(m.payload)));
    const items = backlog.payload as { ts: number; totalLiters: number }[];
    expect(items.length).toBeGreaterThanOrEqual(1);
    for (const r of items) expect(r.ts).toEqual(expect.any(Number));
    // The state after the outage is what the device did on its own: closed.
    await waitFor(() => got.slice(mark).find((m) => m.topic === topic('state')));
    expect(got.slice(mark).filter((m) => m.topic === topic('state')).at(-1)!.payload).toMatchObject({ open: false });
  });
});
