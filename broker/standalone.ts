// A broker process apart from the plane, one of a cluster sharing a router through Redis. It holds
// devices to the same credentials and site as the plane's embedded broker by reading the plane's
// files in the shared DATA_DIR, read-only: the plane stays the only writer of secrets, Redis
// carries messages and never a credential, and a revoked device is dropped here within a poll.
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { SiteStore } from '../controller/config/site.js';
import { Broker, type BrokerLimits } from './broker.js';
import { CredentialStore } from './credentials.js';

export interface StandaloneBrokerOptions {
  log: Logger;
  dataDir: string;
  siteFile: string;
  redisUrl: string;
  tcp: { host: string; port: number };
  limits?: Partial<BrokerLimits>;
  /** How often the plane's files are checked for changes (fs.watchFile polls: atomic renames defeat fs.watch). */
  pollMs?: number;
}

export class StandaloneBroker {
  broker!: Broker;
  private readonly credentials: CredentialStore;
  private readonly site: SiteStore;
  private readonly files: string[];

  constructor(private readonly o: StandaloneBrokerOptions) {
    this.credentials = new CredentialStore({ file: join(o.dataDir, 'credentials.json'), readOnly: true });
    this.site = new SiteStore({ file: o.siteFile });
    this.files = [join(o.dataDir, 'credentials.json'), o.siteFile];
  }

  get port(): number {
    return this.broker?.port ?? 0;
  }

  async start(): Promise<void> {
    const site = await this.site.load();
    await this.credentials.load();
    const { log, tcp, redisUrl, limits } = this.o;
    this.broker = new Broker({
      log,
      site: site.site.id,
      policy: 'secure',
      credentials: this.credentials,
      isKnownDevice: (id) => !!this.site.device(id),
      tcp,
      cluster: { redisUrl },
      ...(limits && { limits }),
    });
    await this.broker.start();
    for (const f of this.files) watchFile(f, { interval: this.o.pollMs ?? 500 }, () => void this.reload());
  }

  /** Reloads the plane's files and drops clients no longer allowed in (revoked, or removed from the site). */
  private async reload(): Promise<void> {
    try {
      await Promise.all([this.site.load(), this.credentials.load()]);
    } catch (err) {
      // A half-read file: keep what was loaded; the next change reloads.
      this.o.log.warn({ err: (err as Error).message }, 'plane files not reloaded');
      return;
    }
    for (const id of this.broker.clientIds()) {
      const kind = this.credentials.kindOf(id);
      if (kind === 'plane' || (kind === 'device' && this.site.device(id))) continue;
      this.o.log.warn({ clientId: id, reason: kind ? 'no longer a device of the site' : 'credential revoked' }, 'mqtt client dropped');
      this.broker.disconnect(id);
    }
  }

  async stop(): Promise<void> {
    for (const f of this.files) unwatchFile(f);
    await this.broker?.stop();
  }
}
