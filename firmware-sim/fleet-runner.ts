// Runs every device of a site file as a simulated device, under one clock and one sky. The valves
// are the fleet's own, so a greenhouse sensor sees its soil wet while its zone's valve is open.
import { pino, type Logger } from 'pino';
import { irrigationValve } from '../devices/types/irrigation-valve.js';
import { SimClock } from './clock.js';
import { SimulatedDevice } from './device.js';
import { SiteEnvironment } from './environment.js';
import type { SiteFile } from './fleet.js';
import { rngFor } from './rng.js';

export interface SimFleetOptions {
  site: Pick<SiteFile, 'site' | 'devices'>;
  /** deviceId → secret; a device without one is left out (it could not log in). */
  secrets: Readonly<Record<string, string>>;
  brokerUrl: string;
  seed: number;
  /** Time acceleration for the physics (1 = real time). */
  speed: number;
  /** Sim time at the start (epoch ms); defaults to now. */
  startMs?: number;
  logger?: Logger;
  keepaliveS?: number;
  reconnectPeriodMs?: number;
  stepEveryMs?: number;
}

export class SimFleet {
  readonly clock: SimClock;
  readonly environment: SiteEnvironment;
  private readonly devs = new Map<string, SimulatedDevice>();

  constructor(o: SimFleetOptions) {
    const log = o.logger ?? pino({ level: 'silent' });
    this.clock = new SimClock({ speed: o.speed, ...(o.startMs !== undefined && { startMs: o.startMs }) });
    const { id, lat, lon, tz } = o.site.site;
    this.environment = new SiteEnvironment({ lat, lon, seed: o.seed, zoneWatering: (zone) => this.zoneWatering(zone) });
    for (const d of o.site.devices) {
      const secret = o.secrets[d.id];
      if (secret === undefined) {
        log.warn({ device: d.id }, 'no secret for device; not simulated');
        continue;
      }
      try {
        this.devs.set(
          d.id,
          new SimulatedDevice({
            site: { id, lat, lon, tz },
            device: d,
            secret,
            brokerUrl: o.brokerUrl,
            clock: this.clock,
            rng: rngFor(o.seed, d.id),
            env: (now) => this.environment.at(now),
            logger: log,
            ...(o.keepaliveS !== undefined && { keepaliveS: o.keepaliveS }),
            ...(o.reconnectPeriodMs !== undefined && { reconnectPeriodMs: o.reconnectPeriodMs }),
            ...(o.stepEveryMs !== undefined && { stepEveryMs: o.stepEveryMs }),
          }),
        );
      } catch (err) {
        log.error({ device: d.id, err: (err as Error).message }, 'device not simulated');
      }
    }
  }

  device(id: string): SimulatedDevice | undefined {
    return this.devs.get(id);
  }

  get devices(): SimulatedDevice[] {
    return [...this.devs.values()];
  }

  start(): void {
    for (const d of this.devs.values()) d.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.devs.values()].map((d) => d.stop()));
  }

  /** A zone is being watered while any of its valves reports open. */
  private zoneWatering(zone: string | undefined): boolean {
    if (zone === undefined) return false;
    for (const d of this.devs.values()) {
      if (d.type.type === irrigationValve.type && d.zoneId === zone && d.reported()?.open === true) return true;
    }
    return false;
  }
}
