// The controller as a real process: a bad site file fails at start with "path: message" lines;
// SIGTERM stops it cleanly with every accepted reading in InfluxDB; a flood of 100 clients that
// then vanish at once does not kill the broker (aedes 1.2 died of this, mqemitter #204 / aedes #193).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfluxdProcess } from '../../controller/storage/influxd.js';
import { startControllerProcess } from '../helpers/controller-process.js';
import { run } from '../helpers/proc.js';
import { testSite } from '../helpers/site.js';
import { captureLog, startInfluxd, until } from '../helpers/village.js';

let influxd: InfluxdProcess;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'village-proc-influx-'));
  influxd = await startInfluxd(dir, captureLog().log);
});
afterAll(async () => {
  await influxd?.stop();
  await rm(dir, { recursive: true, force: true });
});

const connect = (url: string, id: string, secret: string) =>
  new Promise<MqttClient>((resolve, reject) => {
    const c = mqtt.connect(url, { clientId: id, username: id, password: secret, reconnectPeriod: 0, connectTimeout: 20_000 });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });

describe('start-up', () => {
  it('fails on a bad site file with one "path: message" line per problem', async () => {
    const site = testSite() as unknown as { site: { lat: number }; devices: { hamlet: string; attributes: object }[] };
    site.site.lat = 123;
    site.devices[0]!.hamlet = 'thon-x';
    site.devices[2]!.attributes = { kind: 'flood' };
    const file = join(dir, 'bad-site.json');
    await writeFile(file, JSON.stringify(site));
    const bad = await run('env', [`SITE_FILE=${file}`, `DATA_DIR=${join(dir, 'bad-data')}`, `INFLUX_URL=${influxd.url}`, 'HTTP_PORT=0', 'MQTT_PORT=0', 'node', '--import', 'tsx', 'controller/main.ts'], 30_000);
    expect(bad.code).toBe(1);
    const out = bad.stdout + bad.stderr;
    expect(out).toMatch(/site\.lat: Too big: expected number to be <=90/);
    expect(out).toMatch(/devices\.0\.hamlet: unknown hamlet thon-x/);
    expect(out).toMatch(/devices\.2\.attributes\.kind: Invalid option: expected one of "drip"\|"sprinkler"/);
  });
});

describe('shutdown', () => {
  it('stops on SIGTERM with every accepted reading stored', async () => {
    const ctl = await startControllerProcess(testSite(), influxd.url, { INFLUX_DB: 'shutdown_test' });
    const c = await connect(ctl.mqttUrl, 'weather-01', ctl.secrets['weather-01']!);
    const t0 = Date.now() - 10 * 60_000;
    for (let i = 0; i < 150; i++) {
      await c.publishAsync('village/xa-thu/weather-01/telemetry', JSON.stringify({ ts: t0 + i, airTempC: 24, airHumidityPct: 90, rainMm: 0, windMs: 1 }), { qos: 1 });
    }
    c.end(true);
    // PUBACK came back for all 150: they were accepted. Stop at once, before a timed flush.
    expect(await ctl.stop('SIGTERM')).toBe(0);
    const influx = new InfluxDB({ host: '127.0.0.1', port: influxd.port, database: 'shutdown_test' });
    const rows = await influx.query<{ count: number }>(`SELECT count("airTempC") FROM "village_2y"."weather"`);
    expect(rows[0]?.count).toBe(150);
  });
});

describe('overload', () => {
  it('survives 100 flooding clients that disconnect at once with a backlog, and keeps serving', async () => {
    const site = testSite();
    for (let i = 0; i < 100; i++) site.devices.push({ id: `flood-${i}`, type: 'weather-station', name: `Flood ${i}`, hamlet: 'thon-a', attributes: {} });
    const ctl = await startControllerProcess(site, influxd.url, { INFLUX_DB: 'overload_test', LOG_LEVEL: 'warn' });
    try {
      const clients = await Promise.all(site.devices.filter((d) => d.id.startsWith('flood-')).map((d) => connect(ctl.mqttUrl, d.id, ctl.secrets[d.id]!)));
      const reading = JSON.stringify({ airTempC: 25, airHumidityPct: 80, rainMm: 0, windMs: 1 });
      const started = Date.now();
      let offered = 0;
      // Offer as fast as this process can for 2 s, yielding now and then so sockets get written, and
      // at least 2,000 per client whatever the machine's load: far over the limit (burst 200 + 50/s).
      while (Date.now() < started + 2000 || offered < 100 * 2000) {
        for (const c of clients) {
          c.publish(`village/xa-thu/${c.options.clientId}/telemetry`, reading, { qos: 0 });
          offered++;
        }
        if (offered % 5000 === 0) await new Promise((r) => setImmediate(r));
      }
      // All at once, with whatever is still queued: the case that killed a bare aedes.
      for (const c of clients) c.end(true);
      const offeredS = (Date.now() - started) / 1000;
      console.log(`overload: offered ${offered} messages from 100 clients in ${offeredS.toFixed(1)} s`);
      // The broker is alive and serves a new device.
      const fresh = await connect(ctl.mqttUrl, 'gh-01', ctl.secrets['gh-01']!);
      await fresh.publishAsync('village/xa-thu/gh-01/avail', '"online"', { qos: 1, retain: true });
      fresh.end(true);
      // The plane's figures are behind sign-in (GET /api/status); /api/health only says it is alive.
      expect(((await (await fetch(`${ctl.httpUrl}/api/health`)).json()) as { ok: boolean }).ok).toBe(true);
      const res = await (await ctl.admin()).get('/api/status');
      expect(res.status).toBe(200);
      const status = res.body as { broker: { throttled: number; rateDisconnects: number }; ingest: { readings: number } };
      console.log(`overload: broker ${JSON.stringify(status.broker)}, readings ingested ${status.ingest.readings}`);
      expect(ctl.proc.child.exitCode).toBeNull();
      expect(status.broker.throttled + status.broker.rateDisconnects).toBeGreaterThan(0);
      // 100 clients × (burst 200 + 50/s over the offer and 3 s after) bounds what may pass; far below what was offered.
      expect(status.ingest.readings).toBeLessThan(100 * (200 + 50 * (offeredS + 3)));
      expect(status.ingest.readings).toBeLessThan(offered / 2);
      expect(ctl.logs().some((l) => l.msg === 'publish rate exceeded, client disconnected')).toBe(true);
      expect(ctl.proc.stderr).not.toMatch(/RangeError|Maximum call stack/);
    } finally {
      const code = await ctl.stop('SIGTERM');
      if (code !== 0) console.log(ctl.proc.stderr.slice(-3000), ctl.proc.lines.slice(-20).join('\n'));
      expect(code).toBe(0);
    }
  });
});
