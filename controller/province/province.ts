// The province's composition root (PLANE_MODE=province): the same program with no broker and no
// devices. Accounts (Auth), its own InfluxDB (a managed influxd unless INFLUX_URL), the registry
// of communes (ProvinceStore), the roll-up, and the API. Communes push to it; it pushes nothing.
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Logger } from 'pino';
import { ProvinceApi } from '../api/province-server.js';
import { Auth } from '../auth/auth.js';
import { Bus } from '../bus.js';
import { Modules, type Module } from '../lifecycle.js';
import { ReportPdf } from '../indicators/report-pdf.js';
import type { InfluxdProcess } from '../storage/influxd.js';
import { storageUnder, type InfluxV2Options, type Storage, type StorageOptions } from '../storage/storage.js';
import { ProvinceRollup } from './rollup.js';
import { ProvinceStore } from './store.js';

export interface ProvinceOptions {
  log: Logger;
  dataDir: string;
  /** The province as its pages name it; the id tags its accounts' audit points. */
  province: { id: string; name: string; tz: string };
  host: string;
  httpPort: number;
  influxUrl?: string;
  influxDb?: string;
  influxV2?: InfluxV2Options;
  tls?: { cert: Buffer | string; key: Buffer | string };
  auth?: { sessionIdleMs?: number; sessionMaxMs?: number; signInPerAccount?: number; signInPerIp?: number; signInWindowMs?: number; setupTtlMs?: number };
  /** Runs once accounts can be made, before a first run would ask for setup (a demo's users). */
  seedUsers?: (auth: Auth) => Promise<void>;
  storage?: Partial<Pick<StorageOptions, 'batchSize' | 'flushMs' | 'probeMs' | 'maxSpoolBytes'>>;
  /** The Chromium that prints the monthly report to PDF (Debian's /usr/bin/chromium by default). */
  chromiumPath?: string;
  /** Pushes one commune's token may make a minute (600). */
  pushPerMinute?: number;
  now?: () => number;
}

export class Province {
  readonly bus: Bus;
  readonly http: HttpServer;
  readonly auth: Auth;
  readonly store: ProvinceStore;
  influxd?: InfluxdProcess | undefined;
  storage!: Storage;
  rollup!: ProvinceRollup;
  api!: ProvinceApi;
  private readonly modules: Modules;

  constructor(private readonly o: ProvinceOptions) {
    this.modules = new Modules({ log: o.log });
    this.bus = new Bus(o.log);
    this.http = o.tls ? (createHttpsServer({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' }) as unknown as HttpServer) : createServer();
    this.store = new ProvinceStore({ dataDir: o.dataDir });
    this.auth = new Auth({
      dataDir: o.dataDir,
      log: o.log.child({ module: 'auth' }),
      site: () => o.province.id,
      writeEvent: (p) => this.storage.writeEvent(p),
      setupUrl: () => new URL('setup.html', this.url).toString(),
      ...(o.auth?.setupTtlMs && { setupTtlMs: o.auth.setupTtlMs }),
    });
  }

  get httpPort(): number {
    return this.api.port;
  }

  get url(): string {
    return `${this.o.tls ? 'https' : 'http'}://${this.o.host === '0.0.0.0' ? '127.0.0.1' : this.o.host}:${this.httpPort}/`;
  }

  async start(): Promise<void> {
    const { log, dataDir } = this.o;
    const child = (module: string) => log.child({ module });
    // Pushes write through durable() (a group commit); the size trigger is only for a burst beyond it.
    const { influxd, storage } = storageUnder({ dataDir, influxUrl: this.o.influxUrl, database: this.o.influxDb ?? 'province', v2: this.o.influxV2, batchSize: 5000, overrides: this.o.storage, log: child, bus: this.bus });
    this.influxd = influxd;
    this.storage = storage;
    this.rollup = new ProvinceRollup({ store: this.store, storage: this.storage, bus: this.bus, log: child('rollup'), archivePolicy: 'village_10y', ...(this.o.now && { now: this.o.now }) });
    const reportPdf = new ReportPdf({ baseUrl: () => this.url, log: child('report-pdf'), ...(this.o.chromiumPath && { executablePath: this.o.chromiumPath }) });
    this.api = new ProvinceApi({
      log,
      http: this.http,
      host: this.o.host,
      port: this.o.httpPort,
      tls: !!this.o.tls,
      tz: this.o.province.tz,
      auth: this.auth,
      store: this.store,
      rollup: this.rollup,
      reportPdf,
      bus: this.bus,
      ...(this.o.pushPerMinute && { pushPerMinute: this.o.pushPerMinute }),
      province: { id: this.o.province.id, name: this.o.province.name },
      sessions: { ...(this.o.auth?.sessionIdleMs && { idleMs: this.o.auth.sessionIdleMs }), ...(this.o.auth?.sessionMaxMs && { maxMs: this.o.auth.sessionMaxMs }) },
      signIn: {
        ...(this.o.auth?.signInPerAccount && { perAccount: this.o.auth.signInPerAccount }),
        ...(this.o.auth?.signInPerIp && { perIp: this.o.auth.signInPerIp }),
        ...(this.o.auth?.signInWindowMs && { windowMs: this.o.auth.signInWindowMs }),
      },
      degraded: () => [
        ...(influxd && influxd.status().state !== 'running' ? [`influxdb ${influxd.status().state}`] : []),
        ...(this.storage.stats().up ? [] : ['storage spooling: InfluxDB unreachable']),
      ],
    });
    const modules: Module[] = [
      // Closed last: a push under way still records its receipt.
      { name: 'store', start: async () => {}, stop: async () => this.store.close() },
      ...(influxd ? [{ name: 'influxd', start: () => influxd.start(), stop: () => influxd.stop() }] : []),
      { name: 'storage', start: () => this.storage.start(), stop: () => this.storage.stop() },
      { name: 'auth', start: () => this.auth.start(), stop: () => this.auth.stop() },
      ...(this.o.seedUsers ? [{ name: 'seed-users', start: () => this.o.seedUsers!(this.auth), stop: async () => {} }] : []),
      { name: 'api', start: () => this.api.start(), stop: () => this.api.stop() },
      { name: 'report-pdf', start: async () => {}, stop: () => reportPdf.stop() },
      { name: 'setup-code', start: () => this.auth.announceSetup(), stop: async () => {} },
    ];
    await this.modules.start(modules, () => this.stop());
    log.info({ url: this.url, province: this.o.province.id }, 'province started');
  }

  /** Stops modules in reverse order; a failing stop is logged and the rest still stop. */
  stop(): Promise<void> {
    return this.modules.stop();
  }
}
