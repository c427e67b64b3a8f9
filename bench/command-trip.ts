// Commands at a steady rate, open loop, over raw-socket devices that acknowledge each at once:
//   the project: CommandService.send → cmd → device → ack → settled (the village in this process);
//   a broker alone (Mosquitto, or the embedded aedes with the open policy): a raw commander
//     publishes each cmd and times it until the device's ack reaches it: the floor any plane pays.
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { Broker } from '../broker/broker.js';
import { testSite } from '../tests/helpers/site.js';
import { startTestVillage, until } from '../tests/helpers/village.js';
import { openLoop, rawConnect, type RawConn } from './loadgen.js';
import { pct } from './stats.js';

export interface Trip {
  applied: number;
  total: number;
  p50: number;
  p99: number;
}

const topic = (id: string, ch: 'cmd' | 'ack') => `village/xa-thu/${id}/${ch}`;

/** Devices that answer every command at once with an `applied` ack. */
async function ackers(port: number, ids: string[], auth: (id: string) => { username?: string; password?: string }): Promise<RawConn[]> {
  const conns: RawConn[] = [];
  for (const id of ids) {
    const c = await rawConnect(port, { clientId: id, ...auth(id) });
    let mid = 0;
    c.onMessage = (_t, payload) => {
      const cmd = JSON.parse(payload.toString()) as { id: string };
      c.publish(topic(id, 'ack'), Buffer.from(JSON.stringify({ id: cmd.id, status: 'applied' })), (mid++ % 65535) + 1);
    };
    c.subscribe(topic(id, 'cmd'));
    conns.push(c);
  }
  // SUBACKs are not waited for one by one: a short settle before the load starts.
  await new Promise((r) => setTimeout(r, 500));
  return conns;
}

const summary = (ms: number[], total: number): Trip => ({ applied: ms.length, total, p50: pct(ms, 0.5), p99: pct(ms, 0.99) });

export async function projectCommands(rate: number, devices: number, seconds: number): Promise<Trip> {
  const site = testSite();
  const ids = Array.from({ length: devices }, (_, i) => `den-${i}`);
  for (const id of ids) site.devices.push({ id, type: 'street-light', name: id, hamlet: 'thon-b', attributes: { ratedPowerW: 60 } });
  const t = await startTestVillage({ site, options: { brokerLimits: { maxConnections: devices + 100 } } });
  const conns = await ackers(Number(new URL(t.mqttUrl).port), ids, (id) => ({ username: id, password: t.secrets[id]! }));
  try {
    const ms: number[] = [];
    const total = rate * seconds;
    await openLoop(rate, total, (n) => {
      const start = performance.now();
      void t.village.commands
        .send({ deviceId: ids[n % devices]!, action: 'set', params: { level: n % 100 }, issuer: 'bench' })
        .then((r) => t.village.commands.settled(r.id))
        .then((r) => r.status === 'applied' && ms.push(performance.now() - start));
    });
    await until(() => ms.length >= total * 0.999, 'the commands settled', 60_000).catch(() => {});
    return summary(ms, total);
  } finally {
    conns.forEach((c) => c.close());
    await t.stop();
  }
}

export async function brokerCommands(port: number, rate: number, devices: number, seconds: number): Promise<Trip> {
  const ids = Array.from({ length: devices }, (_, i) => `den-${i}`);
  const conns = await ackers(port, ids, () => ({}));
  const commander = await rawConnect(port, { clientId: 'commander' });
  const started = new Map<string, number>();
  const ms: number[] = [];
  commander.onMessage = (_t, payload) => {
    const { id } = JSON.parse(payload.toString()) as { id: string };
    const at = started.get(id);
    if (at !== undefined) ms.push(performance.now() - at);
  };
  commander.subscribe('village/xa-thu/+/ack');
  await new Promise((r) => setTimeout(r, 500));
  try {
    const total = rate * seconds;
    await openLoop(rate, total, (n) => {
      const id = `c${n}`;
      started.set(id, performance.now());
      commander.publish(topic(ids[n % devices]!, 'cmd'), Buffer.from(JSON.stringify({ id, action: 'set', params: { level: n % 100 } })), (n % 65535) + 1);
    });
    await until(() => ms.length >= total * 0.999, 'the acks back', 60_000).catch(() => {});
    return summary(ms, total);
  } finally {
    commander.close();
    conns.forEach((c) => c.close());
  }
}

/** The embedded aedes broker alone (the open policy, as the conformance broker runs it), in this process. */
export async function embeddedBrokerCommands(rate: number, devices: number, seconds: number): Promise<Trip> {
  const broker = new Broker({
    log: pino({ level: 'silent' }),
    site: 'bench',
    policy: 'open',
    tcp: { host: '127.0.0.1', port: 0 },
    limits: { maxConnections: devices + 100, rate: { ratePerS: 100_000, burst: 100_000, maxDebtS: 5 } },
  });
  await broker.start();
  try {
    return await brokerCommands(broker.port, rate, devices, seconds);
  } finally {
    await broker.stop();
  }
}
