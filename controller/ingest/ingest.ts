// Ingest: topic → device → type → safeParse → bus. Anything invalid is counted, logged once per
// device per minute and kept in the quarantine measurement with its reason; nothing is dropped silently.
import type { Logger } from 'pino';
import { AckEnvelope, Availability, deviceType, parseTopic } from '../../devices/index.js';
import type { Bus } from '../bus.js';
import type { SiteStore } from '../config/site.js';
import { issueLines } from '../config/site.js';
import type { Storage } from '../storage/storage.js';

const MAX_BACKLOG = 5000;
const FUTURE_SLACK_MS = 5 * 60_000;
const LOG_EVERY_MS = 60_000;

export interface IngestStats {
  messages: number;
  readings: number;
  quarantined: number;
  quarantinedByDevice: Record<string, number>;
}

export class Ingest {
  private readonly counts = { messages: 0, readings: 0, quarantined: 0 };
  private readonly quarantinedByDevice = new Map<string, number>();
  private readonly lastLog = new Map<string, number>();
  private readonly knownKeys = new Map<string, Set<string>>(); // by device type

  constructor(private readonly o: { site: SiteStore; bus: Bus; storage: Storage; log: Logger; now?: () => number }) {}

  stats(): IngestStats {
    return { ...this.counts, quarantinedByDevice: Object.fromEntries(this.quarantinedByDevice) };
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  handle(topic: string, payload: Buffer): void {
    this.counts.messages++;
    const t = parseTopic(topic);
    if (!t) return; // the broker's ACL keeps these out; nothing to attribute it to
    const dev = this.o.site.device(t.deviceId);
    const channel = t.channel;
    if (!dev) return this.quarantine(t.deviceId, channel, 'unknown device', payload, false);
    const type = deviceType(dev.type)!;
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      // Third-party firmware sometimes sends avail as a bare word; the contract says JSON, we accept both.
      if (channel === 'avail' && ['online', 'offline'].includes(payload.toString('utf8'))) body = payload.toString('utf8');
      else return this.quarantine(dev.id, channel, `malformed JSON: ${(e as Error).message}`, payload);
    }
    const at = new Date(this.now());
    switch (channel) {
      case 'telemetry': {
        const items = Array.isArray(body) ? body : [body];
        if (items.length > MAX_BACKLOG) return this.quarantine(dev.id, channel, `backlog of ${items.length} readings exceeds ${MAX_BACKLOG}`, payload);
        // A backlog uploaded after an outage: its last item is the device now, the rest history.
        for (let i = 0; i < items.length; i++) this.reading(dev.id, dev.type, items[i], at, i < items.length - 1);
        return;
      }
      case 'state': {
        const r = type.state?.safeParse(body);
        if (!r?.success) return this.quarantine(dev.id, channel, r ? issueLines(r.error).join('; ') : `${dev.type} reports no state`, payload);
        this.o.bus.emit('state', { deviceId: dev.id, state: r.data, at });
        return;
      }
      case 'avail': {
        const r = Availability.safeParse(body);
        if (!r.success) return this.quarantine(dev.id, channel, issueLines(r.error).join('; '), payload);
        this.o.bus.emit('availability', { deviceId: dev.id, availability: r.data, at, why: 'message' });
        return;
      }
      case 'ack': {
        const r = AckEnvelope.safeParse(body);
        if (!r.success) return this.quarantine(dev.id, channel, issueLines(r.error).join('; '), payload);
        this.o.bus.emit('ack', { deviceId: dev.id, id: r.data.id, status: r.data.status, ...(r.data.reason && { reason: r.data.reason }), at });
        return;
      }
      default:
        return; // cmd/config are the plane's own; the ACL does not let devices publish them
    }
  }

  private reading(deviceId: string, typeName: string, item: unknown, receivedAt: Date, backlog = false): void {
    const type = deviceType(typeName)!;
    let parsed = type.reading.safeParse(item);
    let isEvent = false;
    if (!parsed.success && type.events) {
      const ev = type.events.safeParse(item);
      if (ev.success) {
        parsed = ev;
        isEvent = true;
      }
    }
    // The item as it came, for the quarantine only: valid readings never pay for it.
    const raw = () => Buffer.from(JSON.stringify(item) ?? 'undefined');
    if (!parsed.success) return this.quarantine(deviceId, 'telemetry', issueLines(parsed.error).join('; '), raw());
    const { ts, ...rest } = parsed.data as { ts?: number | string } & Record<string, unknown>;
    const when = ts === undefined ? receivedAt : new Date(ts);
    if (when.getTime() > receivedAt.getTime() + FUTURE_SLACK_MS) {
      return this.quarantine(deviceId, 'telemetry', `timestamp ${when.toISOString()} is in the future`, raw());
    }
    let known = this.knownKeys.get(typeName);
    if (!known) this.knownKeys.set(typeName, (known = new Set([...type.influx.fields, ...type.metrics.map((m) => m.key)])));
    const values: Record<string, unknown> = {};
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) (known.has(k) ? values : extra)[k] = v;
    this.counts.readings++;
    this.o.bus.emit(isEvent ? 'deviceEvent' : 'reading', {
      deviceId,
      type: typeName,
      ts: when,
      values,
      ...(Object.keys(extra).length > 0 && { extra }),
      ...(backlog && { backlog: true as const }),
    });
  }

  private quarantine(deviceId: string, channel: string, reason: string, payload: Buffer, known = true): void {
    this.counts.quarantined++;
    const key = known ? deviceId : '_unknown';
    this.quarantinedByDevice.set(key, (this.quarantinedByDevice.get(key) ?? 0) + 1);
    const now = this.now();
    if (now - (this.lastLog.get(key) ?? 0) >= LOG_EVERY_MS) {
      this.lastLog.set(key, now);
      this.o.log.warn({ deviceId, channel, reason, count: this.quarantinedByDevice.get(key) }, 'message quarantined');
    }
    this.o.storage.writeEvent({
      measurement: 'quarantine',
      // Unknown ids are not bounded, so they are a field, never a tag.
      tags: { site: this.o.site.config.site.id, device: key, channel },
      fields: { reason: reason.slice(0, 1000), payload: payload.toString('utf8').slice(0, 2048), ...(!known && { deviceId }) },
      time: now,
    });
  }
}
