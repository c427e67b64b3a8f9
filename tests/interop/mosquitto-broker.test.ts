// The simulated firmware speaks only the wire contract, so it works against another broker too:
// Debian's mosquitto, on loopback, with per-device passwords and an ACL written in mosquitto's own
// terms, and mosquitto_sub/mosquitto_pub acting as the plane.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../controller/storage/influxd.js';
import { SimFleet } from '../../firmware-sim/fleet-runner.js';
import { run, start } from '../helpers/proc.js';
import { testSite } from '../helpers/site.js';
import { until } from '../helpers/village.js';

let dir: string;
let port: number;
let broker: ReturnType<typeof start>;
let fleet: SimFleet;
const secret = 'valve-secret-1';
const planePw = 'plane-secret-1';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mosquitto-'));
  // Started as root, mosquitto drops to its own user, which must be able to read its files.
  await chmod(dir, 0o755);
  port = await freePort();
  await writeFile(join(dir, 'passwd'), '');
  await run('mosquitto_passwd', ['-b', join(dir, 'passwd'), 'valve-01', secret]);
  await run('mosquitto_passwd', ['-b', join(dir, 'passwd'), 'plane', planePw]);
  // mosquitto's pattern ACL: %u is the username, which the contract makes equal to the device id.
  await writeFile(
    join(dir, 'acl'),
    ['pattern write village/xa-thu/%u/telemetry', 'pattern write village/xa-thu/%u/state', 'pattern write village/xa-thu/%u/avail', 'pattern write village/xa-thu/%u/ack', 'pattern read village/xa-thu/%u/cmd', 'pattern read village/xa-thu/%u/config', 'user plane', 'topic readwrite village/#', ''].join('\n'),
  );
  await writeFile(
    join(dir, 'mosquitto.conf'),
    [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${join(dir, 'passwd')}`, `acl_file ${join(dir, 'acl')}`, 'persistence false', ''].join('\n'),
  );
  for (const f of ['passwd', 'acl', 'mosquitto.conf']) await chmod(join(dir, f), 0o644);
  broker = start('mosquitto', ['-c', join(dir, 'mosquitto.conf')]);
  await until(async () => (await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'plane', '-P', planePw, '-t', 'village/xa-thu/probe/x', '-m', 'x'])).code === 0, 'mosquitto up');
  const site = testSite();
  site.devices = site.devices.filter((d) => d.id === 'valve-01');
  fleet = new SimFleet({ site, secrets: { 'valve-01': secret }, brokerUrl: `mqtt://127.0.0.1:${port}`, seed: 2, speed: 1, stepEveryMs: 200 });
  fleet.start();
});
afterAll(async () => {
  await fleet?.stop();
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

const sub = (args: string[]) => run('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'plane', '-P', planePw, '-V', 'mqttv311', ...args]);

describe('simulated firmware on Debian mosquitto', () => {
  it('announces itself online and its state, retained', async () => {
    await until(() => fleet.device('valve-01')!.connected, 'connected');
    const avail = await sub(['-t', 'village/xa-thu/valve-01/avail', '-C', '1', '-W', '5']);
    expect(JSON.parse(avail.stdout)).toBe('online');
    const state = await sub(['-t', 'village/xa-thu/valve-01/state', '-C', '1', '-W', '5']);
    expect(JSON.parse(state.stdout)).toMatchObject({ open: false, remainingS: 0 });
  });

  it('applies an open sent with mosquitto_pub and acks it', async () => {
    const ack = start('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-u', 'plane', '-P', planePw, '-d', '-C', '1', '-t', 'village/xa-thu/valve-01/ack']);
    try {
      await until(() => ack.lines.some((l) => /received SUBACK/.test(l)), 'SUBACK');
      const now = Date.now();
      const cmd = { id: 'mq-1', action: 'open', params: { durationS: 30 }, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString() };
      const pub = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'plane', '-P', planePw, '-q', '1', '-t', 'village/xa-thu/valve-01/cmd', '-m', JSON.stringify(cmd)]);
      expect(pub.code).toBe(0);
      await ack.exited;
      expect(JSON.parse(ack.lines.find((l) => l.startsWith('{'))!)).toEqual({ id: 'mq-1', status: 'applied' });
      expect(fleet.device('valve-01')!.reported()).toMatchObject({ open: true });
    } finally {
      await ack.stop();
    }
  });
});
