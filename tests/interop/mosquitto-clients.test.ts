// Debian's mosquitto_pub / mosquitto_sub act as third-party firmware against the embedded broker.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { run, start } from '../helpers/proc.js';
import { startTestVillage, until, type TestVillage } from '../helpers/village.js';

let t: TestVillage;
beforeAll(async () => {
  t = await startTestVillage();
});
afterAll(async () => {
  await t?.stop();
});

const auth = (id: string, secret = t.secrets[id]!) => ['-h', '127.0.0.1', '-p', String(t.village.broker.port), '-V', 'mqttv311', '-i', id, '-u', id, '-P', secret];

describe('mosquitto clients as a third-party device', () => {
  it('publishes telemetry that is stored in InfluxDB', async () => {
    const r = await run('mosquitto_pub', [...auth('gh-01'), '-q', '1', '-t', 'village/xa-thu/gh-01/telemetry', '-m', JSON.stringify({ airTempC: 27.25, airHumidityPct: 75, soilMoisturePct: 31, lightLux: 12000 })]);
    expect(r.code).toBe(0);
    const rows = await until(async () => {
      await t.village.storage.flush();
      const x = await t.village.storage.recent('greenhouse', 'gh-01', 5);
      return x.length ? x : undefined;
    }, 'stored');
    expect(rows[0]!.airTempC).toBe(27.25);
  });

  it('receives a command on its cmd topic and settles it with an ack', async () => {
    // -d prints the protocol exchange (line-buffered by stdbuf), so the test knows when the SUBACK is in.
    const sub = start('stdbuf', ['-oL', 'mosquitto_sub', ...auth('valve-01'), '-d', '-q', '1', '-C', '1', '-t', 'village/xa-thu/valve-01/cmd']);
    onTestFinished(async () => {
      await sub.stop();
    });
    await until(() => sub.lines.some((l) => /received SUBACK/.test(l)), 'SUBACK');
    const res = await (await t.as('operator')).fetch('/api/devices/valve-01/commands', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'open', params: { durationS: 30 } }),
    });
    const { command } = (await res.json()) as { command: { id: string } };
    await sub.exited;
    const cmd = JSON.parse(sub.lines.find((l) => l.startsWith('{'))!) as { id: string; action: string; params: { durationS: number }; expiresAt: string };
    expect(cmd).toMatchObject({ id: command.id, action: 'open', params: { durationS: 30 } });
    expect(Date.parse(cmd.expiresAt)).toBeGreaterThan(Date.now());
    const ack = await run('mosquitto_pub', [...auth('valve-01'), '-q', '1', '-t', 'village/xa-thu/valve-01/ack', '-m', JSON.stringify({ id: cmd.id, status: 'applied' })]);
    expect(ack.code).toBe(0);
    const settled = await until(() => (t.village.commands.get(command.id)?.status !== 'pending' ? t.village.commands.get(command.id) : undefined), 'settled');
    expect(settled.status).toBe('applied');
  });

  it('is refused with a wrong secret, and when it reads another device', async () => {
    const bad = await run('mosquitto_pub', [...auth('gh-01', 'wrong'), '-t', 'village/xa-thu/gh-01/telemetry', '-m', '{}']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/not authori[sz]ed|refused|bad user/i);
    const snoop = await run('mosquitto_sub', [...auth('gh-01'), '-t', 'village/xa-thu/valve-01/cmd', '-W', '2']);
    expect(snoop.stdout).toBe('');
    expect(t.lines.some((l) => l.msg === 'subscribe refused' && l.filter === 'village/xa-thu/valve-01/cmd')).toBe(true);
  });

  it('speaks MQTT over WebSocket on /mqtt of the HTTP port', async () => {
    const c = mqtt.connect(`ws://127.0.0.1:${t.village.httpPort}/mqtt`, { clientId: 'weather-01', username: 'weather-01', password: t.secrets['weather-01'], reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
    await c.publishAsync('village/xa-thu/weather-01/avail', '"online"', { qos: 1, retain: true });
    await until(() => t.village.live.snapshot('weather-01')?.availability === 'online', 'online over ws');
    await c.endAsync();
  });
});

describe('conformance mode', () => {
  it('refuses to bind anything but 127.0.0.1', async () => {
    const r = await run('npx', ['tsx', 'broker/conformance.ts', '--port', '0', '--host', '0.0.0.0']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/127\.0\.0\.1 only/);
  });

  it('runs an open broker on loopback that any client may use, and stops on SIGTERM', async () => {
    const b = start('node', ['--import', 'tsx', 'broker/conformance.ts', '--port', '0']);
    onTestFinished(async () => {
      await b.stop();
    });
    const ready = await until(() => b.lines.map((l) => JSON.parse(l) as { msg: string; port?: number }).find((l) => l.msg.startsWith('conformance broker ready')), 'ready', 30_000);
    const sub = start('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', String(ready.port), '-d', '-C', '1', '-t', 'any/topic/#']);
    onTestFinished(async () => {
      await sub.stop();
    });
    await until(() => sub.lines.some((l) => /received SUBACK/.test(l)), 'SUBACK');
    const pub = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(ready.port), '-t', 'any/topic/x', '-m', 'hello']);
    expect(pub.code).toBe(0);
    expect(await sub.exited).toBe(0);
    expect(sub.lines).toContain('hello');
    expect(await b.stop()).toBe(0);
  });
});
