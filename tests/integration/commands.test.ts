// The whole path on real parts: simulated devices over MQTT to the embedded broker, ingest into a
// real InfluxDB, commands from the HTTP API to the device and its ack back, the SSE stream, restart.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { testSite } from '../helpers/site.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
let fleet: SimFleet;
// An operator, signed in: commands are an operator's daily work.
const api = async (path: string, init?: RequestInit) => (await t.as('operator')).fetch(path, init);
const post = (id: string, body: unknown, query = '') =>
  api(`/api/devices/${id}/commands${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function startFleet() {
  fleet = new SimFleet({ site: testSite(), secrets: t.secrets, brokerUrl: t.mqttUrl, seed: 1, speed: 30, reconnectPeriodMs: 200, stepEveryMs: 200 });
  fleet.start();
}

beforeAll(async () => {
  t = await startTestVillage({ options: { commands: { ackTimeoutMs: 500, maxAttempts: 3 } } });
  startFleet();
  await until(() => t.village.live.all().every((d) => d.availability === 'online'), 'all devices online');
});
afterAll(async () => {
  await fleet?.stop();
  await t?.stop();
});

describe('telemetry', () => {
  it('stores what the simulated devices send and shows it live', async () => {
    await until(() => t.village.live.all().every((d) => d.telemetry), 'a reading from every device');
    await t.village.storage.flush();
    for (const [m, id] of [['greenhouse', 'gh-01'], ['weather', 'weather-01'], ['valve', 'valve-01'], ['light', 'light-01'], ['speaker', 'speaker-01']] as const) {
      const rows = await until(async () => {
        await t.village.storage.flush();
        const r = await t.village.storage.recent(m, id, 10);
        return r.length > 0 ? r : undefined;
      }, `${id} in influx`);
      expect(rows[0]!.device).toBe(id);
      expect(rows[0]!.hamlet).toBe(testSite().devices.find((d) => d.id === id)!.hamlet);
    }
    const res = await api('/api/devices/gh-01/telemetry?minutes=5');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { points: Record<string, unknown>[] };
    expect(body.points[0]).toHaveProperty('soilMoisturePct');
  });
});

describe('commands', () => {
  it('opens a valve: pending, then applied on the ack; the valve reports open, then closes itself at durationS', async () => {
    // 90 s of valve time is 3 s of real time at the fleet's 30x.
    const res = await post('valve-01', { action: 'open', params: { durationS: 90 } }, '?wait=true');
    expect(res.status).toBe(200);
    const { command } = (await res.json()) as { command: { status: string; attempts: number; id: string } };
    expect(command.status).toBe('applied');
    await until(() => t.village.live.snapshot('valve-01')?.state?.open === true, 'valve reports open');
    await until(() => t.village.live.snapshot('valve-01')?.state?.open === false, 'valve closes itself', 10_000);
    await t.village.storage.flush();
    const audit = await until(async () => {
      const r = await t.village.storage.influx.query<{ status: string; issuer: string }>(
        `SELECT * FROM "village_2y"."command_audit" WHERE "id" = '${command.id}'`,
      );
      return r.length === 2 ? r : undefined;
    }, 'two audit points');
    expect(audit.map((a) => a.status).sort()).toEqual(['applied', 'pending']);
    expect(audit.map((a) => a.issuer)).toEqual(['user:operator', 'user:operator']);
  });

  it('refuses bad input with 400 and the zod messages, and unknown devices with 404', async () => {
    const noDuration = await post('valve-01', { action: 'open', params: {} });
    expect(noDuration.status).toBe(400);
    const body = (await noDuration.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues[0]!.path).toBe('params.durationS');
    expect((await post('valve-01', { action: 'fly', params: {} })).status).toBe(400);
    expect((await post('valve-01', { params: {} })).status).toBe(400);
    expect((await post('no-such-device', { action: 'close', params: {} })).status).toBe(404);
    expect((await post('BAD ID', { action: 'close', params: {} })).status).toBe(400);
  });

  it('refuses an open above maxRunS in the API (409, recorded) and again in the device itself', async () => {
    const res = await post('valve-01', { action: 'open', params: { durationS: 601 } });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { command: { status: string; reason: string } };
    expect(body.command.status).toBe('rejected');
    expect(body.command.reason).toMatch(/maxRunS 600/);
    // Past the plane's check: a second plane identity sends the command straight to the device.
    const secret = await t.village.credentials.issue('test-plane', 'plane');
    const plane = mqtt.connect(t.mqttUrl, { clientId: 'test-plane', username: 'test-plane', password: secret, reconnectPeriod: 0 });
    await new Promise<void>((r) => plane.once('connect', () => r()));
    await plane.subscribeAsync('village/xa-thu/valve-01/ack', { qos: 1 });
    const acked = new Promise<{ id: string; status: string; reason?: string }>((resolve) =>
      plane.on('message', (_t, p) => {
        const a = JSON.parse(p.toString()) as { id: string; status: string; reason?: string };
        if (a.id === 'direct-1') resolve(a);
      }),
    );
    const now = Date.now();
    await plane.publishAsync(
      'village/xa-thu/valve-01/cmd',
      JSON.stringify({ id: 'direct-1', action: 'open', params: { durationS: 601 }, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString() }),
      { qos: 1 },
    );
    const ack = await acked;
    expect(ack.status).toBe('rejected');
    expect(ack.reason).toMatch(/maxRunS/);
    expect(t.village.live.snapshot('valve-01')?.state?.open).toBe(false);
    plane.end(true);
    await t.village.credentials.revoke('test-plane');
  });

  it('treats a repeated command id as the same command', async () => {
    const issued: string[] = [];
    const off = t.village.bus.on('command', (c) => c.status === 'pending' && issued.push(c.id));
    const body = { id: 'same-id-1', action: 'set', params: { level: 40 } };
    const a = (await (await post('light-01', body, '?wait=true')).json()) as { command: { id: string; status: string; settledAt: string } };
    const b = (await (await post('light-01', body, '?wait=true')).json()) as { command: { id: string; status: string; settledAt: string } };
    expect(a.command.status).toBe('applied');
    expect(b.command).toEqual(a.command);
    off();
    // Issued once: one pending command event for the id, however often it was asked for.
    expect(issued.filter((id) => id === 'same-id-1')).toHaveLength(1);
    const conflict = await post('light-01', { ...body, action: 'resume', params: {} });
    expect(conflict.status).toBe(409);
    await until(() => t.village.live.snapshot('light-01')?.state?.level === 40, 'light reports level 40');
  });

  it('ends a command to an unreachable device as expired at its expiry, or timeout after its retries', async () => {
    await fleet.device('speaker-01')!.stop();
    const exp = await post('speaker-01', { action: 'setVolume', params: { volumePct: 10 }, ttlS: 1 }, '?wait=true');
    expect(((await exp.json()) as { command: { status: string } }).command.status).toBe('expired');
    const to = await post('speaker-01', { action: 'setVolume', params: { volumePct: 10 }, ttlS: 60 }, '?wait=true');
    const c = ((await to.json()) as { command: { status: string; attempts: number } }).command;
    expect(c.status).toBe('timeout');
    expect(c.attempts).toBe(3);
    fleet.device('speaker-01')!.start();
    await until(() => t.village.live.snapshot('speaker-01')?.availability === 'online', 'speaker back');
  });

  it('streams device and command changes over SSE', async () => {
    const ac = new AbortController();
    const res = await api('/api/events', { signal: ac.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const seen = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += Buffer.from(value).toString('utf8');
        if (/event: command\ndata: \{[^\n]*"status":"applied"/.test(text)) return;
      }
    })();
    await post('light-01', { action: 'set', params: { level: 70 } });
    await seen;
    ac.abort();
    if (!/"status":"pending"/.test(text)) console.log(text.slice(0, 3000));
    expect(text).toMatch(/event: command\ndata: \{[^\n]*"status":"pending"/);
    expect(text).toMatch(/event: command\ndata: \{[^\n]*"status":"applied"/);
  });
});

describe('restart', () => {
  it('shows the last known state after a restart, and takes fresh state as devices reconnect', async () => {
    await until(() => t.village.live.snapshot('light-01')?.state?.level === 70, 'light at 70');
    await fleet.stop();
    await t.restart();
    // No device is connected now: what the village shows is its own snapshot, with the wills it saw.
    const light = t.village.live.snapshot('light-01')!;
    expect(light.state?.level).toBe(70);
    expect(light.availability).toBe('offline');
    startFleet();
    await until(() => t.village.live.all().every((d) => d.availability === 'online'), 'all back online');
    // These simulated devices were rebooted too, so the light is back on its program: the plane
    // shows what the device now reports, not the override it remembers.
    await until(() => t.village.live.snapshot('light-01')?.stateAt !== light.stateAt, 'fresh state');
    expect(t.village.live.snapshot('light-01')!.state).toMatchObject({ mode: 'program' });
  });
});
