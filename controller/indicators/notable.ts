// What the monthly report lists as notable: the emergency bulletins aired in the period (with how
// many clusters played them and how soon), and the long outages (a device or cluster offline a day
// or more, as the indicators' own findings measured them).
import { escape } from 'influx';
import type { SiteConfig } from '../config/site.js';
import type { Storage } from '../storage/storage.js';
import { FINAL } from './defs/radio.js';
import { within } from './query.js';
import type { Snapshot } from './service.js';

/** An outage this long or longer is notable. */
export const LONG_OUTAGE_H = 24;

export interface EmergencyAired {
  bulletin: string;
  title: string;
  airedAt: string;
  /** Clusters whose delivery ended in the period, and of them the ones that began playing it. */
  clusters: number;
  played: number;
  /** The slowest cluster's seconds from airing to beginning, among those that played. */
  slowestS?: number;
}

export interface Outage {
  hamlet?: string;
  device: string;
  hours: number;
  /** The finding it was read from: `device-offline` or `cluster-offline`. */
  code: string;
}

export interface NotableEvents {
  period: string;
  emergencies: EmergencyAired[];
  outages: Outage[];
}

export async function notableEvents(o: { storage: Storage; rp: string; site: SiteConfig; snapshot: Snapshot }): Promise<NotableEvents> {
  const { storage, rp, site, snapshot } = o;
  const from = new Date(snapshot.from);
  const to = new Date(snapshot.to);
  const siteIs = `"site" = ${escape.stringLit(site.site.id)}`;
  const [aired, delivered] = await Promise.all([
    storage.influx.query<{ time: Date; bulletin: string; title: string }>(
      `SELECT "bulletin", "title" FROM ${escape.quoted(rp)}."radio_bulletin" WHERE ${within(from, to)} AND ${siteIs} AND "level" = 'emergency' AND "action" = 'aired'`,
    ),
    // A delivery's final point carries reachS once the cluster began playing it.
    storage.influx.query<{ bulletin: string; n: number; played: number; slowest: number | null }>(
      `SELECT count("attempts") AS "n", count("reachS") AS "played", max("reachS") AS "slowest" FROM ${escape.quoted(rp)}."radio_delivery" ` +
        `WHERE ${within(from, to)} AND ${siteIs} AND "level" = 'emergency' AND ${FINAL} GROUP BY "bulletin"`,
    ),
  ]);
  const byBulletin = new Map(delivered.map((d) => [d.bulletin, d]));
  const emergencies = aired.map((a) => {
    const d = byBulletin.get(a.bulletin);
    return {
      bulletin: a.bulletin,
      title: a.title,
      airedAt: a.time.toISOString(),
      clusters: d?.n ?? 0,
      played: d?.played ?? 0,
      ...(d?.slowest !== null && d?.slowest !== undefined && { slowestS: Math.round(d.slowest) }),
    };
  });
  // The same device can be named by more than one indicator (a cluster is also a device): keep its longest.
  const outages = new Map<string, Outage>();
  for (const f of snapshot.indicators.flatMap((i) => i.findings)) {
    if ((f.code !== 'device-offline' && f.code !== 'cluster-offline') || !f.device) continue;
    const hours = Number(f.params?.hours);
    if (!(hours >= LONG_OUTAGE_H)) continue;
    const had = outages.get(f.device);
    if (!had || had.hours < hours) outages.set(f.device, { ...(f.hamlet && { hamlet: f.hamlet }), device: f.device, hours, code: f.code });
  }
  return { period: snapshot.period, emergencies, outages: [...outages.values()].sort((a, b) => b.hours - a.hours) };
}
