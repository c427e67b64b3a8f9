// What the comparison runs its load against: the project as its own process (its InfluxDB apart)
// or Debian's Mosquitto, behind one interface so that both get the very same load.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InfluxdProcess } from '../controller/storage/influxd.js';
import { freePort } from '../controller/storage/influxd.js';
import { startControllerProcess } from '../tests/helpers/controller-process.js';
import { testSite } from '../tests/helpers/site.js';
import { until } from '../tests/helpers/village.js';
import { rawConnect, rawSubscriber } from './loadgen.js';

export interface Target {
  name: 'project' | 'mosquitto';
  port: number;
  pid(): number;
  /** Connect credentials for a device id (the project authenticates every device). */
  auth(id: string): { username?: string; password?: string };
  /** Readings delivered end to end: the project's counted in InfluxDB, Mosquitto's at a raw subscriber. */
  delivered(): Promise<number>;
  alive(): Promise<boolean>;
  /** Stops the broker and starts it again on the same port; resolves when it listens. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function rssKb(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

/** The project with `ids` as weather stations; extra environment for the controller. */
export async function projectTarget(influx: InfluxdProcess, ids: string[], env: NodeJS.ProcessEnv = {}): Promise<Target> {
  const site = testSite();
  for (const id of ids) site.devices.push({ id, type: 'weather-station', name: id, hamlet: 'thon-a', attributes: {} });
  const db = `cmp${Date.now()}`;
  const ctl = await startControllerProcess(site, influx.url, { INFLUX_DB: db, LOG_LEVEL: 'warn', MQTT_MAX_CONNECTIONS: String(ids.length + 100), ...env });
  const port = Number(new URL(ctl.mqttUrl).port);
  return {
    name: 'project',
    port,
    pid: () => ctl.proc.child.pid!,
    auth: (id) => ({ username: id, password: ctl.secrets[id]! }),
    async delivered() {
      const r = await fetch(`${influx.url}/query?db=${db}&q=${encodeURIComponent('SELECT count("airTempC") FROM "village_2y"."weather"')}`);
      const j = (await r.json()) as { results: { series?: { values: [string, number][] }[] }[] };
      return j.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
    },
    alive: () => fetch(`${ctl.httpUrl}/api/health`).then((r) => r.ok, () => false),
    restart: () => ctl.restart(),
    stop: async () => void (await ctl.stop()),
  };
}

/** Debian's Mosquitto, tuned as the issue asks (max_inflight_messages 1000), with a raw subscriber on village/#. */
export async function mosquittoTarget(dir: string): Promise<Target> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 1000\nmax_queued_messages 100000\nmax_connections -1\nset_tcp_nodelay true\npersistence false\nlog_dest none\n`);
  const up = async () => {
    const proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    await until(async () => rawConnect(port, { clientId: 'probe' }).then((c) => (c.close(), true), () => false), 'mosquitto up', 10_000);
    return proc;
  };
  let proc = await up();
  let sub = await rawSubscriber(port, 'village/#');
  let before = 0; // what earlier subscribers counted, across restarts
  const down = async () => {
    before += sub.received();
    sub.close();
    if (proc.exitCode === null) await new Promise((r) => (proc.once('exit', r), proc.kill('SIGTERM')));
  };
  return {
    name: 'mosquitto',
    port,
    pid: () => proc.pid!,
    auth: () => ({}),
    delivered: async () => before + sub.received(),
    alive: async () => proc.exitCode === null && (await rawConnect(port, { clientId: 'probe' }).then((c) => (c.close(), true), () => false)),
    async restart() {
      await down();
      proc = await up();
      sub = await rawSubscriber(port, 'village/#');
    },
    stop: down,
  };
}
