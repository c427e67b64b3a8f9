// The project next to Debian's Mosquitto, interleaved in one run on the same machine, the same
// open-loop raw-socket load for both:
//   ingest: 1,000 connections, QoS 1, ~150 B readings, all published at once; the project's rate
//     counts each reading back in InfluxDB, Mosquitto's each message at a raw subscriber
//     (max_inflight_messages 1000).
//   connections: N authenticated connections at once, time and the broker process's memory.
// Prints ratios and writes BENCHMARKS.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, InfluxdProcess } from '../controller/storage/influxd.js';
import { startControllerProcess } from '../tests/helpers/controller-process.js';
import { testSite } from '../tests/helpers/site.js';
import { captureLog, until } from '../tests/helpers/village.js';
import { rawConnect, rawSubscriber, type RawConn } from './loadgen.js';

/** What this comparison does not hold yet, said with every run. */
const NOT_YET = [
  'Not in this comparison yet: the overload rounds (2× the sustainable rate from 100 clients, then all dropped at once),',
  'the reconnect storm and the command round trip against Mosquitto (the project alone: `npm run bench -- storm`, `-- commands-load`).',
  'Connections are 10,000 here (`COMPARE_CONNECTS`): 20,000 needs more than the 20,000 open files this machine allows one process.',
].join(' ');

const CONNS = Number(process.env.COMPARE_CONNS ?? 1000);
const PER_CONN = Number(process.env.COMPARE_PER_CONN ?? 20);
const CONNECTS = Number(process.env.COMPARE_CONNECTS ?? 10_000);

const reading = (i: number, base: number) =>
  Buffer.from(JSON.stringify({ ts: base + i * 10, airTempC: 24.6, airHumidityPct: 81.2, rainMm: 0, windMs: 1.8, solarWm2: 412.5, note: 'x'.repeat(40) }));

async function rssKb(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

async function startMosquitto(dir: string): Promise<{ port: number; proc: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 1000\nmax_queued_messages 100000\nmax_connections -1\npersistence false\nlog_dest none\n`);
  const proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  await until(async () => rawConnect(port, { clientId: 'probe' }).then((c) => (c.close(), true), () => false), 'mosquitto up', 10_000);
  return { port, proc, stop: async () => void (proc.kill('SIGTERM'), await new Promise((r) => proc.once('exit', r))) };
}

/** Publishes PER_CONN readings on each connection at once; resolves when every PUBACK is back. */
async function blast(conns: RawConn[], topicOf: (i: number) => string): Promise<void> {
  const base = Date.now() - 3600_000;
  conns.forEach((c, i) => {
    for (let m = 0; m < PER_CONN; m++) c.publish(topicOf(i), reading(m * CONNS + i, base), (m % 65535) + 1);
  });
  await until(() => conns.every((c) => c.pubacks >= PER_CONN), 'every PUBACK', 300_000);
}

async function ingestProject(influx: InfluxdProcess): Promise<{ rate: number; ackRate: number }> {
  const site = testSite();
  for (let i = 0; i < CONNS; i++) site.devices.push({ id: `cmp-${i}`, type: 'weather-station', name: `C${i}`, hamlet: 'thon-a', attributes: {} });
  const db = `cmp${Date.now()}`;
  const ctl = await startControllerProcess(site, influx.url, { INFLUX_DB: db, LOG_LEVEL: 'warn', MQTT_MAX_CONNECTIONS: String(CONNS + 100) });
  const conns: RawConn[] = [];
  try {
    const port = Number(new URL(ctl.mqttUrl).port);
    for (let i = 0; i < CONNS; i++) conns.push(await rawConnect(port, { clientId: `cmp-${i}`, username: `cmp-${i}`, password: ctl.secrets[`cmp-${i}`]! }));
    const total = CONNS * PER_CONN;
    const t0 = performance.now();
    await blast(conns, (i) => `village/xa-thu/cmp-${i}/telemetry`);
    const acked = performance.now() - t0;
    await until(
      async () => {
        const r = await fetch(`${influx.url}/query?db=${db}&q=${encodeURIComponent('SELECT count("airTempC") FROM "village_2y"."weather"')}`);
        const j = (await r.json()) as { results: { series?: { values: [string, number][] }[] }[] };
        return (j.results[0]?.series?.[0]?.values[0]?.[1] ?? 0) >= total;
      },
      'every reading in InfluxDB',
      300_000,
    );
    const stored = performance.now() - t0;
    return { rate: total / (stored / 1000), ackRate: total / (acked / 1000) };
  } finally {
    conns.forEach((c) => c.close());
    await ctl.stop();
  }
}

async function ingestMosquitto(dir: string): Promise<{ rate: number; ackRate: number }> {
  const m = await startMosquitto(dir);
  const conns: RawConn[] = [];
  try {
    const sub = await rawSubscriber(m.port, 'village/#');
    for (let i = 0; i < CONNS; i++) conns.push(await rawConnect(m.port, { clientId: `cmp-${i}` }));
    const total = CONNS * PER_CONN;
    const t0 = performance.now();
    await blast(conns, (i) => `village/xa-thu/cmp-${i}/telemetry`);
    const acked = performance.now() - t0;
    await until(() => sub.received() >= total, 'every message at the subscriber', 300_000);
    const done = performance.now() - t0;
    sub.close();
    return { rate: total / (done / 1000), ackRate: total / (acked / 1000) };
  } finally {
    conns.forEach((c) => c.close());
    await m.stop();
  }
}

async function connectsProject(influx: InfluxdProcess): Promise<{ s: number; kbPerConn: number }> {
  const site = testSite();
  for (let i = 0; i < CONNECTS; i++) site.devices.push({ id: `con-${i}`, type: 'weather-station', name: `N${i}`, hamlet: 'thon-a', attributes: {} });
  const ctl = await startControllerProcess(site, influx.url, { INFLUX_DB: `con${Date.now()}`, LOG_LEVEL: 'warn', MQTT_MAX_CONNECTIONS: String(CONNECTS + 100) });
  const conns: RawConn[] = [];
  try {
    const port = Number(new URL(ctl.mqttUrl).port);
    const rss0 = await rssKb(ctl.proc.child.pid!);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONNECTS }, (_, i) => rawConnect(port, { clientId: `con-${i}`, username: `con-${i}`, password: ctl.secrets[`con-${i}`]! }).then((c) => conns.push(c))));
    const s = (performance.now() - t0) / 1000;
    return { s, kbPerConn: ((await rssKb(ctl.proc.child.pid!)) - rss0) / CONNECTS };
  } finally {
    conns.forEach((c) => c.close());
    await ctl.stop();
  }
}

async function connectsMosquitto(dir: string): Promise<{ s: number; kbPerConn: number }> {
  const m = await startMosquitto(dir);
  const conns: RawConn[] = [];
  try {
    const rss0 = await rssKb(m.proc.pid!);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONNECTS }, (_, i) => rawConnect(m.port, { clientId: `con-${i}` }).then((c) => conns.push(c))));
    const s = (performance.now() - t0) / 1000;
    return { s, kbPerConn: ((await rssKb(m.proc.pid!)) - rss0) / CONNECTS };
  } finally {
    conns.forEach((c) => c.close());
    await m.stop();
  }
}

export async function compare(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'village-compare-'));
  const influx = new InfluxdProcess({ dir: join(dir, 'influxdb'), log: captureLog().log });
  await influx.start();
  try {
    // Interleaved: Mosquitto, project, Mosquitto, project, so drift on the machine hits both.
    const mi1 = await ingestMosquitto(dir);
    const pi1 = await ingestProject(influx);
    const mi2 = await ingestMosquitto(dir);
    const pi2 = await ingestProject(influx);
    const mc = await connectsMosquitto(dir);
    const pc = await connectsProject(influx);
    const best = <T extends { rate: number }>(a: T, b: T) => (a.rate > b.rate ? a : b);
    const mi = best(mi1, mi2);
    const pi = best(pi1, pi2);
    const f = (n: number, d = 0) => n.toFixed(d);
    const rows = [
      ['measure', 'project', 'Mosquitto 2.0.11', 'ratio'],
      ['---', '---', '---', '---'],
      [`ingest, QoS 1, ${CONNS} connections × ${PER_CONN} readings of ~150 B, open loop: end to end (project: counted in InfluxDB; Mosquitto: at a raw subscriber)`, `${f(pi.rate)}/s`, `${f(mi.rate)}/s`, `${f(pi.rate / mi.rate, 2)}×`],
      ['  the same, all PUBACKs back', `${f(pi.ackRate)}/s`, `${f(mi.ackRate)}/s`, `${f(pi.ackRate / mi.ackRate, 2)}×`],
      [`${CONNECTS} connections at once (project: authenticated; Mosquitto: anonymous)`, `${f(pc.s, 2)} s`, `${f(mc.s, 2)} s`, `${f(pc.s / mc.s, 1)}× the time`],
      ['  memory per connection (broker process RSS)', `${f(pc.kbPerConn, 1)} KB`, `${f(mc.kbPerConn, 1)} KB`, ''],
    ];
    const table = rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
    console.log(table);
    const md = `# Benchmarks\n\nOne run of \`npm run bench -- compare\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${f(totalmem() / 2 ** 30)} GiB, Node ${process.version}. The project runs as its own process (\`controller/main.ts\`, its InfluxDB apart); Mosquitto is Debian's, started with \`max_inflight_messages 1000\`, no persistence. The load generator is open loop on raw sockets (\`bench/loadgen.ts\`), in the bench's own process, the same for both; runs are interleaved and the better of two ingest runs is kept for each. The ratios, not the absolutes, are the point: this machine is small and shared.\n\n${table}\n\nIngest runs: project ${f(pi1.rate)} and ${f(pi2.rate)}/s; Mosquitto ${f(mi1.rate)} and ${f(mi2.rate)}/s.\n\n${NOT_YET}\n`;
    await writeFile('BENCHMARKS.md', md);
    console.log('written to BENCHMARKS.md');
  } finally {
    await influx.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
