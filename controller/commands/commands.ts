// The command service: validate, publish `cmd` at QoS 1 (never retained) with an id and an expiry,
// wait for the ack with a timeout and a bounded retry, and settle each command in exactly one
// recorded state. A repeated id is the same command. Every transition is written as an audit event.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { buildTopic, deviceType } from '../../devices/index.js';
import type { Bus } from '../bus.js';
import { desiredConfig, issueLines, type SiteStore } from '../config/site.js';
import type { Storage } from '../storage/storage.js';
import { DomainError, issuesOf } from '../errors.js';

export type CommandStatus = 'pending' | 'applied' | 'rejected' | 'expired' | 'timeout';

export interface CommandRecord {
  id: string;
  deviceId: string;
  action: string;
  params: Record<string, unknown>;
  status: CommandStatus;
  reason?: string;
  issuer: string;
  issuedAt: string;
  expiresAt: string;
  settledAt?: string;
  attempts: number;
}

export interface CommandRequest {
  deviceId: string;
  action: string;
  params: Record<string, unknown>;
  issuer: string;
  /** How long the command stays valid; the device acks `expired` after it. */
  ttlS?: number;
  /** A caller-chosen id makes a retry of the same request the same command. */
  id?: string;
}

const COMMAND_STATUS = { 'unknown-device': 404, invalid: 400, refused: 409, busy: 429, conflict: 409 } as const;

export class CommandError extends DomainError {
  constructor(
    override readonly code: keyof typeof COMMAND_STATUS,
    message: string,
    lines: string[] = [],
    readonly record?: CommandRecord,
  ) {
    super(code, message, COMMAND_STATUS[code], issuesOf(lines), record && { command: record });
  }
}

export interface CommandOptions {
  site: SiteStore;
  bus: Bus;
  storage: Storage;
  log: Logger;
  publish: (topic: string, payload: unknown) => Promise<void>;
  ackTimeoutMs: number;
  maxAttempts: number;
  defaultTtlS: number;
  maxTtlS: number;
  maxPendingPerDevice: number;
  maxPending: number;
  historySize: number;
}

interface Pending {
  timer?: NodeJS.Timeout;
  waiters: ((r: CommandRecord) => void)[];
}

export class CommandService {
  private readonly records = new Map<string, CommandRecord>();
  private readonly pending = new Map<string, Pending>();
  // Per-device indexes: every device view (API, each live stream, on each command event) asks for
  // a device's pending and latest commands, which must not mean a scan of the whole history.
  private readonly pendingByDevice = new Map<string, Set<string>>();
  private readonly latestByDevice = new Map<string, string[]>();
  private off?: () => void;

  constructor(private readonly o: CommandOptions) {}

  async start(): Promise<void> {
    this.off = this.o.bus.on('ack', (a) => {
      const r = this.records.get(a.id);
      if (!r || r.deviceId !== a.deviceId) {
        this.o.log.warn({ deviceId: a.deviceId, id: a.id }, 'ack for an unknown command');
        return;
      }
      // Acks are idempotent: a second ack for a settled command changes nothing.
      if (r.status === 'pending') this.settle(r, a.status, a.reason);
    });
  }

  async stop(): Promise<void> {
    this.off?.();
    // Commands still in flight keep their device-side expiry; here they end as timeout, recorded.
    for (const r of this.records.values()) if (r.status === 'pending') this.settle(r, 'timeout', 'controller stopped');
  }

  get(id: string): CommandRecord | undefined {
    return this.records.get(id);
  }

  pendingFor(deviceId: string): CommandRecord[] {
    return [...(this.pendingByDevice.get(deviceId) ?? [])].map((id) => this.records.get(id)!);
  }

  /** The device's latest commands, newest first, settled or not. */
  recentFor(deviceId: string, limit = 5): CommandRecord[] {
    const ids = this.latestByDevice.get(deviceId) ?? [];
    const out: CommandRecord[] = [];
    for (let i = ids.length - 1; i >= 0 && out.length < limit; i--) {
      const r = this.records.get(ids[i]!);
      if (r) out.push(r);
    }
    return out;
  }

  recent(limit = 100): CommandRecord[] {
    return [...this.records.values()].slice(-limit).reverse();
  }

  /** Resolves when the command is settled (immediately if it already is). */
  settled(id: string): Promise<CommandRecord> {
    const r = this.records.get(id);
    if (!r) return Promise.reject(new Error(`unknown command ${id}`));
    if (r.status !== 'pending') return Promise.resolve(r);
    return new Promise((resolve) => this.pending.get(id)!.waiters.push(resolve));
  }

  async send(req: CommandRequest): Promise<CommandRecord> {
    const { site, log } = this.o;
    if (req.id) {
      const existing = this.records.get(req.id);
      if (existing) {
        if (existing.deviceId !== req.deviceId || existing.action !== req.action) {
          throw new CommandError('conflict', `command id ${req.id} is already used for another command`);
        }
        return existing;
      }
    }
    const dev = site.device(req.deviceId);
    if (!dev) throw new CommandError('unknown-device', `unknown device ${req.deviceId}`);
    const type = deviceType(dev.type)!;
    const parsed = type.command.safeParse({ action: req.action, params: req.params });
    if (!parsed.success) throw new CommandError('invalid', `invalid command for ${dev.type}`, issueLines(parsed.error));
    const ttlS = req.ttlS ?? this.o.defaultTtlS;
    if (!(ttlS >= 1 && ttlS <= this.o.maxTtlS)) throw new CommandError('invalid', `ttlS must be 1..${this.o.maxTtlS}`, [`ttlS: must be 1..${this.o.maxTtlS}`]);
    if (this.pending.size >= this.o.maxPending || this.pendingFor(dev.id).length >= this.o.maxPendingPerDevice) {
      throw new CommandError('busy', `too many commands in flight for ${dev.id}`);
    }
    const now = Date.now();
    const r: CommandRecord = {
      id: req.id ?? randomUUID(),
      deviceId: dev.id,
      action: parsed.data.action,
      params: parsed.data.params,
      status: 'pending',
      issuer: req.issuer,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttlS * 1000).toISOString(),
      attempts: 0,
    };
    this.remember(r);
    // The device checks this rule too; checking it here spares a round trip and explains why.
    const refusal = type.refuse?.(parsed.data, desiredConfig(site.config, dev));
    if (refusal) {
      this.settle(r, 'rejected', refusal);
      throw new CommandError('refused', refusal, [refusal], r);
    }
    this.pending.set(r.id, { waiters: [] });
    let mine = this.pendingByDevice.get(r.deviceId);
    if (!mine) this.pendingByDevice.set(r.deviceId, (mine = new Set()));
    mine.add(r.id);
    this.audit(r);
    this.o.bus.emit('command', r);
    // Each step is an audit point in InfluxDB already; the log line is for debugging.
    log.debug({ id: r.id, deviceId: r.deviceId, action: r.action, issuer: r.issuer }, 'command issued');
    void this.attempt(r);
    return r;
  }

  private async attempt(r: CommandRecord): Promise<void> {
    const p = this.pending.get(r.id);
    if (!p || r.status !== 'pending') return;
    // Past its expiry a device would refuse it anyway: the command is over, as expired.
    if (Date.now() >= Date.parse(r.expiresAt)) return this.settle(r, 'expired', r.attempts === 0 ? 'not sent before expiry' : 'no ack before expiry');
    if (r.attempts >= this.o.maxAttempts) return this.settle(r, 'timeout', `no ack after ${r.attempts} attempts`);
    r.attempts++;
    const envelope = { id: r.id, action: r.action, params: r.params, issuedAt: r.issuedAt, expiresAt: r.expiresAt };
    try {
      await this.o.publish(buildTopic(this.o.site.config.site.id, r.deviceId, 'cmd'), envelope);
    } catch (err) {
      this.o.log.warn({ id: r.id, err: (err as Error).message }, 'command publish failed');
    }
    if (r.status !== 'pending') return;
    const untilExpiry = Date.parse(r.expiresAt) - Date.now();
    p.timer = setTimeout(() => void this.attempt(r), Math.max(0, Math.min(this.o.ackTimeoutMs, untilExpiry)));
  }

  private settle(r: CommandRecord, status: Exclude<CommandStatus, 'pending'>, reason?: string): void {
    r.status = status;
    if (reason) r.reason = reason;
    else delete r.reason;
    r.settledAt = new Date().toISOString();
    const p = this.pending.get(r.id);
    this.pending.delete(r.id);
    const mine = this.pendingByDevice.get(r.deviceId);
    mine?.delete(r.id);
    if (mine?.size === 0) this.pendingByDevice.delete(r.deviceId);
    clearTimeout(p?.timer);
    this.audit(r);
    this.o.bus.emit('command', r);
    this.o.log.debug({ id: r.id, deviceId: r.deviceId, status, reason }, 'command settled');
    for (const w of p?.waiters ?? []) w(r);
  }

  private remember(r: CommandRecord): void {
    this.records.set(r.id, r);
    const latest = this.latestByDevice.get(r.deviceId) ?? [];
    latest.push(r.id);
    // A few more than any view asks for; older ids of the device fall off here.
    if (latest.length > 20) latest.shift();
    this.latestByDevice.set(r.deviceId, latest);
    // Bounded history: drop the oldest settled records (pending ones are never dropped).
    for (const [id, old] of this.records) {
      if (this.records.size <= this.o.historySize) break;
      if (old.status !== 'pending') this.records.delete(id);
    }
  }

  private audit(r: CommandRecord): void {
    const dev = this.o.site.device(r.deviceId)!;
    this.o.storage.writeEvent({
      measurement: 'command_audit',
      tags: { site: this.o.site.config.site.id, device: r.deviceId, type: dev.type, action: r.action, status: r.status },
      fields: {
        id: r.id,
        issuer: r.issuer,
        params: JSON.stringify(r.params),
        attempts: r.attempts,
        ...(r.reason && { reason: r.reason }),
      },
      time: r.settledAt ? Date.parse(r.settledAt) : Date.parse(r.issuedAt),
    });
  }
}
