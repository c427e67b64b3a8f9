// Several devices' history of one metric on one bucket grid, for the charts that draw them
// together (a zone's soil sensors, a light group's lamps), and the bucket width every chart uses.
import { deviceType } from '../../devices/index.js';
import type { SiteConfig } from '../config/site.js';
import type { Storage } from './storage.js';

type SiteDevice = SiteConfig['devices'][number];

/** Whole seconds, at least one, so `points` buckets span [from, to). */
export const bucketMs = (fromMs: number, toMs: number, points: number): number => Math.max(1000, Math.ceil((toMs - fromMs) / points / 1000) * 1000);

/** Whether the device's type reads this metric. */
export const reads = (d: SiteDevice, metric: string): boolean => deviceType(d.type)?.metrics.some((m) => m.key === metric) ?? false;

/** Each device's series of `metric` (devices that read it) on one grid, and the metric's unit. */
export async function seriesOfDevices(storage: Storage, devices: readonly SiteDevice[], metric: string, fromMs: number, toMs: number, stepMs: number) {
  const unit = devices.length ? deviceType(devices[0]!.type)!.metrics.find((m) => m.key === metric)!.capability.unit : undefined;
  const series = await Promise.all(
    devices.map(async (d) => ({ device: d.id, name: d.name, ...(await storage.series({ measurement: deviceType(d.type)!.influx.measurement, field: metric, deviceId: d.id, fromMs, toMs, stepMs })) })),
  );
  return { series, ...(unit && { unit }) };
}
