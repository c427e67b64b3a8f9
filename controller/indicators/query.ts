// What the indicator queries share: counts per device in InfluxDB over the period (GROUP BY
// "device", so InfluxDB does the counting), the site's devices by trait, and summing per-device
// ratios into hamlets and the commune.
import { escape } from 'influx';
import { deviceType, hasTrait, type Trait } from '../../devices/index.js';
import type { SiteConfig } from '../config/site.js';
import type { IndicatorContext, Ratio } from './define.js';

export type SiteDevice = SiteConfig['devices'][number];

export const devicesWith = (site: SiteConfig, trait: Trait): SiteDevice[] => site.devices.filter((d) => hasTrait(d.type, trait));

/** A time condition for [from, to). */
export const within = (from: Date, to: Date): string => `time >= ${escape.stringLit(from.toISOString())} AND time < ${escape.stringLit(to.toISOString())}`;

/**
 * count(field) per device over [from, to) (the period unless given), with an extra InfluxQL
 * condition. Devices with no point are absent.
 */
export async function countByDevice(
  ctx: IndicatorContext,
  o: { measurement: string; field: string; where?: string; from?: Date; to?: Date },
): Promise<Map<string, number>> {
  const rows = await ctx.storage.influx.query<{ device: string; n: number }>(
    `SELECT count(${escape.quoted(o.field)}) AS n FROM ${escape.quoted(ctx.rp)}.${escape.quoted(o.measurement)} ` +
      `WHERE ${within(o.from ?? ctx.from, o.to ?? ctx.to)}${o.where ? ` AND ${o.where}` : ''} GROUP BY "device"`,
  );
  return new Map(rows.map((r) => [r.device, r.n]));
}

/** The measurement of a device's readings, and a metric every reading carries (to count readings by). */
export function readingField(d: SiteDevice): { measurement: string; field: string } {
  const t = deviceType(d.type)!;
  return { measurement: t.influx.measurement, field: t.metrics.find((m) => !m.optional)!.key };
}

/**
 * Sums per-unit ratios into each hamlet of the site (a hamlet with no unit is 0 / 0) and the
 * commune. `units` are whatever is counted (devices, hamlets), each with its hamlet.
 */
export function sumByHamlet<U>(site: SiteConfig, units: readonly U[], hamletOf: (u: U) => string, ratio: (u: U) => Ratio): { commune: Ratio; hamlets: Record<string, Ratio> } {
  const hamlets: Record<string, Ratio> = Object.fromEntries(site.hamlets.map((h) => [h.id, { numerator: 0, denominator: 0 }]));
  const commune = { numerator: 0, denominator: 0 };
  for (const u of units) {
    const r = ratio(u);
    const h = (hamlets[hamletOf(u)] ??= { numerator: 0, denominator: 0 });
    h.numerator += r.numerator;
    h.denominator += r.denominator;
    commune.numerator += r.numerator;
    commune.denominator += r.denominator;
  }
  return { commune, hamlets };
}
