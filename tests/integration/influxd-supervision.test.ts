// The managed influxd is supervised: restarted when it dies (the spool replays into it), killed
// with its parent, and a stale one on the same data directory is stopped before a new one starts.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort, InfluxdProcess } from '../../controller/storage/influxd.js';
import { start } from '../helpers/proc.js';
import { captureLog, startTestVillage, until, type TestVillage } from '../helpers/village.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('a managed influxd that dies', () => {
  let t: TestVillage;
  afterAll(async () => t?.stop());

  test('is restarted, /api/health says so meanwhile, and readings taken during the outage reach it', async () => {
    t = await startTestVillage({ options: { influxUrl: undefined } });
    const managed = t.village.influxd!;
    expect(managed).toBeDefined();
    const health = async () => (await (await fetch(new URL('/api/health', t.village.url))).json()) as { degraded: string[] };
    expect((await health()).degraded).toEqual([]);
    const dev = await t.connectDevice('weather-01');
    const reading = (airTempC: number) => dev.publishAsync('village/xa-thu/weather-01/telemetry', JSON.stringify({ airTempC, airHumidityPct: 80, rainMm: 0, windMs: 1 }), { qos: 1 });
    await reading(21);
    await until(async () => (await t.village.storage.recent('weather', 'weather-01', 60)).length === 1, 'the first reading stored');

    const first = managed.pid!;
    process.kill(first, 'SIGKILL');
    await until(async () => (await health()).degraded.some((d) => d.startsWith('influxdb')), 'health to say influxdb is down');
    await reading(22);
    await until(() => managed.status().restarts === 1 && managed.status().state === 'running', 'influxd restarted', 30_000);
    expect(managed.pid).not.toBe(first);
    expect(managed.status().lastExit?.signal).toBe('SIGKILL');
    const temps = await until(async () => {
      await t.village.storage.flush();
      const points = await t.village.storage.recent('weather', 'weather-01', 60);
      return points.length === 2 ? points.map((p) => p.airTempC) : undefined;
    }, 'the reading of the outage replayed', 30_000);
    expect(temps.sort()).toEqual([21, 22]);
    await until(async () => (await health()).degraded.length === 0, 'health to recover');
    await dev.endAsync();
  }, 90_000);
});

test('influxd dies with its parent, even one killed with SIGKILL', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'influxd-orphan-'));
  dirs.push(dir);
  const script = `
    import { pino } from 'pino';
    import { InfluxdProcess } from './controller/storage/influxd.ts';
    const p = new InfluxdProcess({ dir: ${JSON.stringify(dir)}, log: pino({ level: 'silent' }) });
    await p.start();
    console.log('PID ' + p.pid);
    setInterval(() => {}, 1000);`;
  const parent = start('node', ['--import', 'tsx', '--input-type=module', '-e', script]);
  let pid = 0;
  try {
    const line = await until(() => parent.lines.find((l) => l.startsWith('PID ')), 'the parent to start influxd', 30_000);
    pid = Number(line.slice(4));
    expect(alive(pid)).toBe(true);
  } finally {
    await parent.stop('SIGKILL');
  }
  try {
    await until(() => !alive(pid), 'the orphaned influxd to die', 10_000);
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('a stale influxd left on the data directory is stopped before a new one starts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'influxd-stale-'));
  dirs.push(dir);
  const { log, lines } = captureLog();
  // A first run leaves its config; then an influxd on it that nobody supervises, as after a crash.
  const first = new InfluxdProcess({ dir, log });
  await first.start();
  await first.stop();
  const stale = spawn('influxd', ['-config', join(dir, 'influxdb.conf')], { stdio: 'ignore' });
  await writeFile(join(dir, 'influxd.pid'), `${stale.pid}\n`);
  const staleExit = new Promise((r) => stale.once('exit', r));
  await until(async () => (await fetch(`${first.url}/ping`).catch(() => null))?.status === 204, 'the stale influxd up');
  const next = new InfluxdProcess({ dir, log });
  try {
    await next.start();
    await staleExit;
    expect(lines.some((l) => l.msg === 'stopping a stale influxd left on this data directory' && l.pid === stale.pid)).toBe(true);
    expect((await fetch(`${next.url}/ping`)).status).toBe(204);
  } finally {
    await next.stop();
    stale.kill('SIGKILL');
  }
});

test('chooses other ports when another program takes one before influxd binds it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'influxd-taken-'));
  dirs.push(dir);
  const { log, lines } = captureLog();
  // A port another program holds, handed out first, as a race with that program would.
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
  const taken = (holder.address() as AddressInfo).port;
  let handed = 0;
  const p = new InfluxdProcess({ dir, log, choosePort: async () => (handed++ === 0 ? taken : freePort()) });
  try {
    await p.start();
    expect(p.port).not.toBe(taken);
    expect((await fetch(`${p.url}/ping`)).status).toBe(204);
    expect(lines.some((l) => l.msg === 'influxd found a port taken; choosing others' && l.port === taken)).toBe(true);
  } finally {
    await p.stop();
    holder.close();
  }
});
