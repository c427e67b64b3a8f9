// The plane's link to the embedded broker, in-process: it subscribes to every device channel of
// the site on the aedes instance itself (no TCP client to itself, no PUBACKs both ways) and
// publishes commands and configs there, held to the plane's part of the topic grammar.
import type { Logger } from 'pino';
import type { Broker } from '../broker/broker.js';
import { siteFilter, type Channel, type Principal } from '../devices/topics.js';

export interface PlaneLinkOptions {
  broker: Broker;
  site: string;
  /** The plane's identity, for the topic grammar's check of what it publishes. */
  planeId: string;
  log: Logger;
  channels: readonly Channel[];
  /** Live messages only: an in-process subscriber is never sent retained replays. */
  onMessage: (topic: string, payload: Buffer) => void;
}

/** What the plane uses of its broker link, embedded (this file) or external (mqtt-plane-link.ts). */
export interface PlaneLink {
  readonly connected: boolean;
  start(): Promise<void>;
  publish(topic: string, payload: unknown, opts: { qos: 0 | 1; retain: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export class InProcessPlaneLink implements PlaneLink {
  private subscribed = false;
  private readonly who: Principal;

  constructor(private readonly o: PlaneLinkOptions) {
    this.who = { kind: 'plane', id: o.planeId, site: o.site };
  }

  get connected(): boolean {
    return this.subscribed;
  }

  async start(): Promise<void> {
    for (const c of this.o.channels) {
      await this.o.broker.subscribe(siteFilter(this.o.site, c), (topic, payload) => this.o.onMessage(topic, payload));
    }
    this.subscribed = true;
    this.o.log.info({ channels: this.o.channels }, 'plane subscribed in-process');
  }

  async publish(topic: string, payload: unknown, opts: { qos: 0 | 1; retain: boolean }): Promise<void> {
    if (!this.subscribed) throw new Error('plane link not started');
    await this.o.broker.publish(this.who, topic, Buffer.from(JSON.stringify(payload)), opts);
  }

  async stop(): Promise<void> {
    // The broker's subscriptions end with it.
    this.subscribed = false;
  }
}
