// With TLS_CERT and TLS_KEY: the API and pages over HTTPS with Secure cookies, and MQTT over
// TLS for Debian's mosquitto_pub as a third-party device; plain MQTT keeps working on its port.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freePort } from '../../controller/storage/influxd.js';
import { passwordOf } from '../helpers/api.js';
import { run } from '../helpers/proc.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
let cert: Buffer;
let mqttsPort: number;

beforeAll(async () => {
  // A throwaway certificate for 127.0.0.1, as the README shows for a LAN address.
  const dir = await mkdtemp(join(tmpdir(), 'village-tls-'));
  const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
  expect(made.code, made.stderr).toBe(0);
  cert = await readFile(join(dir, 'cert.pem'));
  const key = await readFile(join(dir, 'key.pem'));
  await rm(dir, { recursive: true, force: true });
  mqttsPort = await freePort();
  t = await startTestVillage({ options: { tls: { cert, key, mqttsPort } } });
});
afterAll(async () => t?.stop());

/** An HTTPS request trusting only the test certificate. */
function https(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, t.village.url), { method: init.method ?? 'GET', ca: cert, headers: init.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

test('the API is served over HTTPS, with Secure session cookies and HSTS', async () => {
  expect(t.village.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
  const res = await https('/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: passwordOf(t.village, 'admin') }) });
  expect(res.status).toBe(200);
  const cookie = ([res.headers['set-cookie']].flat() as string[]).find((c) => c.startsWith('village.sid='))!;
  expect(cookie).toMatch(/;\s*Secure/i);
  expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  const page = await https('/app/'); // the devices page (`/` redirects there)
  expect(page.status).toBe(200);
  expect(String(page.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
});

test('a device publishes over MQTT with TLS (mosquitto_pub), and the plane stores its reading', async () => {
  const ca = join(t.dir, 'ca.pem');
  await writeFile(ca, cert);
  const r = await run('mosquitto_pub', [
    '-h', '127.0.0.1', '-p', String(mqttsPort), '--cafile', ca,
    '-i', 'gh-01', '-u', 'gh-01', '-P', t.secrets['gh-01']!, '-V', 'mqttv311', '-q', '1',
    '-t', 'village/xa-thu/gh-01/telemetry', '-m', JSON.stringify({ airTempC: 29.5, airHumidityPct: 70, soilMoisturePct: 33, lightLux: 9000 }),
  ]);
  expect(r.code, r.stderr).toBe(0);
  await until(() => t.village.live.snapshot('gh-01')?.telemetry?.airTempC === 29.5, 'the reading over TLS');
  // A client that does not trust the certificate is refused at the handshake.
  const refused = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(mqttsPort), '--capath', '/nonexistent', '-i', 'gh-01', '-u', 'gh-01', '-P', t.secrets['gh-01']!, '-t', 'village/xa-thu/gh-01/telemetry', '-m', '{}']);
  expect(refused.code).not.toBe(0);
});

test('plain MQTT still works on its own port', async () => {
  const c = await t.connectDevice('gh-01');
  expect(c.connected).toBe(true);
  await c.endAsync();
  // And the TLS port speaks only TLS.
  const plain = mqtt.connect(`mqtt://127.0.0.1:${mqttsPort}`, { clientId: 'gh-01', username: 'gh-01', password: t.secrets['gh-01'], reconnectPeriod: 0, connectTimeout: 3000 });
  const outcome = await new Promise<string>((resolve) => {
    plain.once('connect', () => resolve('connected'));
    plain.once('error', () => resolve('refused'));
    plain.once('close', () => resolve('refused'));
  });
  plain.end(true);
  expect(outcome).toBe('refused');
});
