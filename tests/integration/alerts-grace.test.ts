// The grace after a start, on a real broker: 50 street lights and 2 loudspeaker clusters with their
// last wills; the plane restarts and every device reconnects, dropping once more on the way (its
// will says offline) before it settles. No offline alert is raised, by the lamp and cluster monitors
// or by an offline rule. A device still offline when the grace ends is raised then, dated when it
// went offline; after the grace an offline device is raised at once.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvents } from '../../controller/bus.js';
import { TestClock } from '../helpers/clock.js';
import { commune } from '../helpers/commune.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

const LIGHTS = Array.from({ length: 50 }, (_, i) => `den-${String(i + 1).padStart(2, '0')}`);
const CLUSTERS = ['loa-a', 'loa-b'];
const GRACE_S = 60;

const clock = new TestClock();
let t: TestVillage;
const devices = new Map<string, MqttClient>();
let raised: BusEvents['alert'][] = [];
let off = () => {};

const site = () =>
  commune({
    id: 'xa-an',
    name: 'Xã An',
    hamlets: ['thon-a', 'thon-b'],
    devices: [...LIGHTS.map((id, i) => ({ id, type: 'street-light', hamlet: i % 2 ? 'thon-b' : 'thon-a' })), ...CLUSTERS.map((id, i) => ({ id, type: 'loudspeaker', hamlet: i ? 'thon-b' : 'thon-a' }))],
  });

/** Offline alerts as the alert lifecycle took them (held ones are not there). */
const offlineAlerts = () => t.village.alerts.list({ state: 'active' }).filter((a) => a.what.code === 'light-offline' || a.what.code === 'radio-offline' || a.what.code === 'rule');

async function connect(id: string): Promise<MqttClient> {
  const c = await t.connectDevice(id, { will: { topic: `village/xa-an/${id}/avail`, payload: Buffer.from('"offline"'), qos: 1, retain: true } });
  await c.publishAsync(`village/xa-an/${id}/avail`, '"online"', { qos: 1, retain: true });
  devices.set(id, c);
  return c;
}

/** The device's connection drops (its will says offline) and the plane marks it offline. */
async function drop(id: string): Promise<void> {
  devices.get(id)!.stream.destroy();
  devices.delete(id);
  await until(() => t.village.live.snapshot(id)?.availability === 'offline', `${id} offline by its will`);
}

beforeAll(async () => {
  clock.set(Date.UTC(2026, 10, 20, 3, 0));
  t = await startTestVillage({ site: site(), options: { now: clock.now, alerts: { graceS: GRACE_S }, rules: { graceS: GRACE_S, tickMs: 100 } } });
  // An offline rule over every device, as an operator would keep.
  const admin = await t.as('admin');
  expect((await admin.put('/api/rules/mat-ket-noi', { name: 'Mất kết nối', when: { kind: 'event', event: 'device-offline' }, then: [{ kind: 'alert', severity: 'warning', message: '{device} offline' }] })).status).toBe(200);
  clock.advance((GRACE_S + 1) * 1000);
  for (const id of [...LIGHTS, ...CLUSTERS]) await connect(id);
  await until(() => [...LIGHTS, ...CLUSTERS].every((id) => t.village.live.snapshot(id)?.availability === 'online'), 'every device online');
}, 120_000);
afterAll(async () => {
  off();
  for (const c of devices.values()) await c.endAsync(true);
  await t?.stop();
});

describe('the grace after a start', () => {
  it('raises nothing while 52 devices reconnect after a restart, each dropping once on the way', async () => {
    // What the lifecycle holds before (the first start's offline alerts, long cleared), by key: times raised.
    const counts = () => new Map(t.village.alerts.list({}).map((a) => [a.key, a.count]));
    const before = counts();
    await t.restart(async () => {
      for (const c of devices.values()) await c.endAsync(true);
      devices.clear();
    });
    off = t.village.bus.on('alert', (a) => raised.push(a));
    for (const id of [...LIGHTS, ...CLUSTERS]) {
      await connect(id);
      await drop(id);
      await connect(id);
    }
    await until(() => [...LIGHTS, ...CLUSTERS].every((id) => t.village.live.snapshot(id)?.availability === 'online'), 'every device back online');
    // The monitors did say offline, each device once: the lifecycle held them and let them go.
    expect(raised.filter((a) => a.active && a.what.code === 'light-offline')).toHaveLength(LIGHTS.length);
    expect(raised.filter((a) => a.active && a.what.code === 'radio-offline')).toHaveLength(CLUSTERS.length);
    expect(offlineAlerts()).toEqual([]);
    // None was even raised and cleared again: no alert counts one more occurrence.
    expect(counts()).toEqual(before);
  });

  it('raises a device still offline when the grace ends, dated when it went offline; after the grace, at once', async () => {
    const wentAt = clock.now();
    await drop('den-07');
    expect(offlineAlerts()).toEqual([]);
    clock.advance((GRACE_S + 1) * 1000);
    // The next alert event (or the grace timer) ends the grace: den-07 first, then den-08 at once.
    await drop('den-08');
    await until(() => offlineAlerts().filter((a) => a.what.code === 'light-offline').length === 2, 'both lights alerting');
    const byDevice = new Map(offlineAlerts().map((a) => [`${a.what.code} ${a.device}`, a]));
    const began = Date.parse(byDevice.get('light-offline den-07')!.startedAt);
    expect(began).toBeGreaterThanOrEqual(wentAt);
    expect(began).toBeLessThan(wentAt + GRACE_S * 1000);
    // The rule's grace ended too: den-08 going offline after it is its alert.
    await until(() => offlineAlerts().some((a) => a.what.code === 'rule' && a.device === 'den-08'), 'the rule alert for den-08');
  });
});
