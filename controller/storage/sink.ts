// Turns bus events into InfluxDB points, by each type's mapping. Tags are bounded: site, type,
// device, hamlet, zone. Measured values and correlation ids are fields.
import { deviceType } from '../../devices/index.js';
import type { Bus, Reading } from '../bus.js';
import type { SiteStore } from '../config/site.js';
import type { Storage } from './storage.js';

export class StorageSink {
  private readonly offs: (() => void)[] = [];
  constructor(private readonly o: { bus: Bus; storage: Storage; site: SiteStore }) {}

  private tags(deviceId: string): Record<string, string> {
    const d = this.o.site.device(deviceId)!;
    return { site: this.o.site.config.site.id, type: d.type, device: d.id, hamlet: d.hamlet, ...(d.zone && { zone: d.zone }) };
  }

  private point(r: Reading) {
    const type = deviceType(r.type)!;
    const fields: Record<string, number | string | boolean> = {};
    for (const k of type.influx.fields) {
      const v = r.values[k];
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') fields[k] = v;
    }
    if (r.extra) fields.extra = JSON.stringify(r.extra).slice(0, 1024);
    return { measurement: type.influx.measurement, tags: this.tags(r.deviceId), fields, time: r.ts.getTime() };
  }

  async start(): Promise<void> {
    const { bus, storage } = this.o;
    this.offs.push(
      bus.on('reading', (r) => storage.write(this.point(r))),
      bus.on('deviceEvent', (r) => storage.writeEvent(this.point(r))),
      bus.on('availability', (a) =>
        storage.writeEvent({
          measurement: 'availability',
          tags: this.tags(a.deviceId),
          fields: { online: a.availability === 'online', why: a.why },
          time: a.at.getTime(),
        }),
      ),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
  }
}
