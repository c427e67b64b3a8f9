// Storage in InfluxDB: writes batched by size and time through a PointWriter (1.x or the v2
// write API, writer.ts), a store-and-forward spool while the database is unreachable, replayed in
// order when it returns. Points carry their own timestamps, so a replayed point that had in fact
// reached the database overwrites itself (same series, same time) instead of doubling. Reads are
// InfluxQL over `/query`, which InfluxDB 1.x serves and 2.x/3 serve for v1 compatibility.
import { InfluxDB, escape } from 'influx';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Bus } from '../bus.js';
import { InfluxdProcess } from './influxd.js';
import { Spool } from './spool.js';
import { V1Writer, V2Writer, type PointWriter, type StoredPoint } from './writer.js';

export type { StoredPoint } from './writer.js';

/** InfluxDB 2.x/3/Cloud: writes through the v2 API into buckets, reads through `/query` with the same token. */
export interface InfluxV2Options {
  token: string;
  org: string;
  /** Takes what 1.x keeps in `retention`; map it as DBRP `database`/`retention.name` for reads. */
  bucket: string;
  /** Takes the archive points (map it as `database`/`archive.name`); without it they go to `bucket`. */
  archiveBucket?: string;
}

export interface StorageOptions {
  /** Read at start: the URL may only be known once a managed influxd has its port. */
  url: () => string;
  database: string;
  retention: { name: string; duration: string };
  /** For the few points that must outlive the raw data (the indicators' monthly figures). */
  archive: { name: string; duration: string };
  spoolDir: string;
  maxSpoolBytes: number;
  batchSize: number;
  flushMs: number;
  probeMs: number;
  /** Set: the server is InfluxDB 2.x/3/Cloud (no schema step, `/health` probe, v2 writes). */
  v2?: InfluxV2Options;
  log: Logger;
  bus: Bus;
}

/**
 * The storage a plane or a province keeps under DATA_DIR: its own influxd (1.x) unless given a
 * server (1.x, or 2.x with `v2`), two years of raw data, ten of the indicators' figures, a 256 MiB
 * spool. The caller starts the influxd before the storage.
 */
export function storageUnder(o: {
  dataDir: string;
  influxUrl?: string | undefined;
  database: string;
  v2?: InfluxV2Options | undefined;
  batchSize: number;
  overrides?: Partial<Pick<StorageOptions, 'batchSize' | 'flushMs' | 'probeMs' | 'maxSpoolBytes'>> | undefined;
  log: (module: string) => Logger;
  bus: Bus;
}): { influxd: InfluxdProcess | undefined; storage: Storage } {
  const influxd = o.influxUrl ? undefined : new InfluxdProcess({ dir: join(o.dataDir, 'influxdb'), log: o.log('influxd') });
  const storage = new Storage({
    url: () => o.influxUrl ?? influxd!.url,
    database: o.database,
    retention: { name: 'village_2y', duration: '104w' },
    archive: { name: 'village_10y', duration: '520w' },
    spoolDir: join(o.dataDir, 'spool'),
    maxSpoolBytes: 256 * 1024 * 1024,
    batchSize: o.batchSize,
    flushMs: 1000,
    probeMs: 2000,
    ...(o.influxUrl && o.v2 && { v2: o.v2 }),
    ...o.overrides,
    log: o.log('storage'),
    bus: o.bus,
  });
  return { influxd, storage };
}

export class Storage {
  private influxClient?: InfluxDB;
  private writer?: PointWriter;
  private buffer: StoredPoint[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Tasks in the chain, running or waiting. */
  private queued = 0;
  /** The write the callers of durable() wait for, while one is under way. */
  private nextDurable?: Promise<void>;
  private up = false;
  private flushTimer?: NodeJS.Timeout;
  private probeTimer?: NodeJS.Timeout;
  private stopping = false;
  private readonly lastEventTime = new Map<string, number>();
  private readonly spool: Spool;
  /** Points, except `writes`: the flushes that reached InfluxDB (what a replay writes counts in `replayed`). */
  private readonly counts = { accepted: 0, written: 0, writes: 0, spooled: 0, replayed: 0, dropped: 0, failures: 0 };

  constructor(private readonly o: StorageOptions) {
    this.spool = new Spool({
      dir: o.spoolDir,
      maxBytes: o.maxSpoolBytes,
      segmentBytes: Math.max(64 * 1024, Math.min(4 * 1024 * 1024, Math.floor(o.maxSpoolBytes / 8))),
      onDrop: (n) => {
        this.counts.dropped += n;
        o.log.error({ dropped: n, total: this.counts.dropped }, 'storage spool full: oldest points dropped');
        o.bus.emit('alert', {
          key: 'storage.spool-full',
          what: { code: 'storage-spool-full', dropped: this.counts.dropped },
          severity: 'critical',
          message: `InfluxDB unreachable and spool full: ${this.counts.dropped} oldest points dropped`,
          at: new Date(),
          active: true,
        });
      },
    });
  }

  stats() {
    return { up: this.up, buffered: this.buffer.length, spool: this.spool.size, ...this.counts };
  }

  get influx(): InfluxDB {
    if (!this.influxClient) throw new Error('storage not started');
    return this.influxClient;
  }

  async start(): Promise<void> {
    const u = new URL(this.o.url());
    this.influxClient = new InfluxDB({
      host: u.hostname,
      port: Number(u.port || 8086),
      protocol: u.protocol === 'https:' ? 'https' : 'http',
      database: this.o.database,
      // Retries and host back-off are ours (spool + probe); the client's own would stall writes for up to 10 s.
      pool: {
        maxRetries: 0,
        requestTimeout: 15_000,
        backoff: { getDelay: () => 100, next() { return this; }, reset() { return this; } },
      },
      ...(u.username && { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }),
      // v2's /query takes the token; without a username the client adds no Basic header over it
      // (null, because undefined gets the client's default user).
      ...(this.o.v2 && { username: null as unknown as string, options: { headers: { Authorization: `Token ${this.o.v2.token}` } } }),
    });
    this.writer = this.o.v2
      ? new V2Writer({ url: u.origin, ...this.o.v2 })
      : new V1Writer({ influx: this.influxClient, database: this.o.database, retention: this.o.retention, archive: this.o.archive });
    await this.spool.open();
    await this.probe();
    if (!this.up) this.o.log.warn({ url: this.o.url() }, 'InfluxDB unreachable at start: spooling to disk');
    this.flushTimer = setInterval(() => void this.flush(), this.o.flushMs);
    this.probeTimer = setInterval(() => void this.probe(), this.o.probeMs);
  }

  /**
   * Accepts an event point whose time must not collide with an earlier one of the same series
   * (InfluxDB keeps one point per series and time): nudged 1 ms past the last when needed.
   */
  writeEvent(p: StoredPoint): void {
    const key = p.measurement + JSON.stringify(p.tags);
    const last = this.lastEventTime.get(key) ?? 0;
    const time = Math.max(p.time, last + 1);
    this.lastEventTime.set(key, time);
    if (this.lastEventTime.size > 10_000) this.lastEventTime.clear();
    this.write({ ...p, time });
  }

  /** Accepts a point. From here on it is not lost: it reaches InfluxDB or the spool. */
  write(p: StoredPoint): void {
    this.buffer.push(p);
    this.counts.accepted++;
    // While a write is under way the batch keeps growing, and goes as one write when it is done:
    // writes are serial (to keep order), so fixed batches of batchSize would cap the rate at
    // batchSize per InfluxDB round trip (500 per ~35 ms = 14k points/s on the bench machine).
    if (this.buffer.length >= this.o.batchSize && this.queued === 0) void this.flush();
  }

  /** Writes what is buffered (or spools it); resolves when that is done. */
  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    return this.enqueue(async () => {
      if (batch.length === 0) return;
      if (this.up && this.spool.isEmpty()) {
        try {
          await this.writeNow(batch);
          this.counts.written += batch.length;
          this.counts.writes++;
          return;
        } catch (err) {
          this.markDown(err);
        }
      }
      await this.spool.append(batch);
      this.counts.spooled += batch.length;
    });
  }

  /**
   * Resolves once every point accepted before the call is in InfluxDB or the spool, as flush()
   * does; callers that come while a write is under way share the next one (a group commit), so
   * many small acknowledged writes (a province's pushes) make few round trips.
   */
  durable(): Promise<void> {
    if (this.queued === 0) return this.flush();
    this.nextDurable ??= this.chain.then(() => {
      this.nextDurable = undefined;
      return this.flush();
    });
    return this.nextDurable;
  }

  /** A device's points of the last `minutes`, newest first (at most 2000). */
  async recent(measurement: string, deviceId: string, minutes: number): Promise<Record<string, unknown>[]> {
    const rp = escape.quoted(this.o.retention.name);
    const q = `SELECT * FROM ${rp}.${escape.quoted(measurement)} WHERE "device" = ${escape.stringLit(deviceId)} AND time > now() - ${Math.floor(minutes)}m ORDER BY time DESC LIMIT 2000`;
    const rows = await this.influx.query<Record<string, unknown>>(q);
    return rows.map((r) => ({ ...r, time: (r.time as Date).toISOString() }));
  }

  /** A measurement's points in [fromMs, toMs), oldest first, after writing what is buffered. */
  async range(measurement: string, fromMs: number, toMs: number, limit = 100_000): Promise<Record<string, unknown>[]> {
    await this.flush();
    const rp = escape.quoted(this.o.retention.name);
    const q = `SELECT * FROM ${rp}.${escape.quoted(measurement)} WHERE time >= ${Math.floor(fromMs)}ms AND time < ${Math.floor(toMs)}ms ORDER BY time ASC LIMIT ${Math.floor(limit)}`;
    const rows = await this.influx.query<Record<string, unknown>>(q);
    return rows.map((r) => ({ ...r, time: (r.time as Date).toISOString() }));
  }

  /**
   * One field of one device in buckets of stepMs from fromMs to toMs: mean, min and max per bucket,
   * null where a bucket is empty (so a chart shows the gap). Unflushed points are written first.
   */
  async series(o: { measurement: string; field: string; deviceId: string; fromMs: number; toMs: number; stepMs: number }): Promise<{
    t: number[];
    mean: (number | null)[];
    min: (number | null)[];
    max: (number | null)[];
  }> {
    await this.flush();
    const rp = escape.quoted(this.o.retention.name);
    const f = escape.quoted(o.field);
    // Buckets aligned on stepMs from the epoch; the first may start before fromMs.
    const q =
      `SELECT mean(${f}) AS "mean", min(${f}) AS "min", max(${f}) AS "max" FROM ${rp}.${escape.quoted(o.measurement)} ` +
      `WHERE "device" = ${escape.stringLit(o.deviceId)} AND time >= ${Math.floor(o.fromMs)}ms AND time < ${Math.floor(o.toMs)}ms ` +
      `GROUP BY time(${Math.floor(o.stepMs)}ms) fill(null)`;
    const rows = await this.influx.query<{ time: Date; mean: number | null; min: number | null; max: number | null }>(q);
    const byTime = new Map(rows.map((r) => [r.time.getTime(), r]));
    // Every bucket, also when the device has no reading at all in the range (InfluxDB then returns
    // no rows), so several devices' series share one grid.
    const out = { t: [] as number[], mean: [] as (number | null)[], min: [] as (number | null)[], max: [] as (number | null)[] };
    for (let t = Math.floor(o.fromMs / o.stepMs) * o.stepMs; t < o.toMs; t += o.stepMs) {
      const r = byTime.get(t);
      out.t.push(t);
      out.mean.push(r?.mean ?? null);
      out.min.push(r?.min ?? null);
      out.max.push(r?.max ?? null);
    }
    return out;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.flushTimer);
    clearInterval(this.probeTimer);
    await this.flush();
    await this.chain;
    await this.writer?.close();
    this.o.log.info(this.stats(), 'storage stopped');
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    this.queued++;
    const next = this.chain
      .then(fn)
      .catch((err) => this.o.log.error({ err }, 'storage task failed'))
      .finally(() => {
        if (--this.queued === 0 && this.buffer.length >= this.o.batchSize) void this.flush();
      });
    this.chain = next;
    return next;
  }

  private writeNow(points: StoredPoint[]): Promise<void> {
    if (!this.writer) throw new Error('storage not started');
    return this.writer.write(points);
  }

  private markDown(err: unknown): void {
    this.counts.failures++;
    if (this.up) this.o.log.warn({ err: (err as Error).message }, 'InfluxDB write failed: spooling to disk');
    this.up = false;
  }

  private async probe(): Promise<void> {
    if (this.up && this.spool.isEmpty()) return;
    try {
      if (!this.writer || !(await this.writer.ping())) return;
      await this.writer.prepare();
    } catch {
      return;
    }
    if (!this.up) this.o.log.info({ spooled: this.spool.size.points }, 'InfluxDB reachable: replaying spool');
    this.up = true;
    void this.enqueue(() => this.replay());
  }

  /** Replays the spool oldest first; stops at the first failure and keeps the rest. */
  private async replay(): Promise<void> {
    for (;;) {
      const seg = await this.spool.oldest<StoredPoint>();
      if (!seg) {
        // Everything kept has reached the database: a spool-full alert of this run has ended (the
        // points it dropped stay lost, as its record says).
        if (this.counts.dropped > 0) this.o.bus.emit('alert', { key: 'storage.spool-full', what: { code: 'storage-spool-full', dropped: this.counts.dropped }, severity: 'critical', message: `spool replayed; ${this.counts.dropped} points were dropped`, at: new Date(), active: false });
        return;
      }
      try {
        // The writer splits it into requests InfluxDB takes (writer.ts, MAX_WRITE).
        await this.writeNow(seg.items);
      } catch (err) {
        this.markDown(err);
        return;
      }
      await this.spool.remove(seg.seq);
      this.counts.replayed += seg.items.length;
      if (this.stopping) return;
    }
  }
}
