// Devices added, changed and removed through the API: validated whole, persisted atomically to the
// site file, provisioned with a secret shown once, and locked out when removed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
beforeAll(async () => {
  t = await startTestVillage();
});
afterAll(async () => {
  await t?.stop();
});

// Device administration is the admin's work: a signed-in admin session with its CSRF token.
const call = async (method: string, path: string, body?: unknown) =>
  (await t.as('admin')).fetch(path, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
const siteFile = () => readFile(join(t.dir, 'site.json'), 'utf8').then((s) => JSON.parse(s) as { devices: { id: string; name: string; config?: object }[] });

describe('device administration', () => {
  it('adds a valve, persists it, and lets it connect with the secret it was given once', async () => {
    const res = await call('POST', '/api/devices', { id: 'valve-09', type: 'irrigation-valve', name: 'Van 9', hamlet: 'thon-a', zone: 'nha-mang-1', attributes: { kind: 'sprinkler' }, config: { maxRunS: 900 } });
    expect(res.status).toBe(201);
    const { secret, device } = (await res.json()) as { secret: string; device: { config: { maxRunS: number } } };
    expect(device.config.maxRunS).toBe(900);
    expect((await siteFile()).devices.map((d) => d.id)).toContain('valve-09');
    expect(await readFile(join(t.dir, 'data', 'credentials.json'), 'utf8')).not.toContain(secret);
    const c = mqtt.connect(t.mqttUrl, { clientId: 'valve-09', username: 'valve-09', password: secret, reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
    // its retained config is waiting for it
    const cfg = await new Promise<{ maxRunS: number }>((resolve) => {
      c.on('message', (_t, p) => resolve(JSON.parse(p.toString()) as { maxRunS: number }));
      void c.subscribeAsync('village/xa-thu/valve-09/config', { qos: 1 });
    });
    expect(cfg).toEqual({ maxRunS: 900, closeOnOffline: true });
    c.end(true);
  });

  it('refuses an invalid device with path: message issues and writes nothing', async () => {
    const before = await readFile(join(t.dir, 'site.json'), 'utf8');
    const res = await call('POST', '/api/devices', { id: 'valve-10', type: 'irrigation-valve', name: 'Van 10', hamlet: 'thon-a', attributes: { kind: 'flood' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { path: string; message: string }[] };
    // the bad device would be appended after the six already there
    expect(body.issues.map((i) => i.path).sort()).toEqual(['devices.6.attributes.kind', 'devices.6.zone']);
    expect(await readFile(join(t.dir, 'site.json'), 'utf8')).toBe(before);
    expect((await call('POST', '/api/devices', { id: 'gh-01', type: 'greenhouse-sensor', name: 'x', hamlet: 'thon-a' })).status).toBe(409);
    expect((await call('POST', '/api/devices', { id: 'Bad Id', type: 'greenhouse-sensor', name: 'x', hamlet: 'thon-a' })).status).toBe(400);
  });

  it('renames a device and changes its limits, pushing the new config', async () => {
    const res = await call('PATCH', '/api/devices/valve-01', { name: 'Van nhỏ giọt 1', config: { maxRunS: 300 } });
    expect(res.status).toBe(200);
    expect((await siteFile()).devices.find((d) => d.id === 'valve-01')).toMatchObject({ name: 'Van nhỏ giọt 1', config: { maxRunS: 300 } });
    const refused = await call('POST', '/api/devices/valve-01/commands', { action: 'open', params: { durationS: 301 } });
    expect(refused.status).toBe(409);
    const bad = await call('PATCH', '/api/devices/valve-01', { config: { maxRunS: -1 } });
    expect(bad.status).toBe(400);
  });

  it('removes a device and locks it out', async () => {
    const c = await t.connectDevice('weather-01');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    expect((await call('DELETE', '/api/devices/weather-01')).status).toBe(204);
    await closed;
    expect((await siteFile()).devices.map((d) => d.id)).not.toContain('weather-01');
    const again = await new Promise<string>((resolve) => {
      const x = mqtt.connect(t.mqttUrl, { clientId: 'weather-01', username: 'weather-01', password: t.secrets['weather-01']!, reconnectPeriod: 0 });
      x.once('connect', () => resolve('connected'));
      x.once('error', (e) => resolve(e.message));
    });
    expect(again).toMatch(/Bad username or password|Not authorized/i);
    await until(async () => (await call('GET', '/api/devices/weather-01')).status === 404, '404');
  });
});
