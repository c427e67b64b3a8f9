// The plane's own MQTT connection to the broker, with the identity generated at first start.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { siteFilter, type Channel } from '../devices/topics.js';

export interface MqttLinkOptions {
  /** Read at start: the embedded broker's port is known only once it listens. */
  url: () => string;
  site: string;
  clientId: string;
  secret: string;
  log: Logger;
  channels: readonly Channel[];
  onMessage: (topic: string, payload: Buffer, retained: boolean) => void;
}

export class MqttLink {
  private client?: MqttClient;
  constructor(private readonly o: MqttLinkOptions) {}

  get connected(): boolean {
    return !!this.client?.connected;
  }

  async start(): Promise<void> {
    const client = mqtt.connect(this.o.url(), {
      clientId: this.o.clientId,
      username: this.o.clientId,
      password: this.o.secret,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    this.client = client;
    // Commands are single small packets that should leave at once.
    client.on('connect', () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true));
    client.on('message', (topic, payload, packet) => this.o.onMessage(topic, payload, packet.retain));
    client.on('error', (err) => this.o.log.warn({ err: err.message }, 'plane mqtt error'));
    client.on('offline', () => this.o.log.warn('plane mqtt link offline'));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(
      this.o.channels.map((c) => siteFilter(this.o.site, c)),
      { qos: 1 },
    );
    this.o.log.info({ url: this.o.url(), clientId: this.o.clientId }, 'plane connected to broker');
  }

  async publish(topic: string, payload: unknown, opts: { qos: 0 | 1; retain: boolean }): Promise<void> {
    if (!this.client) throw new Error('mqtt link not started');
    await this.client.publishAsync(topic, JSON.stringify(payload), opts);
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}
