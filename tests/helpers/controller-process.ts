// Runs the real controller entry point (controller/main.ts) as a child process, with a site file,
// pre-provisioned device secrets, an admin already in its user store (as after setup) and an
// InfluxDB it is pointed at.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '../../broker/credentials.js';
import { generatePassword, hashPassword } from '../../controller/auth/passwords.js';
import { AuthStore } from '../../controller/auth/store.js';
import type { SiteInput } from '../../controller/config/site.js';
import { freePort } from '../../controller/storage/influxd.js';
import { clientFor, signIn, type ApiClient } from './api.js';
import { start } from './proc.js';
import { until } from './village.js';

/** Puts an admin with a fresh password into the user store the controller will open. */
export async function seedAdmin(dataDir: string): Promise<{ login: string; password: string }> {
  const login = 'admin';
  const password = generatePassword();
  const store = new AuthStore({ file: join(dataDir, 'auth.sqlite') });
  store.open();
  try {
    const now = Date.now();
    store.insertUser({ login, name: 'admin', role: 'admin', zones: [], state: 'active', passwordHash: await hashPassword(password), mustChange: false, createdAt: now, updatedAt: now });
  } finally {
    store.close();
  }
  return { login, password };
}

export async function startControllerProcess(site: SiteInput, influxUrl: string, env: NodeJS.ProcessEnv = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'village-proc-'));
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dir, 'site.json'), JSON.stringify(site));
  const creds = new CredentialStore({ file: join(dataDir, 'credentials.json') });
  await creds.load();
  const secrets: Record<string, string> = {};
  // At once: the store coalesces the file writes of concurrent issues.
  await Promise.all(site.devices.map(async (d) => (secrets[d.id] = await creds.issue(d.id, 'device'))));
  const admin = await seedAdmin(dataDir);
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const childEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    MQTT_PORT: String(mqttPort),
    DATA_DIR: dataDir,
    SITE_FILE: join(dir, 'site.json'),
    INFLUX_URL: influxUrl,
    LOG_LEVEL: 'info',
    ...env,
  };
  const healthy = () =>
    fetch(`http://127.0.0.1:${httpPort}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
  // Starts the controller and waits until its API answers.
  const launch = async () => {
    // CONTROLLER_NODE_ARGS adds Node flags, e.g. `--cpu-prof --cpu-prof-dir=prof` (not allowed in NODE_OPTIONS).
    const extra = (process.env.CONTROLLER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const p = start('node', [...extra, '--import', 'tsx', 'controller/main.ts'], childEnv);
    try {
      await until(async () => p.child.exitCode !== null || (await healthy()), 'controller started', 30_000);
      if (p.child.exitCode !== null) throw new Error(`controller exited ${p.child.exitCode}: ${p.stderr}`);
    } catch (err) {
      await p.stop('SIGKILL');
      throw err;
    }
    return p;
  };
  let proc: Awaited<ReturnType<typeof launch>>;
  try {
    proc = await launch();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const logs = () => proc.lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  let client: Promise<ApiClient> | undefined;
  return {
    get proc() {
      return proc;
    },
    dir,
    secrets,
    httpUrl,
    /** The seeded admin, signed in over HTTP on first use. */
    admin(): Promise<ApiClient> {
      client ??= signIn(httpUrl, admin.login, admin.password).then((s) => clientFor(httpUrl, { ...admin, role: 'admin', ...s }));
      return client;
    },
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    logs,
    /** Stops the controller and starts it again on the same ports and data; resolves when its API answers. */
    async restart(signal: NodeJS.Signals = 'SIGTERM') {
      await proc.stop(signal);
      proc = await launch();
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const code = await proc.stop(signal);
      await rm(dir, { recursive: true, force: true });
      return code;
    },
  };
}
