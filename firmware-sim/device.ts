// One simulated field device: the firmware loop around a pure SimModel, speaking only
// PROTOCOL.md over real MQTT, with the same credentials and topics real firmware uses.
//
// Time. The physics runs on the SimClock, which may be accelerated (a day in minutes). Everything
// on the wire uses real wall time: reading and event `ts` (so accelerated points do not land in
// the future in storage) and command expiry (the plane stamps issuedAt/expiresAt on real time).
// Only the rate at which simulated time passes between readings is accelerated.
//
// The step timer runs whether or not the broker is reachable, so a valve closes on time with no
// network, and readings taken while offline are kept and uploaded as a backlog on reconnect.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { pino, type Logger } from 'pino';
import type { z } from 'zod';
import type { AckStatus, DeviceType, Rng, SimDevice, SimEnvironment, SiteContext } from '../devices/define.js';
import { AckEnvelope, CommandEnvelope } from '../devices/envelope.js';
import { deviceType } from '../devices/index.js';
import { buildTopic, type Channel } from '../devices/topics.js';
import type { SimClock } from './clock.js';
import type { EnvProvider } from './environment.js';

export interface SiteInfo extends SiteContext {
  id: string;
}

export interface SimulatedDeviceOptions {
  site: SiteInfo;
  device: SimDevice & { type: string };
  secret: string;
  brokerUrl: string;
  clock: SimClock;
  rng: Rng;
  env: EnvProvider;
  logger?: Logger;
  /** MQTT keepalive; the plane counts as lost after 1.5 × this without a connection. */
  keepaliveS?: number;
  /** Real milliseconds between physics steps. */
  stepEveryMs?: number;
  /** Readings kept while offline; the oldest go first. */
  backlogLimit?: number;
  /** The first reconnect wait; each failed attempt doubles it (with jitter), up to maxReconnectMs. */
  reconnectPeriodMs?: number;
  maxReconnectMs?: number;
  /** Real wall time (epoch ms) for ts and expiry; tests pass their own. */
  wallNow?: () => number;
}

type Ack = z.infer<typeof AckEnvelope>;
type Cmd = { action: string; params: Record<string, unknown> };

const ACK_MEMORY = 256;
/** The broker refuses packets over 64 KiB; a backlog goes up in arrays well under that. */
const BACKLOG_CHUNK_BYTES = 32 * 1024;
/** Readings no faster than this, so a fast-forwarded fleet stays within the broker's rate limit. */
const MIN_REPORT_MS = 1000;
/** Longest physics step; a longer gap (a stalled loop, a high speed) is split into steps this long. */
const MAX_STEP_S = 300;

/** Whether p settled within ms; never throws. */
const within = (p: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(
      () => (clearTimeout(t), resolve(true)),
      () => (clearTimeout(t), resolve(true)),
    );
  });

const issues = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`).join('; ').slice(0, 500);

export class SimulatedDevice {
  readonly id: string;
  readonly type: DeviceType<unknown, unknown>;
  private readonly o: SimulatedDeviceOptions;
  private readonly log: Logger;
  private readonly device: SimDevice;
  private readonly wallNow: () => number;
  private readonly defaultConfig: unknown;

  private state: unknown;
  private config: unknown;
  private env!: SimEnvironment;
  private lastStepSimMs = 0;
  private client: MqttClient | undefined;
  private running = false;
  private lostPlane = false;
  private stepTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  private lostTimer: NodeJS.Timeout | undefined;
  private lastState: string | undefined;
  private lastStateAt = 0;
  private lastError: string | undefined;
  private readonly acks = new Map<string, Ack>();
  /** Commands being prepared (a download): a re-sent id is not started twice; its ack will come. */
  private readonly preparing = new Set<string>();
  /** Aborts preparations when the device stops. */
  private halt = new AbortController();
  private backlog: Record<string, unknown>[] = [];
  private heldEvents: Record<string, unknown>[] = [];

  constructor(o: SimulatedDeviceOptions) {
    const type = deviceType(o.device.type);
    if (!type) throw new Error(`device ${o.device.id}: unknown type ${o.device.type}`);
    this.o = o;
    this.id = o.device.id;
    this.type = type;
    this.log = (o.logger ?? pino({ level: 'silent' })).child({ device: o.device.id });
    this.wallNow = o.wallNow ?? Date.now;
    const attrs = type.attributes.safeParse(o.device.attributes);
    if (!attrs.success) throw new Error(`device ${o.device.id}: bad attributes: ${issues(attrs.error)}`);
    this.device = { ...o.device, attributes: attrs.data };
    this.defaultConfig = type.defaultConfig(o.site, attrs.data);
    this.config = this.defaultConfig;
  }

  get zoneId(): string | undefined {
    return this.device.zone;
  }

  /** The model's full state (for tests and tools; read-only by convention). */
  get simState(): unknown {
    return this.state;
  }

  get currentConfig(): unknown {
    return this.config;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Whether the device has given up on the plane (its fail-safes are in force). */
  get planeLost(): boolean {
    return this.lostPlane;
  }

  /** The actuator state as the device reports it, or undefined for a sensor. */
  reported(): Record<string, unknown> | undefined {
    return this.type.sim.reported && this.state !== undefined ? this.type.sim.reported(this.state) : undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.halt = new AbortController();
    this.lastStepSimMs = this.o.clock.nowMs();
    this.env = this.o.env(new Date(this.lastStepSimMs));
    this.state ??= this.type.sim.init(this.device, this.o.rng, this.env);
    // A zero-length step lets the model settle against its config (a light picks up its profile level).
    this.advance();
    this.stepTimer = setInterval(() => this.safely('step', () => this.advance()), this.o.stepEveryMs ?? 1000);
    this.scheduleReports();
    this.connect();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.halt.abort();
    for (const t of [this.stepTimer, this.reportTimer, this.lostTimer]) clearTimeout(t);
    this.stepTimer = this.reportTimer = this.lostTimer = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // A clean shutdown says "offline" itself: a graceful disconnect makes the broker drop the will.
    // Both waits are bounded: a broker that stopped answering must not hold up a shutdown.
    if (client.connected) {
      await within(client.publishAsync(this.topic('avail'), JSON.stringify('offline'), { qos: 1, retain: true }), 2000);
    }
    if (!(await within(client.endAsync(!client.connected), 2000))) client.stream?.destroy();
  }

  /**
   * Drops the link the way a power or radio loss does: the socket closes with no DISCONNECT, so
   * the broker publishes the last will, and whatever was in flight is lost. The device keeps
   * running on its own (and buffering readings) until restoreLink().
   */
  cutLink(): void {
    const client = this.client;
    this.client = undefined;
    client?.end(true);
    this.onClose();
  }

  /** Powers the radio back up: a fresh connection, as after a reboot of the modem. */
  restoreLink(): void {
    if (this.running && !this.client) this.connect();
  }

  private topic(channel: Channel): string {
    return buildTopic(this.o.site.id, this.id, channel);
  }

  private safely(what: string, f: () => void): void {
    try {
      f();
    } catch (err) {
      this.log.error({ err }, `${what} failed`);
    }
  }

  // ---- MQTT --------------------------------------------------------------------------------

  private connect(): void {
    const options: IClientOptions = {
      clientId: this.id,
      username: this.id,
      password: this.o.secret,
      protocolVersion: 4, // 3.1.1: devices must not depend on 5.0
      keepalive: this.o.keepaliveS ?? 30,
      clean: true,
      // Subscriptions are made on every connect below; mqtt.js re-subscribing too would double the retained config.
      resubscribe: false,
      reconnectPeriod: this.o.reconnectPeriodMs ?? 2000,
      connectTimeout: 10_000,
      will: { topic: this.topic('avail'), payload: Buffer.from(JSON.stringify('offline')), qos: 1, retain: true },
    };
    const client = connect(this.o.brokerUrl, options);
    this.client = client;
    // Jittered exponential backoff, as PROTOCOL.md asks of firmware: a commune's devices back after
    // a power cut spread out instead of arriving in the same second. Set before mqtt.js's own
    // close handler reads it for the next attempt. Math.random, not the physics' seeded source,
    // so network timing never shifts a simulation's readings.
    const base = this.o.reconnectPeriodMs ?? 2000;
    let attempt = 0;
    client.prependListener('close', () => {
      const ceiling = Math.min(this.o.maxReconnectMs ?? 30_000, base * 2 ** Math.min(attempt++, 16));
      client.options.reconnectPeriod = Math.max(1, Math.round(ceiling / 2 + (Math.random() * ceiling) / 2));
    });
    client.on('connect', () => (attempt = 0));
    client.on('connect', () => this.safely('connect', () => this.onConnect(client)));
    client.on('close', () => this.onClose());
    client.on('error', (err) => {
      // A broker that is down fails every retry the same way: say it once, not every few seconds.
      if (err.message === this.lastError) return;
      this.lastError = err.message;
      this.log.warn({ err: err.message }, 'mqtt error');
    });
    client.on('message', (topic, payload, packet) =>
      this.safely('message', () => {
        // A command is never retained (PROTOCOL.md); a retained one would replay a stale order.
        if (topic === this.topic('cmd')) {
          if (packet.retain) this.log.warn('retained cmd ignored');
          else this.onCommand(payload);
        }
        else if (topic === this.topic('config')) this.onConfig(payload);
      }),
    );
  }

  private onConnect(client: MqttClient): void {
    this.log.info('connected');
    // State then ack go out as two small writes; with Nagle on, the ack waits ~40 ms for a delayed ACK.
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    this.lastError = undefined;
    clearTimeout(this.lostTimer);
    this.lostTimer = undefined;
    this.lostPlane = false;
    client.publish(this.topic('avail'), JSON.stringify('online'), { qos: 1, retain: true });
    this.publishState(true);
    client.subscribe([this.topic('cmd'), this.topic('config')], { qos: 1 }, (err) => {
      if (err) this.log.error({ err: err.message }, 'subscribe failed');
    });
    this.flushBacklog(client);
  }

  private onClose(): void {
    if (!this.running || this.lostTimer || this.lostPlane) return;
    // Give the link a keepalive and a half to come back before falling back to local fail-safes.
    const graceMs = (this.o.keepaliveS ?? 30) * 1500;
    this.lostTimer = setTimeout(() => {
      this.lostTimer = undefined;
      if (this.connected) return;
      this.lostPlane = true;
      this.log.warn('plane lost: local fail-safes in force');
      if (this.type.sim.onPlaneLost) this.state = this.type.sim.onPlaneLost(this.state, this.config);
      this.publishState();
    }, graceMs);
  }

  private publish(channel: Channel, payload: unknown, retain = false): void {
    this.client?.publish(this.topic(channel), JSON.stringify(payload), { qos: 1, retain });
  }

  /** Publishes the reported state when it changed (or always on connect); sent on connect if offline now. */
  private publishState(force = false): void {
    const rep = this.reported();
    if (!rep) return;
    const text = JSON.stringify(rep);
    if (!this.connected || (!force && text === this.lastState)) return;
    const v = this.type.volatileState;
    const steady = (s: string) => (v ? JSON.stringify({ ...(JSON.parse(s) as object), ...Object.fromEntries(v.keys.map((k) => [k, 0])) }) : s);
    const changed = !force && this.lastState !== undefined && steady(text) !== steady(this.lastState);
    // Only the countdown moved: report it now and then, not on every step.
    if (v && !force && !changed && this.lastState !== undefined && this.wallNow() - this.lastStateAt < v.refreshS * 1000) return;
    this.lastState = text;
    this.lastStateAt = this.wallNow();
    this.publish('state', rep, true);
    // A real change (a valve closing) comes with its meters at once, so the plane can count a run's water at its end.
    if (changed) this.publish('telemetry', { ts: this.wallNow(), ...this.type.sim.reading(this.state, { env: this.env, rng: this.o.rng, device: this.device }) });
  }

  private ack(a: Ack): void {
    this.acks.delete(a.id);
    this.acks.set(a.id, a);
    if (this.acks.size > ACK_MEMORY) this.acks.delete(this.acks.keys().next().value as string);
    this.publish('ack', a);
  }

  // ---- Commands and config -------------------------------------------------------------------

  private onCommand(payload: Buffer): void {
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch {
      this.log.warn('cmd is not JSON; dropped');
      return;
    }
    const env = CommandEnvelope.safeParse(raw);
    if (!env.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      // Without a usable id there is no one to answer.
      if (typeof id === 'string' && id.length > 0 && id.length <= 64) this.ack({ id, status: 'rejected', reason: issues(env.error) });
      else this.log.warn({ reason: issues(env.error) }, 'cmd envelope invalid; dropped');
      return;
    }
    const { id, action, params, expiresAt } = env.data;
    const seen = this.acks.get(id);
    if (seen) {
      // The same id is the same command: answer as before, apply nothing.
      this.ack(seen);
      return;
    }
    if (this.preparing.has(id)) return;
    const expired = () => Date.parse(expiresAt) < this.wallNow();
    if (expired()) {
      this.ack({ id, status: 'expired' });
      return;
    }
    const cmd = this.type.command.safeParse({ action, params });
    if (!cmd.success) {
      this.ack({ id, status: 'rejected', reason: issues(cmd.error) });
      return;
    }
    const refusal = this.type.refuse?.(cmd.data, this.config);
    if (refusal) {
      this.ack({ id, status: 'rejected', reason: refusal });
      return;
    }
    if (!this.type.sim.command) {
      this.ack({ id, status: 'rejected', reason: `${this.type.type} takes no commands` });
      return;
    }
    this.advance(); // apply the command to the present, not to the last step
    const prepare = this.type.sim.prepare;
    if (!prepare) {
      this.apply(id, cmd.data as Cmd);
      return;
    }
    // Not serialized: an emergency must not wait behind a bulletin's download.
    this.preparing.add(id);
    const signal = this.halt.signal;
    const state = this.state;
    const config = this.config;
    Promise.resolve()
      .then(() => prepare(state, cmd.data as Cmd, { config, signal }))
      .catch((err: unknown) => ({ reject: `not prepared: ${(err as Error).message}` }))
      .then((p) => {
        if (signal.aborted) return; // switched off meanwhile: no ack, as from a dead device
        if (expired()) this.ack({ id, status: 'expired' });
        else if ('reject' in p) {
          this.ack({ id, status: 'rejected', reason: p.reject });
          this.log.info({ cmd: id, action, status: 'rejected', reason: p.reject }, 'command');
        } else {
          this.advance();
          this.apply(id, cmd.data as Cmd, p.prepared);
        }
      })
      .catch((err: unknown) => this.log.error({ err }, 'command failed'))
      .finally(() => this.preparing.delete(id));
  }

  private apply(id: string, cmd: Cmd, prepared?: Record<string, unknown>): void {
    const { action } = cmd;
    const r = this.type.sim.command!(this.state, cmd, { config: this.config, env: this.env, ...(prepared && { prepared }) });
    this.state = r.state;
    this.emit(r.events);
    // State before ack: when the plane settles the command, the state it shows already reflects it.
    this.publishState();
    this.ack({ id, status: r.status as Exclude<AckStatus, 'expired'>, ...(r.reason !== undefined && { reason: r.reason }) });
    this.log.info({ cmd: id, action, status: r.status, reason: r.reason }, 'command');
  }

  private onConfig(payload: Buffer): void {
    let next: unknown = this.defaultConfig;
    // An empty retained payload is the plane clearing the config: back to the type's defaults.
    if (payload.length > 0) {
      let raw: unknown;
      try {
        raw = JSON.parse(payload.toString('utf8'));
      } catch {
        this.log.warn('config is not JSON; keeping the current one');
        return;
      }
      const parsed = this.type.config.safeParse(raw);
      if (!parsed.success) {
        this.log.warn({ reason: issues(parsed.error) }, 'config invalid; keeping the current one');
        return;
      }
      next = parsed.data;
    }
    const before = this.reportEveryS();
    this.config = next;
    if (this.reportEveryS() !== before) this.scheduleReports();
    this.log.info('config applied');
    if (this.running) this.advance();
  }

  // ---- Physics and telemetry -----------------------------------------------------------------

  private reportEveryS(): number {
    const fromConfig = (this.config as { reportEveryS?: unknown } | undefined)?.reportEveryS;
    return typeof fromConfig === 'number' ? fromConfig : this.type.reportEveryS;
  }

  /** Readings come every reportEveryS of sim time, but never faster than MIN_REPORT_MS of real time. */
  private reportPeriodMs(): number {
    return Math.max(MIN_REPORT_MS, this.o.clock.realMsFor(this.reportEveryS()));
  }

  /**
   * The config the model sees. When readings are slowed to MIN_REPORT_MS, the interval between them
   * in sim time is longer than configured, and a model that reports per interval (rain) must know.
   */
  private modelConfig(): unknown {
    const c = this.config as { reportEveryS?: unknown } | undefined;
    if (typeof c?.reportEveryS !== 'number') return this.config;
    return { ...c, reportEveryS: (this.reportPeriodMs() * this.o.clock.speed) / 1000 };
  }

  private scheduleReports(): void {
    clearInterval(this.reportTimer);
    this.reportTimer = undefined;
    if (!this.running) return;
    this.reportTimer = setInterval(() => this.safely('reading', () => this.takeReading()), this.reportPeriodMs());
  }

  /** Brings the physics up to the sim clock's now. */
  private advance(): void {
    const nowMs = this.o.clock.nowMs();
    let dtS = Math.max(0, (nowMs - this.lastStepSimMs) / 1000);
    const config = this.modelConfig();
    let t = this.lastStepSimMs;
    do {
      const h = Math.min(dtS, MAX_STEP_S);
      t = h < dtS ? t + h * 1000 : nowMs;
      this.env = this.o.env(new Date(t));
      const r = this.type.sim.step(this.state, { env: this.env, dtS: h, rng: this.o.rng, config, device: this.device });
      this.state = r.state;
      this.emit(r.events);
      dtS -= h;
    } while (dtS > 0);
    this.lastStepSimMs = nowMs;
    this.publishState();
  }

  private takeReading(): void {
    this.advance();
    const reading = { ts: this.wallNow(), ...this.type.sim.reading(this.state, { env: this.env, rng: this.o.rng, device: this.device }) };
    if (this.connected) {
      this.publish('telemetry', reading);
      return;
    }
    this.backlog.push(reading);
    if (this.backlog.length > (this.o.backlogLimit ?? 500)) this.backlog.shift();
  }

  /** Events (a broadcast started) go out at once as telemetry, each with its own ts. */
  private emit(events: Record<string, unknown>[] | undefined): void {
    for (const e of events ?? []) {
      const msg = { ts: this.wallNow(), ...e };
      if (this.connected) this.publish('telemetry', msg);
      else {
        this.heldEvents.push(msg);
        if (this.heldEvents.length > (this.o.backlogLimit ?? 500)) this.heldEvents.shift();
      }
    }
  }

  /**
   * Uploads what was kept offline: readings as arrays (the protocol's backlog form, each with its
   * own ts), events one by one, since a backlog array holds readings.
   */
  private flushBacklog(client: MqttClient): void {
    const readings = this.backlog;
    const events = this.heldEvents;
    this.backlog = [];
    this.heldEvents = [];
    let chunk: string[] = [];
    let bytes = 2;
    const send = () => {
      if (chunk.length) client.publish(this.topic('telemetry'), `[${chunk.join(',')}]`, { qos: 1 });
      chunk = [];
      bytes = 2;
    };
    for (const r of readings) {
      const text = JSON.stringify(r);
      if (bytes + text.length + 1 > BACKLOG_CHUNK_BYTES) send();
      chunk.push(text);
      bytes += text.length + 1;
    }
    send();
    for (const e of events) client.publish(this.topic('telemetry'), JSON.stringify(e), { qos: 1 });
    if (readings.length || events.length) this.log.info({ readings: readings.length, events: events.length }, 'backlog uploaded');
  }
}
