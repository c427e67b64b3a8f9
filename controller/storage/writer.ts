// The write half of storage behind one small interface, so batching, spool and replay
// (storage.ts) do not care which InfluxDB takes the points: 1.x through the `influx` client
// (database + retention policies), or 2.x/3/Cloud through `@influxdata/influxdb-client`'s v2
// write API (org + buckets). Reads stay InfluxQL over `/query`, which all of them serve.
import { InfluxDB as InfluxV2, Point, type WriteApi } from '@influxdata/influxdb-client';
import type { InfluxDB, IPoint } from 'influx';

/** InfluxDB's advice is at most 5,000 points per request. */
export const MAX_WRITE = 5000;

export interface StoredPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string | boolean>;
  /** epoch ms */
  time: number;
  /** Kept in the archive retention policy / bucket (figures that must outlive the raw data), else the default. */
  archive?: true;
}

export interface PointWriter {
  /** Whether the server answers now (short timeout). */
  ping(): Promise<boolean>;
  /** Creates what writes need, once the server answers (1.x: database, retention policies). */
  prepare(): Promise<void>;
  /** Writes every point or rejects; a retry of the same points overwrites itself (same series and time). */
  write(points: StoredPoint[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A write's requests: the points per target (a request names one retention policy or bucket; the
 * archive points are rare), at most MAX_WRITE each.
 */
function* requests<T>(points: StoredPoint[], to: { main: T; archive: T }): Generator<[T, StoredPoint[]]> {
  const archive = points.filter((p) => p.archive);
  const main = archive.length ? points.filter((p) => !p.archive) : points;
  for (const [target, list] of [[to.main, main], [to.archive, archive]] as const) {
    for (let i = 0; i < list.length; i += MAX_WRITE) yield [target, list.slice(i, i + MAX_WRITE)];
  }
}

export interface V1WriterOptions {
  /** The client storage also reads with. */
  influx: InfluxDB;
  database: string;
  retention: { name: string; duration: string };
  archive: { name: string; duration: string };
}

export class V1Writer implements PointWriter {
  private schemaReady = false;

  constructor(private readonly o: V1WriterOptions) {}

  async ping(): Promise<boolean> {
    const hosts = await this.o.influx.ping(2000);
    return hosts.some((h) => h.online);
  }

  async prepare(): Promise<void> {
    if (this.schemaReady) return;
    const { influx, database } = this.o;
    const dbs = await influx.getDatabaseNames();
    if (!dbs.includes(database)) await influx.createDatabase(database);
    const rps = await influx.showRetentionPolicies(database);
    const { name, duration } = this.o.retention;
    if (!rps.some((r) => r.name === name)) {
      await influx.createRetentionPolicy(name, { database, duration, replication: 1, isDefault: true });
    }
    if (!rps.some((r) => r.name === this.o.archive.name)) {
      await influx.createRetentionPolicy(this.o.archive.name, { database, duration: this.o.archive.duration, replication: 1, isDefault: false });
    }
    this.schemaReady = true;
  }

  async write(points: StoredPoint[]): Promise<void> {
    for (const [rp, list] of requests(points, { main: this.o.retention.name, archive: this.o.archive.name })) {
      const ips: IPoint[] = list.map((p) => ({ measurement: p.measurement, tags: p.tags, fields: p.fields, timestamp: p.time }));
      await this.o.influx.writePoints(ips, { precision: 'ms', retentionPolicy: rp });
    }
  }

  async close(): Promise<void> {}
}

export interface V2WriterOptions {
  url: string;
  token: string;
  org: string;
  /** Takes what 1.x keeps in the default retention policy. */
  bucket: string;
  /** Takes the archive points; without it they go to `bucket`. */
  archiveBucket?: string;
  timeoutMs?: number;
}

export class V2Writer implements PointWriter {
  private readonly apis: { main: WriteApi; archive: WriteApi };

  constructor(private readonly o: V2WriterOptions) {
    const client = new InfluxV2({ url: o.url, token: o.token, timeout: o.timeoutMs ?? 15_000 });
    // Batching, retries and the spool are storage's: the client only sends what flush() hands it,
    // once, and a failure rejects that flush (instead of going to its retry buffer and console).
    const api = (bucket: string) =>
      client.getWriteApi(o.org, bucket, 'ms', {
        batchSize: MAX_WRITE + 1,
        flushInterval: 0,
        maxRetries: 0,
        writeFailed: (err) => Promise.reject(err),
      });
    const main = api(o.bucket);
    this.apis = { main, archive: o.archiveBucket && o.archiveBucket !== o.bucket ? api(o.archiveBucket) : main };
  }

  /** `/health` answers on InfluxDB 2.x, 3 and Cloud (and VictoriaMetrics); the token is sent for servers that ask. */
  async ping(): Promise<boolean> {
    try {
      const res = await fetch(new URL('/health', this.o.url), { headers: { Authorization: `Token ${this.o.token}` }, signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Buckets are made by whoever runs the server (with their retention): nothing to create here. */
  async prepare(): Promise<void> {}

  async write(points: StoredPoint[]): Promise<void> {
    for (const [api, list] of requests(points, this.apis)) {
      api.writePoints(list.map(toPoint));
      await api.flush();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...new Set([this.apis.main, this.apis.archive])].map((a) => a.close()));
  }
}

/** Numbers as floats, as the 1.x client writes them (no `i` suffix), so both give one field type. */
function toPoint(p: StoredPoint): Point {
  const pt = new Point(p.measurement).timestamp(p.time);
  for (const [k, v] of Object.entries(p.tags)) pt.tag(k, v);
  for (const [k, v] of Object.entries(p.fields)) {
    if (typeof v === 'number') pt.floatField(k, v);
    else if (typeof v === 'boolean') pt.booleanField(k, v);
    else pt.stringField(k, v);
  }
  return pt;
}
