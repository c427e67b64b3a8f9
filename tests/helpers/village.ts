// Test harness: a real village (embedded aedes broker, real influxd on a free port with temp dirs)
// started in-process on 127.0.0.1, with provisioned device secrets. Everything is stopped by stop().
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino, type Logger } from 'pino';
import type { SiteInput } from '../../controller/config/site.js';
import { generatePassword } from '../../controller/auth/passwords.js';
import { InfluxdProcess } from '../../controller/storage/influxd.js';
import { Village, type VillageOptions } from '../../controller/village.js';
import type { PersonRole as Role } from '../../controller/auth/policy.js';
import { rememberPassword, signedIn, type ApiClient } from './api.js';
import { testSite } from './site.js';

export interface TestVillage {
  village: Village;
  dir: string;
  secrets: Record<string, string>;
  influxd: InfluxdProcess;
  log: Logger;
  lines: Record<string, unknown>[];
  mqttUrl: string;
  connectDevice(id: string, opts?: mqtt.IClientOptions): Promise<MqttClient>;
  /**
   * A signed-in API client (a real user and session); the login defaults to the role's name and
   * is made on first use. as('admin'), as('operator'), as('nong-dan-a', 'farmer', ['zone-a']).
   */
  as(login: string, role?: Role, zones?: string[]): Promise<ApiClient>;
  /** Stops the plane, runs whileDown (the outage), and starts it again on the same ports. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** A pino logger that also keeps its lines in memory, so tests can assert what was logged. */
export function captureLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: process.env.TEST_LOG_LEVEL ?? 'info' },
    {
      write(s: string) {
        lines.push(JSON.parse(s) as Record<string, unknown>);
        if (process.env.TEST_LOG) process.stderr.write(s);
      },
    },
  );
  return { log, lines };
}

export async function startInfluxd(dir: string, log: Logger): Promise<InfluxdProcess> {
  const influxd = new InfluxdProcess({ dir: join(dir, 'influxdb'), log });
  await influxd.start();
  return influxd;
}

/** Made per test run, never fixed in the code. */
const ADMIN_PASSWORD = generatePassword();

export async function startTestVillage(
  o: { site?: SiteInput; options?: Partial<VillageOptions>; influxd?: InfluxdProcess } = {},
): Promise<TestVillage> {
  const dir = await mkdtemp(join(tmpdir(), 'village-test-'));
  const { log, lines } = captureLog();
  const site = o.site ?? testSite();
  await writeFile(join(dir, 'site.json'), JSON.stringify(site, null, 2));
  const influxd = o.influxd ?? (await startInfluxd(dir, log));
  const make = (ports: { mqttPort: number; httpPort: number } = { mqttPort: 0, httpPort: 0 }) =>
    new Village({
      log,
      dataDir: join(dir, 'data'),
      siteFile: join(dir, 'site.json'),
      host: '127.0.0.1',
      ...ports,
      influxUrl: influxd.url,
      storage: { flushMs: 200, probeMs: 300 },
      // Offline alerts at once, as most tests expect; the grace after start has its own test.
      alerts: { graceS: 0 },
      // An admin exists from the start, as after setup; tests of the first run pass their own seedUsers.
      seedUsers: async (auth) => {
        if (auth.store.userCount() === 0) await auth.createUser('test', { login: 'admin', name: 'admin', role: 'admin', password: ADMIN_PASSWORD });
        rememberPassword(auth, 'admin', ADMIN_PASSWORD);
      },
      ...o.options,
    });
  let village = make();
  try {
    await village.start();
  } catch (err) {
    if (!o.influxd) await influxd.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const ports = { mqttPort: o.options?.externalBroker ? 0 : village.broker.port, httpPort: village.httpPort };
  const clients = new Map<string, Promise<ApiClient>>();
  const secrets: Record<string, string> = {};
  // As the API provisions: with an external broker the device gets its client there too.
  for (const d of site.devices) secrets[d.id] = await village.deviceAdmin.issueSecret(d.id);
  const t: TestVillage = {
    get village() {
      return village;
    },
    dir,
    secrets,
    influxd,
    log,
    lines,
    get mqttUrl() {
      return village.mqttUrl;
    },
    async as(login, role, zones) {
      const key = `${login}/${role ?? ''}/${(zones ?? []).join(',')}`;
      let c = clients.get(key);
      if (!c) {
        c = signedIn(village, login, role, zones);
        clients.set(key, c);
      }
      return c;
    },
    async connectDevice(id, opts = {}) {
      const c = mqtt.connect(t.mqttUrl, { clientId: id, username: id, password: secrets[id], reconnectPeriod: 0, ...opts });
      await new Promise<void>((resolve, reject) => {
        c.once('connect', () => resolve());
        c.once('error', reject);
        c.once('close', () => reject(new Error(`${id} connection closed`)));
      });
      return c;
    },
    // The same ports again, so devices and clients pointed at the village find it after a restart.
    async restart(whileDown) {
      await village.stop();
      await whileDown?.();
      village = make(ports);
      await village.start();
    },
    async stop() {
      await village.stop();
      if (!o.influxd) await influxd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Polls until fn returns a truthy value or the deadline passes (not a timing assertion). */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
