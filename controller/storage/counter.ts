// Monotonic counters that can reset (a valve's totalLiters, a light's energyKwh): their increase
// over a window, computed in InfluxDB.
//
// The increase over (from, to] runs from the last reading at or before `from` (or, with none, the
// first in the window) through every reading in the window. Each step adds v − prev; a decrease is a
// meter restarted from 0 (replaced, or its memory lost), so that step adds the new value v. A missed
// reading loses nothing: its increase shows in the next reading's step.
//
// InfluxQL's non_negative_difference() drops the step at a reset, and no InfluxQL statement puts a
// step and the value it ended at on one row (`SELECT difference(x), x` is refused as mixing
// aggregate and raw; two subqueries in FROM are a union, not a join). So the sum is taken in parts:
//   Σ steps = Σ d over steps with d > 0   sum() over difference() in a subquery, per day on request
//                                          (GROUP BY time(1d) with tz(), which follows DST)
//           + Σ v over steps with d < 0   the resets' times from the same subquery, their values
//                                          from one point read each (resets are rare)
//           + the step into the window     from last() at or before `from` to first() in the
//                                          window: a difference() over the window cannot see it.
// The first parts are one request for any number of devices (GROUP BY "device"); a second request
// is made only if the window holds a reset.
import { escape, type InfluxDB } from 'influx';
import { localDate, zoneFormatter } from '../../devices/local-time.js';
import type { Storage } from './storage.js';

export interface CounterWindow {
  storage: Storage;
  /** Where the readings are; `village_2y` unless told. */
  retentionPolicy?: string;
  measurement: string;
  /** The counter's field, e.g. `totalLiters`. */
  field: string;
  from: Date;
  to: Date;
  /** Also split the increase into the local days of this time zone (see `byDay`). */
  tz?: string;
}

export interface CounterIncrease {
  /** The increase over (from, to]; 0 without two readings to compare. */
  total: number;
  /**
   * With `tz`, the increase per local day as `YYYY-MM-DD` → amount, in no particular order, listing
   * only days with an increase. Days run (midnight, midnight] like the window, and an increase
   * counts on the day of the reading that showed it: a reading at exactly midnight closes the day.
   */
  byDay: Map<string, number>;
}

/** One counter's increase over (from, to]. */
export async function counterIncrease(q: CounterWindow & { device: string }): Promise<CounterIncrease> {
  return (await counterIncreases({ ...q, devices: [q.device] })).get(q.device)!;
}

/** Many counters of one measurement at once, by device id; every device asked for is in the map. */
export async function counterIncreases(q: CounterWindow & { devices: readonly string[] }): Promise<Map<string, CounterIncrease>> {
  const out = new Map<string, CounterIncrease>(q.devices.map((id) => [id, { total: 0, byDay: new Map() }]));
  if (out.size === 0) return out;
  const influx = q.storage.influx;
  const lit = (d: Date) => escape.stringLit(d.toISOString());
  const source = `${escape.quoted(q.retentionPolicy ?? 'village_2y')}.${escape.quoted(q.measurement)}`;
  const field = escape.quoted(q.field);
  const devices = `(${[...out.keys()].map((id) => `"device" = ${escape.stringLit(id)}`).join(' OR ')})`;
  const inWindow = `time > ${lit(q.from)} AND time <= ${lit(q.to)}`;
  // Each device's steps inside the window, stamped at the reading that ends them.
  const steps = `(SELECT difference(${field}) AS d FROM ${source} WHERE ${devices} AND ${inWindow} GROUP BY "device")`;
  // Day buckets start 1 ns after local midnight, so a reading at midnight falls in the day it closes.
  const byDay = q.tz ? ` AND ${inWindow} GROUP BY time(1d, 1ns), "device" fill(none) tz(${escape.stringLit(q.tz)})` : ' GROUP BY "device"';

  type Row = { time: Date; device: string; v: number }; // the resets' rows carry d, not v
  const [before, first, rises, resets] = (await influx.query<Row>(
    [
      `SELECT last(${field}) AS v FROM ${source} WHERE ${devices} AND time <= ${lit(q.from)} GROUP BY "device"`,
      `SELECT first(${field}) AS v FROM ${source} WHERE ${devices} AND ${inWindow} GROUP BY "device"`,
      `SELECT sum(d) AS v FROM ${steps} WHERE d > 0${byDay}`,
      `SELECT d FROM ${steps} WHERE d < 0 GROUP BY "device"`,
    ],
    { precision: 'ms' },
  )) as unknown as Row[][];

  const fmt = q.tz ? zoneFormatter(q.tz) : undefined;
  /** The local day of an instant, or nothing when no days were asked for. */
  const day = (t: number) => {
    if (!q.tz) return undefined;
    const d = localDate(new Date(t), q.tz, 0, fmt);
    return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
  };
  /** The day a reading at `t` counts on: the instant just before it, so midnight closes a day. */
  const dayOfReading = (t: Date) => day(t.getTime() - 1);
  const add = (device: string, amount: number, d: string | undefined) => {
    const c = out.get(device);
    if (!c || !(amount > 0)) return;
    c.total += amount;
    if (d !== undefined) c.byDay.set(d, (c.byDay.get(d) ?? 0) + amount);
  };

  // A day bucket's time is its start, 1 ns after midnight: in ms, the midnight itself.
  for (const r of rises ?? []) add(r.device, r.v, day(r.time.getTime()));
  const prev = new Map((before ?? []).map((r) => [r.device, r.v]));
  for (const r of first ?? []) {
    const p = prev.get(r.device);
    if (typeof p === 'number' && typeof r.v === 'number') add(r.device, r.v >= p ? r.v - p : r.v, dayOfReading(r.time));
  }
  if (resets?.length) {
    const values = await valuesAt(influx, source, field, resets);
    resets.forEach((r, i) => add(r.device, values[i]!, dayOfReading(r.time)));
  }
  return out;
}

/** Each reading's value, by device and time (ms), in one request. */
async function valuesAt(influx: InfluxDB, source: string, field: string, at: readonly { device: string; time: Date }[]): Promise<number[]> {
  // One statement a reading: InfluxQL does not OR time ranges together.
  const statements = at.map(
    ({ device, time }) =>
      `SELECT first(${field}) AS v FROM ${source} WHERE "device" = ${escape.stringLit(device)} ` +
      `AND time >= ${escape.stringLit(time.toISOString())} AND time < ${escape.stringLit(new Date(time.getTime() + 1).toISOString())}`,
  );
  const res = (await influx.query<{ v: number }>(statements, { precision: 'ms' })) as unknown as { v: number }[][] | { v: number }[];
  // The client returns a single statement's rows unwrapped.
  const rows = statements.length === 1 ? [res as { v: number }[]] : (res as { v: number }[][]);
  return rows.map((r) => r[0]?.v ?? 0);
}
