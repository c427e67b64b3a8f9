// Test harness: a real province (PLANE_MODE=province: its own influxd on a free port, temp dirs) started
// in-process on 127.0.0.1, an admin made as after setup, and helpers to register communes and push
// as them. Everything is stopped by stop().
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { generatePassword } from '../../controller/auth/passwords.js';
import type { PersonRole as Role } from '../../controller/auth/policy.js';
import type { PushResult, SnapshotPush } from '../../controller/api/contract/province.js';
import { Province, type ProvinceOptions } from '../../controller/province/province.js';
import type { InfluxdProcess } from '../../controller/storage/influxd.js';
import { rememberPassword, signedIn, type ApiClient } from './api.js';
import { captureLog, startInfluxd } from './village.js';

export interface TestProvince {
  province: Province;
  url: string;
  /** Its influxd, for a second province (or the program) in the same test. */
  influxd: InfluxdProcess;
  influxUrl: string;
  dir: string;
  log: Logger;
  lines: Record<string, unknown>[];
  as(login: string, role?: Role): Promise<ApiClient>;
  /** Registers a commune as the admin; returns its push token. */
  addCommune(c: { id: string; name: string; district: string }): Promise<string>;
  /** A push with a commune's token: the status and the body. */
  push(token: string, body: SnapshotPush): Promise<{ status: number; body: PushResult & { code?: string } }>;
  /** Stops the province, runs whileDown, and starts it again on the same port. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const ADMIN_PASSWORD = generatePassword();

export async function startTestProvince(o: { options?: Partial<ProvinceOptions>; influxd?: InfluxdProcess } = {}): Promise<TestProvince> {
  const dir = await mkdtemp(join(tmpdir(), 'province-test-'));
  const { log, lines } = captureLog();
  const influxd = o.influxd ?? (await startInfluxd(dir, log));
  const make = (httpPort = 0) =>
    new Province({
      log,
      dataDir: join(dir, 'data'),
      province: { id: 'tinh-thu', name: 'Tỉnh Thử', tz: 'Asia/Ho_Chi_Minh' },
      host: '127.0.0.1',
      httpPort,
      influxUrl: influxd.url,
      storage: { flushMs: 200, probeMs: 300 },
      seedUsers: async (auth) => {
        if (auth.store.userCount() === 0) await auth.createUser('test', { login: 'admin', name: 'admin', role: 'admin', password: ADMIN_PASSWORD });
        rememberPassword(auth, 'admin', ADMIN_PASSWORD);
      },
      ...o.options,
    });
  let province = make();
  try {
    await province.start();
  } catch (err) {
    if (!o.influxd) await influxd.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const port = province.httpPort;
  const clients = new Map<string, Promise<ApiClient>>();
  const t: TestProvince = {
    get province() {
      return province;
    },
    // Known while the province is down too (a commune is pointed at it during an outage).
    url: province.url,
    influxd,
    influxUrl: influxd.url,
    dir,
    log,
    lines,
    as(login, role) {
      const key = `${login}/${role ?? ''}`;
      let c = clients.get(key);
      if (!c) {
        c = signedIn(province, login, role);
        clients.set(key, c);
      }
      return c;
    },
    async addCommune(c) {
      const admin = await t.as('admin');
      const r = await admin.post('/api/province/communes', c);
      if (r.status !== 201) throw new Error(`commune ${c.id} not registered: ${r.status} ${JSON.stringify(r.body)}`);
      return (r.body as { token: string }).token;
    },
    async push(token, body) {
      const res = await fetch(new URL('/api/province/snapshots', province.url), { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as PushResult & { code?: string } };
    },
    async restart(whileDown) {
      await province.stop();
      await whileDown?.();
      province = make(port);
      await province.start();
    },
    async stop() {
      await province.stop();
      if (!o.influxd) await influxd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return t;
}
