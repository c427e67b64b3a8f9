// Alerts: every module raises and ends them on the bus; here each gets a start and an end, is kept
// for the API, and is written to InfluxDB (measurement "alert") for the record.
import type { AlertWhat } from './alert-codes.js';
import type { Bus, BusEvents } from './bus.js';
import type { Storage } from './storage/storage.js';

export interface AlertRecord {
  key: string;
  /** What it is about, for pages to put in words. */
  what: AlertWhat;
  severity: BusEvents['alert']['severity'];
  message: string;
  startedAt: string;
  endedAt?: string;
  device?: string;
  /** The farm zone: given, or the device's. */
  zone?: string;
}

export class Alerts {
  private readonly activeByKey = new Map<string, AlertRecord>();
  private readonly ended: AlertRecord[] = [];
  private off?: () => void;

  constructor(private readonly o: { bus: Bus; storage: Storage; site: () => string; zoneOf?: (deviceId: string) => string | undefined; keepEnded?: number }) {}

  async start(): Promise<void> {
    this.off = this.o.bus.on('alert', (a) => {
      const open = this.activeByKey.get(a.key);
      if (a.active) {
        if (open) {
          open.message = a.message; // still the same alert; the newest words win
          return;
        }
        const zone = a.zone ?? (a.device ? this.o.zoneOf?.(a.device) : undefined);
        this.activeByKey.set(a.key, { key: a.key, what: a.what, severity: a.severity, message: a.message, startedAt: a.at.toISOString(), ...(a.device && { device: a.device }), ...(zone && { zone }) });
      } else {
        if (!open) return;
        open.endedAt = a.at.toISOString();
        this.activeByKey.delete(a.key);
        this.ended.push(open);
        if (this.ended.length > (this.o.keepEnded ?? 500)) this.ended.shift();
      }
      this.o.storage.writeEvent({
        measurement: 'alert',
        tags: { site: this.o.site(), severity: a.severity, state: a.active ? 'start' : 'end' },
        fields: { key: a.key, code: a.what.code, message: a.message },
        time: a.at.getTime(),
      });
    });
  }

  async stop(): Promise<void> {
    this.off?.();
  }

  active(): AlertRecord[] {
    return [...this.activeByKey.values()];
  }

  recent(limit = 100): AlertRecord[] {
    return this.ended.slice(-limit).reverse();
  }
}
