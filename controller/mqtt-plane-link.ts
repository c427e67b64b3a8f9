// The plane's link to an external broker (BROKER=external): an MQTT 5 client with a persistent
// session, so QoS 1 messages the broker acknowledged to a device while the plane was down are
// delivered when it is back; each is acknowledged to the broker only after ingest took it.
import mqtt, { Store, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { mayPublish, parseTopic, siteFilter, type Channel, type Principal } from '../devices/topics.js';
import type { PlaneLink } from './plane-link.js';

export interface MqttPlaneLinkOptions {
  url: string;
  site: string;
  /** The plane's client id and username on the broker (provisioned by broker/dynsec.ts). */
  planeId: string;
  secret: string;
  log: Logger;
  channels: readonly Channel[];
  onMessage: (topic: string, payload: Buffer) => void;
  /** How long the broker keeps the session while the plane is away (7 days). */
  sessionExpiryS?: number;
  /** Reconnect backoff: first wait, doubled after each failure up to the max. */
  backoff?: { minMs: number; maxMs: number };
}

export class MqttPlaneLink implements PlaneLink {
  private client?: MqttClient;
  private readonly who: Principal;
  private readonly backoff: { minMs: number; maxMs: number };
  private delayMs = 0;
  private retry?: NodeJS.Timeout;
  private stopping = false;
  // Kept across reconnects: QoS 1 publishes not yet acknowledged go out again on the new connection.
  private readonly stores = { incomingStore: new Store(), outgoingStore: new Store() };

  constructor(private readonly o: MqttPlaneLinkOptions) {
    this.who = { kind: 'plane', id: o.planeId, site: o.site };
    this.backoff = o.backoff ?? { minMs: 500, maxMs: 30_000 };
  }

  get connected(): boolean {
    return !!this.client?.connected;
  }

  async start(): Promise<void> {
    const c = mqtt.connect(this.o.url, {
      clientId: this.o.planeId,
      username: this.o.planeId,
      password: this.o.secret,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: this.o.sessionExpiryS ?? 7 * 86400 },
      // mqtt.js retries at a fixed period; the backoff below does the retrying instead.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...this.stores,
      // Resubscribed by this link on every connect (mqtt.js resubscribes only with its own reconnects).
      resubscribe: false,
    });
    this.client = c;
    // The PUBACK goes out when the callback runs: after ingest has the message.
    c.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
      try {
        this.deliver(packet);
      } finally {
        done();
      }
    };
    let first = true;
    c.on('connect', (ack) => {
      this.delayMs = 0;
      this.o.log.info({ url: this.o.url, sessionPresent: ack.sessionPresent }, 'plane connected to the broker');
      // A broker that lost the session (restarted without persistence) lost the subscriptions too.
      if (!first) this.subscribe(c).catch((err: Error) => this.o.log.error({ err: err.message }, 'plane could not subscribe again'));
      first = false;
    });
    c.on('close', () => {
      if (this.stopping || this.retry) return;
      this.delayMs = Math.min(this.delayMs ? this.delayMs * 2 : this.backoff.minMs, this.backoff.maxMs);
      this.o.log.warn({ url: this.o.url, retryMs: this.delayMs }, 'plane lost the broker; reconnecting');
      this.retry = setTimeout(() => {
        this.retry = undefined;
        if (!this.stopping) c.reconnect(this.stores);
      }, this.delayMs);
    });
    c.on('error', (err) => this.o.log.warn({ err: err.message }, 'plane MQTT client error'));
    await new Promise<void>((resolve, reject) => {
      const failed = (e: Error) => {
        // A failed start leaves nothing retrying behind it.
        this.stopping = true;
        clearTimeout(this.retry);
        c.end(true);
        reject(new Error(`plane refused by ${this.o.url}: ${e.message}`));
      };
      c.once('error', failed);
      c.once('connect', () => {
        // From here on an error is an outage to ride out, not a failed start.
        c.off('error', failed);
        resolve();
      });
    });
    await this.subscribe(c);
  }

  private async subscribe(c: MqttClient): Promise<void> {
    // rh 2: no retained replays, as the in-process link (live messages only); rap: the retain flag
    // as the device sent it, so a retained publish the grammar forbids can be refused here.
    const filters = Object.fromEntries(this.o.channels.map((ch) => [siteFilter(this.o.site, ch), { qos: 1 as const, rh: 2, rap: true }]));
    const granted = await c.subscribeAsync(filters);
    const refused = granted.filter((g) => g.qos > 2);
    if (refused.length) throw new Error(`broker refused the plane's subscriptions: ${refused.map((g) => g.topic).join(', ')}`);
    this.o.log.info({ channels: this.o.channels }, 'plane subscribed over MQTT');
  }

  private deliver(packet: IPublishPacket): void {
    const t = parseTopic(packet.topic);
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    // Mosquitto's ACL cannot see the retain flag: the grammar's rule on it is kept here.
    const v = t ? mayPublish({ kind: 'device', id: t.deviceId, site: t.site }, packet.topic, packet.retain) : { ok: false as const, reason: 'outside the grammar' };
    if (!v.ok) {
      this.o.log.warn({ topic: packet.topic, retain: packet.retain, reason: v.reason }, 'publish refused by the plane');
      return;
    }
    this.o.onMessage(packet.topic, payload);
  }

  async publish(topic: string, payload: unknown, opts: { qos: 0 | 1; retain: boolean }): Promise<void> {
    if (!this.client) throw new Error('plane link not started');
    const v = mayPublish(this.who, topic, opts.retain);
    if (!v.ok) {
      this.o.log.warn({ topic, reason: v.reason }, 'plane publish refused');
      throw new Error(v.reason);
    }
    await this.client.publishAsync(topic, JSON.stringify(payload), opts);
  }

  async stop(): Promise<void> {
    // The session stays on the broker: what arrives meanwhile waits for the next start.
    this.stopping = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.client?.endAsync();
    this.client = undefined;
  }
}
