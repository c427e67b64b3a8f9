// Publishes each device's retained `config`: what it needs to stay safe with no plane
// (a valve's maxRunS and closeOnOffline, a light's fallback profile).
import type { Logger } from 'pino';
import { buildTopic, deviceType } from '../devices/index.js';
import { desiredConfig, type SiteStore } from './config/site.js';

export class DeviceConfigPublisher {
  constructor(
    private readonly o: {
      site: SiteStore;
      log: Logger;
      publish: (topic: string, payload: unknown) => Promise<void>;
      /** What other modules decide for a device's config (a light's fallback = tonight's program). */
      extra?: (deviceId: string) => Record<string, unknown> | undefined;
    },
  ) {}

  async start(): Promise<void> {
    await Promise.all(this.o.site.config.devices.map((d) => this.push(d.id)));
    this.o.log.info({ devices: this.o.site.config.devices.length }, 'device configs published');
  }

  async push(deviceId: string): Promise<void> {
    const cfg = this.o.site.config;
    const d = this.o.site.device(deviceId);
    if (!d) return;
    const payload = { ...desiredConfig(cfg, d), ...this.o.extra?.(d.id) };
    await this.o.publish(buildTopic(cfg.site.id, d.id, 'config'), deviceType(d.type)!.config.parse(payload));
  }

  async stop(): Promise<void> {}
}
