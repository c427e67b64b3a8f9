// "Test this rule" before it is live: the inputs the rule would have seen over a past range, read
// back from InfluxDB (readings of the devices it selects, availability changes, failed commands,
// alerts raised, bulletin deliveries that failed), for the pure evaluator's replay. Read-only: no
// state is kept and no action is taken.
import { escape } from 'influx';
import { deviceType } from '../../devices/index.js';
import type { SiteConfig } from '../config/site.js';
import type { Storage } from '../storage/storage.js';
import type { Input } from './evaluate.js';
import { selectDevices, type Rule } from './schema.js';

/** The most inputs one test reads: a month of one-minute readings from about twenty devices. */
export const MAX_INPUTS = 1_000_000;

export interface HistoryInputs {
  inputs: Exclude<Input, { kind: 'tick' }>[];
  /** Readings of the `only.metric` guard's devices, in time order, for its "latest value". */
  guard: { deviceId: string; metric: string; value: number; at: number }[];
  readings: number;
  events: number;
  /** More than MAX_INPUTS matched: the replay covers the earliest ones only. */
  truncated: boolean;
}

type Row = { time: Date; device: string; [field: string]: unknown };

export async function historyInputs(o: { storage: Storage; rp: string; site: SiteConfig; rule: Rule; from: number; to: number }): Promise<HistoryInputs> {
  const { storage, site, rule } = o;
  const rp = escape.quoted(o.rp);
  const span = `time >= ${Math.floor(o.from)}ms AND time <= ${Math.floor(o.to)}ms`;
  const siteIs = `"site" = ${escape.stringLit(site.site.id)}`;
  const limit = MAX_INPUTS + 1;
  const oneOf = (ids: readonly string[]) => `"device" =~ /^(${ids.map((id) => id.replace(/[^a-z0-9-]/g, '')).join('|')})$/`;

  /** A metric's readings for some devices, by the measurement of each device type. */
  const readingsOf = async (devices: SiteConfig['devices'], metric: string): Promise<{ deviceId: string; value: number; at: number }[]> => {
    const byMeasurement = new Map<string, string[]>();
    for (const d of devices) {
      const m = deviceType(d.type)?.influx.measurement;
      if (m) byMeasurement.set(m, [...(byMeasurement.get(m) ?? []), d.id]);
    }
    const out: { deviceId: string; value: number; at: number }[] = [];
    for (const [measurement, ids] of byMeasurement) {
      await storage.flush();
      const rows = await storage.influx.query<Row>(
        `SELECT ${escape.quoted(metric)} AS "v" FROM ${rp}.${escape.quoted(measurement)} WHERE ${span} AND ${siteIs} AND ${oneOf(ids)} GROUP BY "device" LIMIT ${limit}`,
      );
      for (const r of rows) if (typeof r.v === 'number') out.push({ deviceId: r.device, value: r.v, at: r.time.getTime() });
    }
    return out;
  };

  const inputs: HistoryInputs['inputs'] = [];
  let readings = 0;
  const w = rule.when;
  if (w.kind === 'metric') {
    for (const r of await readingsOf(selectDevices(site, w.select), w.metric)) {
      inputs.push({ kind: 'reading', deviceId: r.deviceId, values: { [w.metric]: r.value }, at: r.at });
      readings++;
    }
  } else if (w.kind === 'event') {
    const ids = selectDevices(site, w.select).map((d) => d.id);
    const devices = ids.length ? ` AND ${oneOf(ids)}` : '';
    await storage.flush();
    if (w.event === 'device-offline') {
      const rows = await storage.influx.query<Row & { online: boolean }>(`SELECT "online" FROM ${rp}."availability" WHERE ${span} AND ${siteIs}${devices} GROUP BY "device" LIMIT ${limit}`);
      for (const r of rows) inputs.push({ kind: 'event', event: r.online ? 'online' : 'offline', deviceId: r.device, at: r.time.getTime() });
    } else if (w.event === 'command-failed') {
      const rows = await storage.influx.query<Row & { id: string }>(
        `SELECT "id" FROM ${rp}."command_audit" WHERE ${span} AND ${siteIs}${devices} AND "status" =~ /^(rejected|timeout|expired)$/ GROUP BY "device" LIMIT ${limit}`,
      );
      for (const r of rows) inputs.push({ kind: 'event', event: 'command-failed', deviceId: r.device, subject: r.id, at: r.time.getTime() });
    } else if (w.event === 'alert-raised') {
      // A rule's own alerts do not feed rules, live or here.
      const rows = await storage.influx.query<{ time: Date; key: string; code: string }>(`SELECT "key", "code" FROM ${rp}."alert" WHERE ${span} AND ${siteIs} AND "state" = 'start' LIMIT ${limit}`);
      for (const r of rows) if (r.code !== 'rule') inputs.push({ kind: 'event', event: 'alert-raised', subject: r.key, at: r.time.getTime() });
    } else {
      const rows = await storage.influx.query<{ time: Date; bulletin: string }>(
        `SELECT "attempts", "bulletin" FROM ${rp}."radio_delivery" WHERE ${span} AND ${siteIs} AND "status" =~ /^(failed|missed|expired)$/ LIMIT ${limit}`,
      );
      // The first failed delivery of a bulletin is its failure; live, a bulletin fires once.
      const seen = new Set<string>();
      for (const r of rows) {
        if (seen.has(r.bulletin)) continue;
        seen.add(r.bulletin);
        inputs.push({ kind: 'event', event: 'bulletin-failed', subject: r.bulletin, at: r.time.getTime() });
      }
    }
  }
  const g = rule.only?.metric;
  const guard = g ? (await readingsOf(selectDevices(site, g.select), g.metric)).map((r) => ({ ...r, metric: g.metric })).sort((a, b) => a.at - b.at) : [];
  inputs.sort((a, b) => a.at - b.at);
  const truncated = inputs.length > MAX_INPUTS;
  if (truncated) inputs.length = MAX_INPUTS;
  // What the replay read, after any cut.
  const replayed = truncated ? inputs.filter((i) => i.kind === 'reading').length : readings;
  return { inputs, guard, readings: replayed, events: inputs.length - replayed, truncated };
}
