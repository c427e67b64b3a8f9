// Rules on a real village: the aedes broker, influxd, devices publishing readings over MQTT, rules
// saved through the API, the scheduling clock moved by the test (TestClock), alerts heard on the bus.
import { createServer, type Server } from 'node:http';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { BusEvents } from '../../controller/bus.js';
import type { VillageOptions } from '../../controller/village.js';
import { TestClock } from '../helpers/clock.js';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';
import type { ApiClient } from '../helpers/api.js';

type Alert = BusEvents['alert'];
const MIN = 60_000;

const clock = new TestClock();
clock.set(Date.UTC(2026, 5, 1, 3, 0));
// Read at every (re)start: the grace test lengthens the grace before its restart.
const rulesOptions: NonNullable<VillageOptions['rules']> = { graceS: 0, tickMs: 100, webhook: { backoffMs: 50, attempts: 3 } };

let t: TestVillage;
let admin: ApiClient;
let alerts: Alert[] = [];
let offAlerts: () => void = () => {};
const devices = new Map<string, MqttClient>();

function site() {
  const s = testSite();
  s.zones.push({ ...s.zones[0]!, id: 'nha-mang-2', name: 'Nhà màng 2' });
  s.devices.push({ ...s.devices[0]!, id: 'gh-02', name: 'Cảm biến 2', zone: 'nha-mang-2' });
  s.lightGroups = [{ id: 'duong-chinh', name: 'Đường chính', devices: ['light-01'] }];
  return s;
}

/** Listens to the (current) village's rule alerts. */
function listen(): void {
  offAlerts();
  offAlerts = t.village.bus.on('alert', (a) => {
    if (a.what.code === 'rule') alerts.push(a);
  });
}

beforeAll(async () => {
  t = await startTestVillage({ site: site(), options: { now: clock.now, rules: rulesOptions } });
  admin = await t.as('admin');
  listen();
});
afterEach(async () => {
  for (const r of (await admin.get('/api/rules')).body.rules as { rule: { id: string } }[]) await admin.delete(`/api/rules/${r.rule.id}`);
  alerts = [];
});
afterAll(async () => {
  offAlerts();
  for (const c of devices.values()) await c.endAsync(true);
  await t?.stop();
});

async function device(id: string, will = false): Promise<MqttClient> {
  const old = devices.get(id);
  if (old?.connected) return old;
  const c = await t.connectDevice(id, will ? { will: { topic: `village/xa-thu/${id}/avail`, payload: Buffer.from('"offline"'), qos: 1, retain: true } } : {});
  devices.set(id, c);
  return c;
}

/** A greenhouse reading over MQTT; resolves once the plane's bus has it (the engine heard it first). */
async function temp(value: number, id = 'gh-01'): Promise<void> {
  const c = await device(id);
  const seen = new Promise<void>((resolve) => {
    const off = t.village.bus.on('reading', (r) => {
      if (r.deviceId === id && r.values.airTempC === value) {
        off();
        resolve();
      }
    });
  });
  await c.publishAsync(`village/xa-thu/${id}/telemetry`, JSON.stringify({ airTempC: value, airHumidityPct: 70, soilMoisturePct: 40, lightLux: 1000 }), { qos: 1 });
  await seen;
}

const hot = (id: string, more: Record<string, unknown> = {}, when: Record<string, unknown> = {}) => ({
  name: `Nóng ${id}`,
  when: { kind: 'metric', select: { devices: ['gh-01'] }, metric: 'airTempC', op: '>', value: 38, ...when },
  then: [{ kind: 'alert', severity: 'warning', message: '{device} {value} °C' }],
  ...more,
});

async function put(id: string, body: unknown, who = admin) {
  const r = await who.put(`/api/rules/${id}`, body);
  return r;
}

const raised = () => alerts.filter((a) => a.active);

describe('rules', () => {
  test('threshold with for and clear hysteresis: an oscillating value raises one alert, ended once', async () => {
    expect((await put('nong-1', hot('nong-1', {}, { forS: 600, clear: { value: 36 } }))).status).toBe(200);
    const t0 = clock.now();
    await temp(39);
    const v = await admin.get('/api/rules/nong-1');
    expect(v.body.state.targets['gh-01']).toEqual({ phase: 'pending', since: expect.any(Number) });
    expect(v.body.nextDeadlineAt - t0).toBeGreaterThanOrEqual(600_000);
    clock.advance(10 * MIN);
    await until(() => raised().length === 1, 'the alert after the for');
    for (const x of [37.9, 38.2, 37.5, 38.4, 36.5, 39]) await temp(x);
    expect(raised()).toHaveLength(1);
    expect(raised()[0]).toMatchObject({ key: 'rule:nong-1:gh-01', severity: 'warning', device: 'gh-01', zone: 'nha-mang-1', what: { code: 'rule', rule: 'nong-1', text: 'gh-01 39 °C' } });
    await temp(35.5);
    expect(alerts.map((a) => a.active)).toEqual([true, false]);
    // The trace says why.
    const trace = (await admin.get('/api/rules/nong-1')).body.trace as { why: string; fired?: boolean }[];
    expect(trace.filter((x) => x.fired)).toHaveLength(1);
    expect(trace.at(-1)!.why).toMatch(/cleared/);
  });

  test('stale: a sensor that stops reporting raises its alert after N minutes of the clock', async () => {
    await temp(30);
    expect((await put('im-lang', hot('im-lang', {}, { op: 'stale', value: undefined, staleMin: 5 }))).status).toBe(200);
    await temp(30);
    clock.advance(4 * MIN);
    // A tick at minute 4 has nothing to say: the deadline is at minute 5.
    const at4 = (await admin.get('/api/rules/im-lang')).body;
    expect(raised()).toHaveLength(0);
    expect(at4.nextDeadlineAt).toBeGreaterThan(clock.now());
    clock.advance(MIN + 1000);
    await until(() => raised().length === 1, 'the stale alert');
    await temp(31);
    expect(alerts.map((a) => a.active)).toEqual([true, false]);
  });

  test('cooldown: a second activation inside it does not act; after it one does', async () => {
    expect((await put('cooldown', hot('cooldown', { cooldownS: 3600 }))).status).toBe(200);
    await temp(39);
    await temp(30);
    await temp(39);
    expect(raised()).toHaveLength(1);
    clock.advance(61 * MIN);
    await temp(30);
    await temp(39);
    expect(raised()).toHaveLength(2);
  });

  test('webhook: delivered to a local server, retried on 500, each attempt logged', async () => {
    const got: { n: number; body: unknown }[] = [];
    const server: Server = createServer((req, res) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => {
        got.push({ n: got.length + 1, body: JSON.parse(b) });
        res.statusCode = got.length === 1 ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sms?key=secret`;
      const body = { to: '0912345678', text: '{rule}: {device} {value}' };
      expect((await put('webhook', hot('webhook', { then: [{ kind: 'webhook', url, body }] }))).status).toBe(200);
      await temp(39.5);
      await until(() => got.length === 2, 'the retried delivery');
      expect(got.map((g) => g.body)).toEqual([
        { to: '0912345678', text: 'Nóng webhook: gh-01 39.5' },
        { to: '0912345678', text: 'Nóng webhook: gh-01 39.5' },
      ]);
      const logged = () => t.lines.filter((x) => x.msg === 'rule webhook attempt' && x.rule === 'webhook');
      await until(() => logged().length === 2, 'both attempts logged');
      const attempts = logged();
      expect(attempts.map((x) => x.status)).toEqual([500, 204]);
      // The gateway's key stays out of the log.
      expect(JSON.stringify(attempts)).not.toContain('secret');
      await until(async () => (await admin.get('/api/rules/webhook')).body.trace.some((x: { why: string }) => /delivered \(HTTP 204, attempt 2\)/.test(x.why)), 'the trace');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('escalation: unacknowledged after afterMin, the alert is raised again as critical; an acknowledged one is not', async () => {
    const body = hot('leo-thang', { escalate: { afterMin: 5, severity: 'critical', roles: ['official'] } }, { select: { devices: ['gh-01', 'gh-02'] } });
    expect((await put('leo-thang', body)).status).toBe(200);
    await temp(39, 'gh-01');
    await temp(39, 'gh-02');
    // Someone looks at gh-02's alert in the inbox: the alert lifecycle's acknowledgement stops its escalation.
    await until(() => t.village.alerts.get('rule:leo-thang:gh-02') !== undefined, 'the alert in the inbox');
    expect((await admin.post(`/api/alerts/${encodeURIComponent('rule:leo-thang:gh-02')}/ack`, { note: 'đã mở cửa thông gió' })).status).toBe(200);
    expect(raised().map((a) => [a.key, a.severity])).toEqual([
      ['rule:leo-thang:gh-01', 'warning'],
      ['rule:leo-thang:gh-02', 'warning'],
    ]);
    clock.advance(5 * MIN + 1000);
    await until(() => raised().length === 3, 'the escalation');
    expect(raised()[2]).toMatchObject({ key: 'rule:leo-thang:gh-01', severity: 'critical' });
    clock.advance(10 * MIN);
    await temp(39, 'gh-01');
    // Once per activation, and never for the acknowledged one.
    expect(raised()).toHaveLength(3);
  });

  test('modes: single drops a firing while its run is under way, queued runs each in turn', async () => {
    // A gateway that answers only when the test lets it: runs stay under way meanwhile.
    const got: string[] = [];
    const held: (() => void)[] = [];
    const server: Server = createServer((req, res) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => {
        got.push(`${req.url} ${(JSON.parse(b) as { text: string }).text}`);
        held.push(() => res.end());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const changed = (mode: string) => ({
        name: mode,
        mode,
        when: { kind: 'metric', select: { devices: ['gh-02'] }, metric: 'airTempC', op: 'changed' },
        then: [{ kind: 'webhook', url: `${base}/${mode}`, body: { text: '{value}' } }],
      });
      expect((await put('che-do-single', changed('single'))).status).toBe(200);
      expect((await put('che-do-queued', changed('queued'))).status).toBe(200);
      await temp(20, 'gh-02');
      await temp(21, 'gh-02');
      await until(() => got.length === 2, 'the first run of each');
      await temp(22, 'gh-02');
      await temp(23, 'gh-02');
      // Let every held answer go, as they come, until all runs are over.
      await until(async () => {
        for (const release of held.splice(0)) release();
        const v = (await admin.get('/api/rules/che-do-queued')).body.trace as { why: string }[];
        return v.filter((x) => /delivered/.test(x.why)).length === 3;
      }, 'the queued runs');
      expect(got.filter((x) => x.startsWith('/queued')).sort()).toEqual(['/queued 21', '/queued 22', '/queued 23']);
      expect(got.filter((x) => x.startsWith('/single'))).toEqual(['/single 21']);
      const single = (await admin.get('/api/rules/che-do-single')).body.trace as { why: string }[];
      expect(single.filter((x) => /dropped \(single\)/.test(x.why))).toHaveLength(2);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('storm-like actions through the services: a rain delay and a lighting override, as the rule', async () => {
    const then = [
      { kind: 'irrigation-rain-delay', hours: 24 },
      { kind: 'lighting-override', group: 'duong-chinh', level: 100, untilMin: 120 },
    ];
    expect((await put('gio-manh', { name: 'Gió mạnh', when: { kind: 'metric', select: { type: 'weather-station' }, metric: 'windMs', op: '>', value: 17 }, then })).status).toBe(200);
    const w = await device('weather-01');
    const seen = new Promise<void>((resolve) => {
      const off = t.village.bus.on('reading', (r) => r.deviceId === 'weather-01' && (off(), resolve()));
    });
    await w.publishAsync('village/xa-thu/weather-01/telemetry', JSON.stringify({ airTempC: 26, airHumidityPct: 95, rainMm: 40, windMs: 22 }), { qos: 1 });
    await seen;
    const ov = await until(() => t.village.lighting.overrides().find((o) => o.by === 'rule:gio-manh'), 'the override');
    expect(ov).toMatchObject({ target: { group: 'duong-chinh' }, level: 100 });
    expect(ov.until! - clock.now()).toBeGreaterThan(119 * MIN);
    const until24 = t.village.irrigation.queue().rainDelayUntil!;
    expect(until24 - clock.now()).toBeGreaterThan(23.9 * 3600_000);
    await t.village.irrigation.setRainDelay(0);
  });

  test('a farmer\'s rule waters their own zone: a run in its queue, issued by the rule; another zone is refused', async () => {
    const farmer = await t.as('nong-dan', 'farmer', ['nha-mang-1']);
    const dry = { name: 'Đất khô', when: { kind: 'metric', select: { devices: ['gh-01'] }, metric: 'airTempC', op: '>', value: 38 }, then: [{ kind: 'irrigation-run', zone: 'nha-mang-1', minutes: 5 }] };
    expect((await put('tuoi-mat', dry, farmer)).status).toBe(200);
    const other = await put('tuoi-nguoi', { ...dry, then: [{ kind: 'irrigation-run', zone: 'nha-mang-2', minutes: 5 }] }, farmer);
    expect(other).toMatchObject({ status: 403, body: { code: 'zone-out-of-scope' } });
    expect((await put('tuoi-dau', { ...dry, then: [{ kind: 'irrigation-run', zone: 'khong-co', minutes: 5 }] }, farmer)).status).toBe(400);
    await temp(39);
    const run = await until(() => {
      const q = t.village.irrigation.queue();
      return [...q.running, ...q.queued].find((r) => r.zone === 'nha-mang-1');
    }, 'the run');
    expect(run).toMatchObject({ zone: 'nha-mang-1', durationS: 300, issuer: 'rule:tuoi-mat' });
    await t.village.irrigation.cancelAll('test');
  });

  test('time: at a local HH:MM on the site clock', async () => {
    const local = new Date(clock.now() + 7 * 3600_000 + 2 * MIN);
    const at = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
    expect((await put('gio-hen', { name: 'Giờ hẹn', when: { kind: 'time', at }, then: [{ kind: 'alert', severity: 'info', message: '{rule}' }] })).status).toBe(200);
    await until(async () => (await admin.get('/api/rules/gio-hen')).body.nextDeadlineAt, 'the time armed');
    expect(raised()).toHaveLength(0);
    clock.advance(2 * MIN);
    const a = await until(() => raised()[0], 'the time alert');
    expect(a).toMatchObject({ key: 'rule:gio-hen:time', severity: 'info', what: { text: 'Giờ hẹn' } });
  });

  test('a backlog uploaded after an outage is history: only its last item is the present', async () => {
    expect((await put('nong-tre', hot('nong-tre'))).status).toBe(200);
    const c = await device('gh-01');
    const reading = (v: number, minsAgo: number) => ({ ts: clock.now() - minsAgo * MIN, airTempC: v, airHumidityPct: 70, soilMoisturePct: 40, lightLux: 1000 });
    // An hour of readings, hot 40 minutes ago, normal now: no alert for what is over.
    const last = new Promise<void>((resolve) => {
      const off = t.village.bus.on('reading', (r) => r.deviceId === 'gh-01' && !r.backlog && (off(), resolve()));
    });
    await c.publishAsync('village/xa-thu/gh-01/telemetry', JSON.stringify([reading(30, 60), reading(40, 40), reading(41, 30), reading(30, 1)]), { qos: 1 });
    await last;
    const trace = (await admin.get('/api/rules/nong-tre')).body.trace as { value?: number }[];
    expect(trace.map((x) => x.value).filter((v) => v !== undefined)).toEqual([30]);
    expect(raised()).toHaveLength(0);
    // A backlog ending hot is hot now.
    await c.publishAsync('village/xa-thu/gh-01/telemetry', JSON.stringify([reading(30, 20), reading(39, 0)]), { qos: 1 });
    await until(() => raised().length === 1, 'the alert for the present');
  });

  test('a command action goes through the command service as the rule', async () => {
    expect((await put('dong-van', hot('dong-van', { then: [{ kind: 'command', device: 'valve-01', action: 'close', params: {} }] }))).status).toBe(200);
    await temp(40);
    const cmd = await until(() => t.village.commands.recent().find((c) => c.issuer === 'rule:dong-van'), 'the command');
    expect(cmd).toMatchObject({ deviceId: 'valve-01', action: 'close' });
  });

  test('a farmer writes rules for their own zones only: another zone is refused with a code', async () => {
    const farmer = await t.as('nong-dan', 'farmer', ['nha-mang-1']);
    const mine = { ...hot('cua-toi'), when: { ...hot('').when, select: { zone: 'nha-mang-1', trait: 'soil-sensor' } } };
    const ok = await put('cua-toi', mine, farmer);
    expect(ok.status).toBe(200);
    expect(ok.body.rule.owner).toBe('nong-dan');

    const other = await put('cua-nguoi', { ...mine, when: { ...mine.when, select: { zone: 'nha-mang-2' } } }, farmer);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('zone-out-of-scope');
    // Watching one's own zone but commanding a device elsewhere.
    const reach = await put('voi-xa', { ...mine, then: [{ kind: 'command', device: 'light-01', action: 'set', params: { level: 100 } }] }, farmer);
    expect(reach.status).toBe(403);
    expect(reach.body.code).toBe('zone-out-of-scope');
    // Commune-wide switches are not a farmer's.
    const delay = await put('hoan-tuoi', { ...mine, then: [{ kind: 'irrigation-rain-delay', hours: 24 }] }, farmer);
    expect(delay).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    // The plane posting anywhere on its LAN (its own InfluxDB included) is an admin's call.
    const hook = await put('goi-web', { ...mine, then: [{ kind: 'webhook', url: 'http://127.0.0.1:8086/query?q=DROP%20DATABASE%20village' }] }, farmer);
    expect(hook).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const operator = await t.as('operator');
    expect((await put('goi-web', { ...mine, then: [{ kind: 'webhook', url: 'http://127.0.0.1:9/' }] }, operator)).status).toBe(403);
    // An event rule without a selection watches every device: outside the farmer's zones.
    const all = await put('mat-ket-noi', { name: 'x', when: { kind: 'event', event: 'device-offline' }, then: mine.then }, farmer);
    expect(all.status).toBe(403);
    // Refusals are logged with their reason.
    expect(t.lines.some((l) => l.refused === 'zone-out-of-scope' && l.actor === 'nong-dan')).toBe(true);

    // A farmer sees only their own rules, and cannot touch an admin's.
    expect((await put('cua-admin', hot('cua-admin'))).status).toBe(200);
    expect(((await farmer.get('/api/rules')).body.rules as { rule: { id: string } }[]).map((r) => r.rule.id)).toEqual(['cua-toi']);
    expect((await farmer.delete('/api/rules/cua-admin')).status).toBe(404);
    expect((await farmer.post('/api/rules/cua-admin/disable')).status).toBe(404);
    // Viewers read; they change nothing.
    const viewer = await t.as('viewer');
    expect((await viewer.get('/api/rules/cua-admin')).status).toBe(200);
    expect((await viewer.put('/api/rules/cua-viewer', hot('cua-viewer'))).status).toBe(403);
  });

  test('invalid rules are refused with their issues', async () => {
    const r = await put('sai', hot('sai', {}, { metric: 'flowLpm' }));
    expect(r.status).toBe(400);
    expect(r.body.issues).toEqual([{ path: 'when.metric', message: 'greenhouse-sensor has no metric flowLpm' }]);
    const b = await put('sai', hot('sai', {}, { op: 'between', value: undefined, min: 40, max: 30 }));
    expect(b.status).toBe(400);
    expect(b.body.issues[0].path).toBe('when.min');
  });

  test('disable and enable: a disabled rule does not fire', async () => {
    await put('tat', hot('tat'));
    expect((await admin.post('/api/rules/tat/disable')).body.rule.enabled).toBe(false);
    await temp(39);
    await temp(30);
    expect(raised()).toHaveLength(0);
    await admin.post('/api/rules/tat/enable');
    await temp(39);
    expect(raised()).toHaveLength(1);
    // Deleting a rule ends the alert it holds open.
    expect((await admin.delete('/api/rules/tat')).status).toBe(204);
    expect(alerts.map((a) => a.active)).toEqual([true, false]);
    expect(t.village.alerts.active().some((a) => a.key.startsWith('rule:tat:'))).toBe(false);
  });

  test('restart in the middle of a for: killed at minute 4 of 10, the rule fires at minute 10', async () => {
    expect((await put('khoi-dong', hot('khoi-dong', {}, { forS: 600 }))).status).toBe(200);
    await temp(30);
    const before = clock.now();
    await temp(39);
    // The pending's start as the engine took it (the reading's arrival on the clock).
    const t0 = (await admin.get('/api/rules/khoi-dong')).body.state.targets['gh-01'].since as number;
    expect(t0 - before).toBeGreaterThanOrEqual(0);
    expect(t0 - before).toBeLessThan(1000);
    clock.advance(4 * MIN);
    await temp(39);
    await t.restart(async () => {
      for (const c of devices.values()) await c.endAsync(true);
      devices.clear();
      // Two minutes of the clock pass while the plane is down.
      clock.advance(2 * MIN);
    });
    listen();
    admin = await t.as('admin');
    await temp(39);
    const v = (await admin.get('/api/rules/khoi-dong')).body;
    expect(v.state.targets['gh-01'].since).toBe(t0);
    expect(v.nextDeadlineAt).toBe(t0 + 10 * MIN);
    clock.advance(3 * MIN + 50_000); // minute 9:50
    await temp(39);
    expect(raised()).toHaveLength(0);
    clock.advance(10_000); // minute 10
    const a = await until(() => raised()[0], 'the alert at minute 10');
    // At minute 10 by the clock, not at 10 minutes after the restart (minute 16), not never.
    expect(a.at.getTime() - t0).toBeGreaterThanOrEqual(10 * MIN);
    expect(a.at.getTime() - t0).toBeLessThan(10 * MIN + 5000);
  });

  test('the grace period: devices reconnecting after a restart raise no offline alerts; after it, one does', async () => {
    expect((await put('mat-ket-noi', { name: 'Mất kết nối', when: { kind: 'event', event: 'device-offline' }, then: [{ kind: 'alert', severity: 'warning', message: '{device} offline' }] })).status).toBe(200);
    const ids = ['gh-01', 'gh-02', 'valve-01', 'light-01', 'speaker-01'];
    rulesOptions.graceS = 30;
    await t.restart(async () => {
      for (const c of devices.values()) await c.endAsync(true);
      devices.clear();
    });
    listen();
    admin = await t.as('admin');
    // Every device comes back, and each drops once more (its last will) before it settles.
    for (const id of ids) {
      const c = await device(id, true);
      await c.publishAsync(`village/xa-thu/${id}/avail`, '"online"', { qos: 1, retain: true });
      c.stream.destroy();
      devices.delete(id);
      await until(() => t.village.live.snapshot(id)?.availability === 'offline', `${id} offline by its will`);
      const again = await device(id, true);
      await again.publishAsync(`village/xa-thu/${id}/avail`, '"online"', { qos: 1, retain: true });
      await until(() => t.village.live.snapshot(id)?.availability === 'online', `${id} online`);
    }
    expect(raised()).toHaveLength(0);
    const trace = (await admin.get('/api/rules/mat-ket-noi')).body.trace as { why: string }[];
    expect(trace.filter((x) => /grace/.test(x.why))).toHaveLength(ids.length);
    // After the grace, a device going offline is an alert.
    clock.advance(31_000);
    devices.get('light-01')!.stream.destroy();
    devices.delete('light-01');
    await until(() => raised().length === 1, 'the offline alert after the grace');
    expect(raised()[0]!.device).toBe('light-01');
    rulesOptions.graceS = 0;
  });
});
