// A valve closes itself while the plane is down: once the plane is back, the run's water is
// settled from the valve's own counter (its reading before the open and its first reading after
// the close), not from the first reading of the backlog, which was taken while the water still ran.
import type { MqttClient } from 'mqtt';
import { afterAll, expect, test } from 'vitest';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
let valve: MqttClient | undefined;
afterAll(async () => {
  await valve?.endAsync(true);
  await t?.stop();
});

const topic = (ch: string) => `village/xa-thu/valve-01/${ch}`;

/** valve-01 as third-party firmware: acks commands and reports what the test tells it. */
async function connectValve(onOpen?: (id: string) => void): Promise<MqttClient> {
  const c = await t.connectDevice('valve-01', { will: { topic: topic('avail'), payload: Buffer.from('"offline"'), qos: 1, retain: true } });
  c.on('message', (tp, payload) => {
    if (tp !== topic('cmd')) return;
    const cmd = JSON.parse(payload.toString()) as { id: string; action: string };
    if (cmd.action === 'open') onOpen?.(cmd.id);
  });
  await c.subscribeAsync(topic('cmd'), { qos: 1 });
  await c.publishAsync(topic('avail'), '"online"', { qos: 1, retain: true });
  return c;
}

test('a run whose valve closed during an outage counts all its water from the valve’s counter', async () => {
  t = await startTestVillage({ site: testSite(), options: { irrigation: { tickMs: 200, litersWaitS: 600 } } });
  const op = await t.as('operator');
  const opened = new Promise<string>((resolve) => {
    void connectValve(resolve).then((c) => (valve = c));
  });
  await until(() => valve, 'the valve connected');
  const v = valve!;
  await v.publishAsync(topic('state'), JSON.stringify({ open: false, remainingS: 0 }), { qos: 1, retain: true });
  // The reading before the open: 100 L on the meter.
  await v.publishAsync(topic('telemetry'), JSON.stringify({ flowLpm: 0, totalLiters: 100 }), { qos: 1 });
  await until(() => t.village.live.snapshot('valve-01')?.telemetry?.totalLiters === 100, 'the baseline reading');

  const run = await op.post('/api/irrigation/run', { zone: 'nha-mang-1', durationS: 60 });
  expect(run.status).toBe(202);
  const cmdId = await opened;
  await v.publishAsync(topic('ack'), JSON.stringify({ id: cmdId, status: 'applied' }), { qos: 1 });
  await v.publishAsync(topic('state'), JSON.stringify({ open: true, remainingS: 60, runId: run.body.id }), { qos: 1, retain: true });
  await v.publishAsync(topic('telemetry'), JSON.stringify({ flowLpm: 10, totalLiters: 101 }), { qos: 1 });
  await until(() => t.village.irrigation.runs().find((r) => r.id === run.body.id)?.status === 'running', 'the run running');

  // The plane goes down; the valve runs on, keeps its readings, and closes itself.
  const takenAt = Date.now();
  await t.restart(async () => {
    await v.endAsync(true);
    // Long enough that the backlog's readings are plainly older than the plane's first look.
    await new Promise((r) => setTimeout(r, 6000));
  });
  const back = await connectValve();
  valve = back;
  await back.publishAsync(topic('state'), JSON.stringify({ open: false, remainingS: 0 }), { qos: 1, retain: true });
  await until(() => t.village.irrigation.runs().find((r) => r.id === run.body.id)?.status === 'done', 'the run ended on the valve’s report');
  const backlog = [
    { ts: takenAt + 1000, flowLpm: 10, totalLiters: 110 }, // water still running
    { ts: takenAt + 2000, flowLpm: 0, totalLiters: 120 }, // the valve's own close
  ];
  await back.publishAsync(topic('telemetry'), JSON.stringify(backlog), { qos: 1 });
  await back.publishAsync(topic('telemetry'), JSON.stringify({ flowLpm: 0, totalLiters: 120 }), { qos: 1 });
  const done = await until(() => t.village.irrigation.runs().find((r) => r.id === run.body.id && r.liters !== undefined), 'the run’s water settled');
  expect(done.liters).toBe(20);
}, 60_000);
