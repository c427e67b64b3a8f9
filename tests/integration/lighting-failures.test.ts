// Lamp alerts from a real village: light-01 (rated 60 W) is driven by hand over MQTT, as third-party
// firmware would; the monitor raises a lamp failure, a dimming failure, a lamp lit while off and an
// offline light once each, and ends each once.
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type BusEvents } from '../../controller/bus.js';
import { LampMonitor, type LampMonitorOptions } from '../../controller/lighting/failures.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

type Alert = BusEvents['alert'];
const BASE = 'village/xa-thu/light-01';
const WILL = { topic: `${BASE}/avail`, payload: Buffer.from('"offline"'), qos: 1 as const, retain: true };

let t: TestVillage;
let c: MqttClient;
let monitor: LampMonitor | undefined;
let alerts: Alert[];
let offRelays: (() => void) | undefined;
let clock: number;

beforeAll(async () => {
  t = await startTestVillage();
  c = await t.connectDevice('light-01', { will: WILL });
});
afterEach(async () => {
  offRelays?.();
  offRelays = undefined;
  await monitor?.stop();
  monitor = undefined;
});
afterAll(async () => {
  c?.end(true);
  await t?.stop();
});

/**
 * Starts a monitor on the village's events through a bus of its own: the village may run its own
 * LampMonitor, whose alerts must not mix in. Its clock starts now and moves only when a test says.
 */
function startMonitor(o: Partial<LampMonitorOptions> = {}): Promise<void> {
  const { bus, site, live } = t.village;
  const own = new Bus(t.log);
  const relays = [
    bus.on('reading', (r) => own.emit('reading', r)),
    bus.on('state', (e) => own.emit('state', e)),
    bus.on('availability', (e) => own.emit('availability', e)),
  ];
  clock = Date.now();
  monitor = new LampMonitor({ bus: own, site, live, now: () => clock, ...o });
  alerts = [];
  own.on('alert', (a) => alerts.push(a));
  offRelays = () => relays.forEach((off) => off());
  return monitor.start();
}

/** Resolves once light-01's next `event` is on the village's bus (relayed to the monitor first). */
function next(event: 'state' | 'reading' | 'availability'): Promise<void> {
  return new Promise((resolve) => {
    const off = t.village.bus.on(event, (e) => {
      if (e.deviceId === 'light-01') {
        off();
        resolve();
      }
    });
  });
}

async function level(n: number): Promise<void> {
  const seen = next('state');
  await c.publishAsync(`${BASE}/state`, JSON.stringify({ level: n, mode: 'program' }), { qos: 1, retain: true });
  await seen;
}

/** A reading stamped with the monitor's clock; energy is not judged here. */
async function reading(powerW: number, lampStatus = 'ok', ts = clock): Promise<void> {
  const seen = next('reading');
  await c.publishAsync(`${BASE}/telemetry`, JSON.stringify({ ts, powerW, energyKwh: 10, lampStatus }), { qos: 1 });
  await seen;
}

const settle = () => {
  clock += 11_000;
};

describe('LampMonitor', () => {
  it('raises a lamp failure once for no power at level 80, and ends it once when power returns', async () => {
    await startMonitor();
    await level(80);
    settle();
    await reading(0);
    await reading(0.4);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ key: 'light.lampFailure.light-01', what: { code: 'light-lamp-failure', device: 'light-01' }, severity: 'critical', active: true });
    expect(alerts[0]!.message).toMatch(/light-01 draws 0 W at level 80 %/);
    // 60 W × (0.80 + 0.04 driver loss) = 50.4 W: a healthy lamp at 80 %.
    await reading(50.4);
    await reading(50.1);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ key: 'light.lampFailure.light-01', severity: 'critical', active: false });
  });

  it('knows the level reported before it started, from the live state', async () => {
    // The previous test left light-01 at 80 %; no state is published here.
    await startMonitor();
    settle();
    await reading(0);
    expect(alerts).toMatchObject([{ key: 'light.lampFailure.light-01', active: true }]);
    await reading(50.4);
    expect(alerts.map((a) => a.active)).toEqual([true, false]);
  });

  it('lets the driver ramp after a level change, and ignores stale and out-of-order readings', async () => {
    await startMonitor();
    await level(0);
    await reading(50.4); // still ramping down from 80 %
    expect(alerts).toEqual([]);
    settle();
    await reading(40, 'ok', clock - 5 * 60_000); // a backlog from five minutes ago
    await reading(0);
    await reading(40, 'ok', clock - 1000); // older than the last reading
    expect(alerts).toEqual([]);
    await reading(40);
    expect(alerts).toMatchObject([{ key: 'light.unexpectedOn.light-01', active: true }]);
    await reading(0);
    expect(alerts).toHaveLength(2);
  });

  it('raises unexpectedOn for a lamp lit at level 0, and ends it when it goes dark', async () => {
    await startMonitor();
    await level(0);
    settle();
    await reading(30);
    await reading(29.8);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ key: 'light.unexpectedOn.light-01', severity: 'warning', active: true });
    expect(alerts[0]!.message).toMatch(/30 W at level 0 %/);
    await reading(0);
    expect(alerts[1]).toMatchObject({ key: 'light.unexpectedOn.light-01', active: false });
    // A dark lamp at level 0 is no lamp failure.
    await reading(0);
    expect(alerts).toHaveLength(2);
  });

  it('raises a dimming failure for a lamp that does not follow its level, once', async () => {
    await startMonitor();
    await level(30);
    settle();
    // At 30 % a healthy lamp draws 60 × 0.34 = 20.4 W; stuck at full it draws 62.4 W.
    await reading(20.4);
    expect(alerts).toEqual([]);
    await reading(62.4);
    await reading(62.1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ key: 'light.dimmingFailure.light-01', severity: 'warning', active: true });
    expect(alerts[0]!.message).toMatch(/expected about 20\.4 W/);
    // Within 25 % of the rated power (15 W) of the expected draw is tracking.
    await reading(33);
    expect(alerts[1]).toMatchObject({ key: 'light.dimmingFailure.light-01', active: false });
    expect(alerts).toHaveLength(2);
  });

  it('takes the device’s own lamp status as a verdict', async () => {
    await startMonitor();
    await level(50);
    await reading(32.4, 'lampFailure'); // even while settling: the device knows
    expect(alerts).toMatchObject([{ key: 'light.lampFailure.light-01', severity: 'critical', active: true }]);
    settle();
    await reading(32.4, 'lampFailure');
    expect(alerts).toHaveLength(1);
    await reading(32.4, 'ok');
    expect(alerts[1]).toMatchObject({ key: 'light.lampFailure.light-01', active: false });
    await reading(32.4, 'dimmingFailure');
    await reading(32.4, 'ok');
    expect(alerts.slice(2)).toMatchObject([
      { key: 'light.dimmingFailure.light-01', severity: 'warning', active: true },
      { key: 'light.dimmingFailure.light-01', active: false },
    ]);
  });

  it('raises offline once on the last will, and ends it when the light is back', async () => {
    await startMonitor();
    const gone = next('availability');
    c.stream.destroy(); // dropped without a DISCONNECT: the broker publishes the will
    await gone;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ key: 'light.offline.light-01', severity: 'warning', active: true });
    expect(alerts[0]!.message).toMatch(/last will/);

    c = await t.connectDevice('light-01', { will: WILL });
    const back = next('availability');
    await c.publishAsync(`${BASE}/avail`, '"online"', { qos: 1, retain: true });
    await back;
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ key: 'light.offline.light-01', active: false });
    await until(() => t.village.live.snapshot('light-01')?.availability === 'online', 'light-01 online');
  });

  it('shows a light already offline when it starts, and ends it at the light’s next message', async () => {
    const gone = next('availability');
    c.stream.destroy();
    await gone;
    await startMonitor();
    expect(alerts).toMatchObject([{ key: 'light.offline.light-01', active: true }]);
    c = await t.connectDevice('light-01', { will: WILL });
    await reading(0); // firmware that never says "online": a reading is the light there
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ key: 'light.offline.light-01', active: false });
  });
});
