// The demo commune's data on a real influxd (the simulated fleet, a command, an alert, a month of
// indicators): every panel's InfluxQL of the Grafana dashboard shipped for integrators (grafana/),
// with Grafana's macros filled in, returns rows, and every indicator of the month under way has a
// sane value. The provisioning files are checked to point at that dashboard and an InfluxDB 1.x
// datasource.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { indicators } from '../../controller/indicators/index.js';
import { addMonths, parseMonth } from '../../controller/indicators/period.js';
import { localParts } from '../../devices/local-time.js';
import { demoFleet } from '../../firmware-sim/fleet.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { rawQuery: boolean; query: string }[];
}

let t: TestVillage;
let fleet: SimFleet;
const dashboard = async () => JSON.parse(await readFile(new URL('../../grafana/dashboards/village.json', import.meta.url), 'utf8')) as { uid: string; panels: Panel[] };

beforeAll(async () => {
  const site = demoFleet(42);
  t = await startTestVillage({ site });
  fleet = new SimFleet({ site: t.village.site.config, secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 42, speed: 120, stepEveryMs: 200, reconnectPeriodMs: 200 });
  fleet.start();
  const stored = async (measurement: string, rp = 'village_2y') => {
    await t.village.storage.flush();
    return ((await t.village.storage.influx.query<{ n: number }>(`SELECT count(*) FROM "${rp}"."${measurement}"`))[0] as Record<string, number> | undefined) !== undefined;
  };
  for (const m of ['greenhouse', 'weather', 'valve', 'light', 'speaker', 'availability']) await until(() => stored(m), `${m} stored`, 30_000);
  // A command (a light group's override, as an operator would) and an alert the plane raises and ends.
  const op = await t.as('operator');
  const group = t.village.site.config.lightGroups[0]!.id;
  expect((await op.fetch('/api/lighting/overrides', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ group, level: 40 }) })).status).toBe(201);
  await until(() => stored('command_audit'), 'command audited', 30_000);
  t.village.bus.emit('alert', { key: 'flow.leak.test', what: { code: 'flow-leak', device: 'van-dong-1', flowLpm: 2 }, severity: 'critical', message: 'test leak', at: new Date(), active: true });
  await until(() => stored('alert'), 'alert stored', 30_000);
  // Last month at the site, computed: a finished month is stored as `indicator` points.
  const now = localParts(new Date(), t.village.site.config.site.tz);
  const last = addMonths(parseMonth(`${now.year}-${String(now.month).padStart(2, '0')}`), -1);
  await t.village.indicators.snapshot(last, { recompute: true });
  await until(() => stored('indicator', 'village_10y'), 'indicators stored', 30_000);
}, 120_000);
afterAll(async () => {
  await fleet?.stop();
  await t?.stop();
});

describe('Grafana dashboard', () => {
  it('is provisioned with an InfluxDB 1.x datasource and the dashboard folder', async () => {
    const ds = parse(await readFile(new URL('../../grafana/provisioning/datasources/village.yaml', import.meta.url), 'utf8')) as { datasources: { uid: string; type: string; jsonData: { dbName: string } }[] };
    expect(ds.datasources[0]).toMatchObject({ uid: 'village-influx', type: 'influxdb' });
    const d = await dashboard();
    for (const p of d.panels.filter((x) => x.type !== 'row')) expect(p.datasource?.uid, p.title).toBe('village-influx');
    // The three areas the integrators asked for.
    expect(d.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['Device readings by hamlet and type', 'Indicators over months', 'Command audit and alerts']);
  });

  it("runs every panel's query against the demo's data, and each returns rows", async () => {
    const d = await dashboard();
    const queries = d.panels.flatMap((p) => (p.targets ?? []).map((q) => ({ title: p.title, raw: q.rawQuery, query: q.query })));
    expect(queries.length).toBeGreaterThanOrEqual(12);
    for (const q of queries) {
      expect(q.raw, q.title).toBe(true);
      // Grafana's macros: the dashboard's range (a year covers last month's indicators) and interval.
      const influxql = q.query.replaceAll('$timeFilter', 'time > now() - 400d').replaceAll('$__interval', '1h');
      const rows = await t.village.storage.influx.query(influxql);
      expect(rows.length, `${q.title}: ${influxql}`).toBeGreaterThan(0);
    }
  });
});

describe('indicators on the demo fleet', () => {
  it('are all sane for the month under way: a number or nothing to measure, never NaN, percentages within 0–100', async () => {
    const now = localParts(new Date(), t.village.site.config.site.tz);
    const snap = await t.village.indicators.snapshot(parseMonth(`${now.year}-${String(now.month).padStart(2, '0')}`));
    expect(snap.complete).toBe(false);
    const defs = new Map(indicators.map((d) => [d.id, d]));
    expect(snap.indicators.map((f) => f.id).sort()).toEqual([...defs.keys()].sort());
    for (const f of snap.indicators) {
      const d = defs.get(f.id)!;
      for (const x of [f, ...f.hamlets]) {
        expect(Number.isFinite(x.numerator) && Number.isFinite(x.denominator), f.id).toBe(true);
        expect(x.denominator, f.id).toBeGreaterThanOrEqual(0);
        if (x.value === null) continue;
        expect(Number.isFinite(x.value), f.id).toBe(true);
        // Water saved nets ET scaling, so it may fall below 0 in a hot spell; the rest are shares.
        if (d.unit === '%' && f.id !== 'irrigation-water-saved') {
          expect(x.value, f.id).toBeGreaterThanOrEqual(0);
          expect(x.value, f.id).toBeLessThanOrEqual(100);
        }
      }
    }
    // The fleet is up: its clusters are heard and its lights reported in the last day.
    expect(snap.indicators.find((f) => f.id === 'radio-hamlets-reached')!.value).toBe(100);
    expect(snap.indicators.find((f) => f.id === 'lighting-remotely-managed')!.value).toBeGreaterThan(0);
  });
});
