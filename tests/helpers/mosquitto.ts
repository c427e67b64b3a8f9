// Debian's mosquitto with the dynamic-security plugin, on a free loopback port in a temp dir, its
// admin password generated per run. The limits are the ones README "Running at scale" asks for.
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { generatePassword } from '../../controller/auth/passwords.js';
import { freePort } from '../../controller/storage/influxd.js';
import { run, start } from './proc.js';
import { until } from './village.js';

export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

export interface Mosquitto {
  url: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  /** mosquitto's log lines so far. */
  log(): string;
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export async function startMosquittoDynsec(): Promise<Mosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'mosquitto-dynsec-'));
  const port = await freePort();
  const adminUser = 'village-admin';
  const adminPassword = generatePassword();
  const dynsec = join(dir, 'dynamic-security.json');
  const init = await run('mosquitto_ctrl', ['dynsec', 'init', dynsec, adminUser, adminPassword]);
  if (init.code !== 0) throw new Error(`mosquitto_ctrl dynsec init: ${init.stderr}`);
  await writeFile(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `plugin ${DYNSEC_PLUGIN}`,
      `plugin_opt_config_file ${dynsec}`,
      // The embedded broker's 64 KiB packet limit: a larger packet drops the connection.
      'max_packet_size 65536',
      'persistence false',
      `log_dest file ${join(dir, 'mosquitto.log')}`,
      'log_type all',
      '',
    ].join('\n'),
  );
  // Started as root, mosquitto runs as its own user, which must own the files the plugin rewrites.
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'mosquitto']).toString());
    const gid = Number(execFileSync('id', ['-g', 'mosquitto']).toString());
    for (const f of [dir, dynsec, join(dir, 'mosquitto.conf')]) await chown(f, uid, gid);
  }
  await chmod(dynsec, 0o600);
  let proc = start('mosquitto', ['-c', join(dir, 'mosquitto.conf')]);
  const listening = () =>
    new Promise<boolean>((resolve) => {
      const s = createConnection(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
  const up = async () => {
    await until(async () => proc.child.exitCode !== null || (await listening()), 'mosquitto up');
    if (proc.child.exitCode !== null) throw new Error(`mosquitto exited: ${proc.stderr}`);
  };
  await up();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    adminUser,
    adminPassword,
    log: () => {
      try {
        return readFileSync(join(dir, 'mosquitto.log'), 'utf8');
      } catch {
        return '';
      }
    },
    /** Stops it and starts it again on the same port and files (its sessions, in memory, are gone). */
    async restart(whileDown?: () => Promise<void>) {
      await proc.stop();
      await whileDown?.();
      proc = start('mosquitto', ['-c', join(dir, 'mosquitto.conf')]);
      await up();
    },
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
