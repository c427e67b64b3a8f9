// Flow alerts from a real village: a valve publishes its state and readings over MQTT; the monitor
// raises a leak (flow while closed) or a no-flow alert (open, no water) once, and ends it once.
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type BusEvents } from '../../controller/bus.js';
import { FlowMonitor, type FlowMonitorOptions } from '../../controller/irrigation/flow.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

type Alert = BusEvents['alert'];
const BASE = 'village/xa-thu/valve-01';

let t: TestVillage;
let c: MqttClient;
let monitor: FlowMonitor | undefined;
let alerts: Alert[];
let offRelays: (() => void) | undefined;

beforeAll(async () => {
  t = await startTestVillage();
  c = await t.connectDevice('valve-01');
});
afterEach(async () => {
  offRelays?.();
  await monitor?.stop();
  monitor = undefined;
});
afterAll(async () => {
  await c?.endAsync();
  await t?.stop();
});

/**
 * Starts a monitor on the village's readings and states. It hears them through a bus of its own,
 * fed from the village's: the village may run its own FlowMonitor, whose alerts must not mix in.
 */
function startMonitor(o: Partial<FlowMonitorOptions> = {}): Promise<void> {
  const { bus, site, live } = t.village;
  const own = new Bus(t.log);
  const relays = [bus.on('reading', (r) => own.emit('reading', r)), bus.on('state', (e) => own.emit('state', e))];
  monitor = new FlowMonitor({ bus: own, site, live, ...o });
  alerts = [];
  own.on('alert', (a) => alerts.push(a));
  offRelays = () => relays.forEach((off) => off());
  return monitor.start();
}

/** Resolves once valve-01's next `event` is on the village's bus (relayed to the monitor first). */
function next(event: 'state' | 'reading'): Promise<void> {
  return new Promise((resolve) => {
    const off = t.village.bus.on(event, (e) => {
      if (e.deviceId === 'valve-01') {
        off();
        resolve();
      }
    });
  });
}

async function state(open: boolean, remainingS = 0): Promise<void> {
  const seen = next('state');
  await c.publishAsync(`${BASE}/state`, JSON.stringify({ open, remainingS }), { qos: 1, retain: true });
  await seen;
}

async function reading(flowLpm: number, totalLiters: number, ts?: number): Promise<void> {
  const seen = next('reading');
  await c.publishAsync(`${BASE}/telemetry`, JSON.stringify({ flowLpm, totalLiters, ...(ts !== undefined && { ts }) }), { qos: 1 });
  await seen;
}

describe('FlowMonitor', () => {
  it('raises a leak alert once for flow while closed, and ends it once when the flow stops', async () => {
    await startMonitor();
    await state(false);
    // A backlog reading from ten minutes ago says nothing about now.
    await reading(5, 99, Date.now() - 10 * 60_000);
    expect(alerts).toEqual([]);
    await reading(4, 100);
    await reading(3.5, 101);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ key: 'flow.leak.valve-01', what: { code: 'flow-leak', device: 'valve-01', flowLpm: 4 }, severity: 'critical', active: true });
    expect(alerts[0]!.message).toMatch(/valve-01 reports 4 L\/min while closed/);
    await reading(0, 101.2);
    await reading(0, 101.2);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ key: 'flow.leak.valve-01', severity: 'critical', active: false });
  });

  it('knows a valve closed before it started, from the live state', async () => {
    // The previous test left valve-01 reported closed; no state is published here.
    await startMonitor();
    await reading(2, 110);
    await until(() => alerts.length === 1, 'leak alert');
    expect(alerts[0]).toMatchObject({ key: 'flow.leak.valve-01', active: true });
    await reading(0, 110.5);
    expect(alerts.map((a) => a.active)).toEqual([true, false]);
  });

  it('lets the line drain after a close before judging a leak', async () => {
    let clock = Date.now();
    await startMonitor({ now: () => clock, closeSettleS: 10 });
    await state(true, 300);
    await reading(12, 200, clock);
    await state(false);
    await reading(3, 201, clock);
    expect(alerts).toEqual([]);
    clock += 11_000;
    await reading(3, 202, clock);
    expect(alerts).toMatchObject([{ key: 'flow.leak.valve-01', active: true }]);
    await reading(0, 202, clock);
  });

  it('raises a no-flow alert once when open past noFlowAfterS without water, ends it on close or when water comes', async () => {
    let clock = Date.now();
    await startMonitor({ now: () => clock });
    await state(true, 600);
    await reading(0, 300, clock);
    clock += 30_000;
    await reading(0.1, 300, clock);
    expect(alerts).toEqual([]); // water may still be on its way
    clock += 31_000;
    await reading(0.1, 300, clock);
    await reading(0, 300, clock);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ key: 'flow.none.valve-01', severity: 'warning', active: true });
    await state(false);
    expect(alerts[1]).toMatchObject({ key: 'flow.none.valve-01', active: false });

    // Opened again: no water for over a minute, then water arrives.
    await state(true, 600);
    clock += 61_000;
    await reading(0, 300, clock);
    await reading(8, 300.2, clock);
    expect(alerts.slice(2)).toMatchObject([
      { key: 'flow.none.valve-01', active: true },
      { key: 'flow.none.valve-01', active: false },
    ]);
    expect(alerts).toHaveLength(4);
    await state(false);
    expect(alerts).toHaveLength(4);
  });
});
