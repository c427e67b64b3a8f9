// Provisioning on an external Mosquitto through its dynamic-security plugin: commands published to
// $CONTROL/dynamic-security/v1 by an admin client, answers read from .../response and matched by
// correlation data. Each device is a Mosquitto client with a role of its own, whose ACLs come from
// the topic grammar (devices/topics.ts); the plane's client has the plane's role.
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { deviceAcls, planeAcls, type DynsecAcl } from '../devices/topics.js';

const TOPIC = '$CONTROL/dynamic-security/v1';

export interface DynsecOptions {
  url: string;
  /** The admin client's credentials, given to the plane (MQTT_ADMIN_USER / MQTT_ADMIN_PASSWORD). */
  username: string;
  password: string;
  site: string;
  log: Logger;
  /** How long one command may wait for its answer. */
  timeoutMs?: number;
}

interface Response {
  command: string;
  error?: string;
  data?: unknown;
  correlationData?: string;
}

export class DynsecError extends Error {
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`dynamic-security ${command}: ${reason}`);
  }
}

export class Dynsec {
  private client?: MqttClient;
  /** The answer topic subscribed on the current connection. */
  private ready?: Promise<unknown>;
  private readonly waiting = new Map<string, { resolve: (r: Response) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(private readonly o: DynsecOptions) {}

  deviceRole(id: string): string {
    return `village-${this.o.site}-device-${id}`;
  }

  get planeRole(): string {
    return `village-${this.o.site}-plane`;
  }

  async start(): Promise<void> {
    const c = mqtt.connect(this.o.url, {
      username: this.o.username,
      password: this.o.password,
      clientId: `village-${this.o.site}-admin-${randomUUID().slice(0, 8)}`,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      // Subscribed again on every connect below: a restarted broker has forgotten the answer topic.
      resubscribe: false,
    });
    this.client = c;
    c.on('message', (_topic, payload) => this.answer(payload));
    c.on('error', (err) => this.o.log.warn({ err: err.message }, 'dynamic-security admin client error'));
    c.on('connect', () => {
      this.ready = c.subscribeAsync(`${TOPIC}/response`, { qos: 1 });
      this.ready.catch((err: Error) => this.o.log.error({ err: err.message }, 'dynamic-security answers not subscribed'));
    });
    await new Promise<void>((resolve, reject) => {
      // A refused admin login is a configuration error: fail the start with its reason.
      const failed = (e: Error) => {
        c.end(true);
        reject(new Error(`admin client refused by ${this.o.url}: ${e.message}`));
      };
      c.once('error', failed);
      c.once('connect', () => {
        c.off('error', failed);
        resolve();
      });
    });
    await this.ready;
  }

  async stop(): Promise<void> {
    for (const [, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new Error('dynamic-security client stopped'));
    }
    this.waiting.clear();
    await this.client?.endAsync();
    this.client = undefined;
  }

  private answer(payload: Buffer): void {
    let doc: { responses?: Response[] };
    try {
      doc = JSON.parse(payload.toString('utf8')) as { responses?: Response[] };
    } catch {
      return;
    }
    for (const r of doc.responses ?? []) {
      const w = r.correlationData ? this.waiting.get(r.correlationData) : undefined;
      if (!w) continue;
      this.waiting.delete(r.correlationData!);
      clearTimeout(w.timer);
      w.resolve(r);
    }
  }

  /** Sends one command and waits for its answer; an error answer rejects with its reason. */
  async command(command: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const c = this.client;
    if (!c) throw new Error('dynamic-security client not started');
    // After a reconnect, commands wait for the answer topic: one sent first would be answered to no one.
    if (!c.connected) await new Promise((r) => c.once('connect', r));
    await this.ready;
    const correlationData = randomUUID();
    const answered = new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationData);
        reject(new DynsecError(command, `no answer in ${this.o.timeoutMs ?? 10_000} ms (is the dynamic-security plugin loaded?)`));
      }, this.o.timeoutMs ?? 10_000);
      this.waiting.set(correlationData, { resolve, reject, timer });
    });
    await c.publishAsync(TOPIC, JSON.stringify({ commands: [{ command, correlationData, ...args }] }), { qos: 1 });
    const r = await answered;
    if (r.error) throw new DynsecError(command, r.error);
    return r.data;
  }

  /** Creates the role with exactly these ACLs, or brings an existing one to them. */
  async putRole(rolename: string, acls: DynsecAcl[]): Promise<void> {
    const want = acls.map((a) => ({ ...a, priority: 0 }));
    try {
      await this.command('createRole', { rolename, acls: want });
      return;
    } catch (e) {
      if (!(e instanceof DynsecError) || !/already exists/i.test(e.reason)) throw e;
    }
    const got = ((await this.command('getRole', { rolename })) as { role?: { acls?: (DynsecAcl & { allow: boolean })[] } }).role?.acls ?? [];
    const key = (a: { acltype: string; topic: string; allow: boolean }) => `${a.acltype} ${a.topic} ${a.allow}`;
    const wanted = new Set(want.map(key));
    for (const a of got) if (!wanted.has(key(a))) await this.command('removeRoleACL', { rolename, acltype: a.acltype, topic: a.topic });
    const have = new Set(got.map(key));
    for (const a of want) if (!have.has(key(a))) await this.command('addRoleACL', { rolename, ...a });
  }

  /** A client whose username and client id are both `id`, with this secret and this one role. */
  async putClient(id: string, secret: string, rolename: string): Promise<void> {
    try {
      await this.command('createClient', { username: id, clientid: id, password: secret, roles: [{ rolename, priority: 0 }] });
      return;
    } catch (e) {
      if (!(e instanceof DynsecError) || !/already exists/i.test(e.reason)) throw e;
    }
    await this.command('setClientPassword', { username: id, password: secret });
    await this.command('modifyClient', { username: id, clientid: id, roles: [{ rolename, priority: 0 }] });
  }

  async deleteClient(id: string): Promise<void> {
    await this.ignoreMissing(() => this.command('deleteClient', { username: id }));
  }

  async deleteRole(rolename: string): Promise<void> {
    await this.ignoreMissing(() => this.command('deleteRole', { rolename }));
  }

  private async ignoreMissing(f: () => Promise<unknown>): Promise<void> {
    try {
      await f();
    } catch (e) {
      if (!(e instanceof DynsecError) || !/not found/i.test(e.reason)) throw e;
    }
  }

  async putPlane(id: string, secret: string): Promise<void> {
    await this.putRole(this.planeRole, planeAcls(this.o.site));
    await this.putClient(id, secret, this.planeRole);
  }

  /** Adds the device, or re-keys it: the old secret stops working at once. */
  async putDevice(id: string, secret: string): Promise<void> {
    await this.putRole(this.deviceRole(id), deviceAcls(this.o.site, id));
    await this.putClient(id, secret, this.deviceRole(id));
  }

  /** Removes the device's client (Mosquitto disconnects it) and its role. */
  async removeDevice(id: string): Promise<void> {
    await this.deleteClient(id);
    await this.deleteRole(this.deviceRole(id));
  }

  /** Usernames of the clients that hold a device role of this site. */
  async deviceClients(): Promise<string[]> {
    const data = (await this.command('listClients', { verbose: true })) as { clients?: { username: string; roles?: { rolename: string }[] }[] };
    const prefix = `village-${this.o.site}-device-`;
    return (data.clients ?? []).filter((c) => c.roles?.some((r) => r.rolename.startsWith(prefix))).map((c) => c.username);
  }
}
