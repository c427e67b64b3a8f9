// The embedded MQTT broker: aedes over TCP and WebSocket (/mqtt on the HTTP server), with
// authentication by per-device secret, authorization derived from the topic grammar, and limits.
import type { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type Client, type AedesOptions } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import MQEmitterRedis from 'mqemitter-redis';
import type { Logger } from 'pino';
import { mayPublish, maySubscribe, type Principal } from '../devices/topics.js';
import type { CredentialStore } from './credentials.js';
import { guardClient } from './packet-guard.js';
import { FairQueue } from './fair-queue.js';
import { TokenBucket, type RateLimitOptions } from './rate-limit.js';

export interface BrokerLimits {
  maxPacketBytes: number;
  connectTimeoutMs: number;
  /** Packets aedes queues per client before CONNECT completes. */
  queueLimit: number;
  maxConnections: number;
  rate: RateLimitOptions;
  /**
   * How many messages may wait in the broker's router (mqemitter) before publishers are held back.
   * mqemitter drains its queue by recursion when nobody is subscribed (e.g. the plane reconnecting),
   * so a deep queue overflows the stack: the aedes 1.2 crash of mqemitter #204 / aedes #193.
   */
  maxQueued: number;
}

/** What the broker touches of mqemitter-redis' two ioredis connections. */
interface RedisRouter {
  pubConn: { status: string; disconnect(): void };
  subConn: { status: string; disconnect(): void };
}

/** A process that cannot reach Redis at start fails instead of waiting unseen. */
const CLUSTER_JOIN_TIMEOUT_MS = 15_000;

export const DEFAULT_LIMITS: BrokerLimits = {
  maxPacketBytes: 64 * 1024,
  connectTimeoutMs: 10_000,
  queueLimit: 42,
  maxConnections: 5000,
  rate: { ratePerS: 50, burst: 200, maxDebtS: 2 },
  maxQueued: 500,
};

export interface BrokerOptions {
  log: Logger;
  site: string;
  /** 'secure': every client authenticates and is held to the topic grammar. 'open': conformance testing only. */
  policy: 'secure' | 'open';
  credentials?: CredentialStore;
  /** Devices the site knows; a credential alone is not enough to connect. */
  isKnownDevice?: (id: string) => boolean;
  tcp: { host: string; port: number };
  /** MQTT over TLS (PROTOCOL.md: where certificate files are configured), usually port 8883. */
  tls?: { host: string; port: number; cert: Buffer | string; key: Buffer | string };
  ws?: { server: HttpServer; path: string };
  limits?: Partial<BrokerLimits>;
  /** Open policy only: filters to refuse with SUBACK 0x80 (a conformance suite's `test/nosubscribe`). */
  refuseSubscribe?: readonly string[];
  /** Every refusal, unthrottled (the log is throttled): the plane counts them for flood alerts. */
  onRefusal?: (r: BrokerRefusal) => void;
  /**
   * Several broker processes share one router through Redis (mqemitter-redis): a publish on any of
   * them reaches subscribers on all. Retained messages and sessions stay in each process's memory.
   */
  cluster?: { redisUrl: string };
  /** Cluster only: another broker process is ready to mirror retained messages (the plane republishes its configs). */
  onPeerReady?: (brokerId: string) => void;
}

/** A refusal as the plane counts it: a client id it knows, or the address of one it does not. */
export interface BrokerRefusal {
  kind: 'auth' | 'denied' | 'rate';
  clientId: string;
  /** Whether the client id is a device or plane credential the broker knows (else count by address). */
  known: boolean;
  ip?: string;
}

export interface BrokerStats {
  connected: number;
  authFailures: number;
  deniedPublish: number;
  deniedSubscribe: number;
  throttled: number;
  rateDisconnects: number;
  oversize: number;
  /** Publishes held back because the router's queue was full. */
  queueHolds: number;
  /** Cluster only: retained messages from other broker processes stored here. */
  retainedMirrored?: number;
}

/**
 * Connections the kernel holds before accept (capped by net.core.somaxconn). Node's 511 drops the
 * SYNs of a commune reconnecting at once, and each dropped one waits 1 s, 3 s, 7 s to retry.
 */
const LISTEN_BACKLOG = 4096;

const NOT_AUTHORIZED = 5;
const BAD_CREDENTIALS = 4;
const ID_REJECTED = 2;

function authError(message: string, returnCode: number) {
  return Object.assign(new Error(message), { returnCode });
}

export class Broker {
  private aedes?: Aedes;
  private server?: Server;
  private tlsServer?: TlsServer;
  private readonly refusalsLogged = new Map<string, { at: number; suppressed: number }>();
  private readonly anonymousPersistent = new WeakSet<Client>();
  private wss?: WebSocketServer;
  private onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  private readonly principals = new WeakMap<Client, Principal>();
  private readonly buckets = new WeakMap<Client, TokenBucket>();
  private readonly wills = new WeakMap<Client, { topic: string; retain: boolean } | null>();
  private readonly limits: BrokerLimits;
  private router?: RedisRouter;
  private readonly counters = { authFailures: 0, deniedPublish: 0, deniedSubscribe: 0, throttled: 0, rateDisconnects: 0, oversize: 0, queueHolds: 0 };
  private retainedMirrored = 0;
  // Admissions not yet in the router's queue length (a socket read dispatches a whole chunk at once).
  private admittedThisTick = 0;
  private readonly held = new FairQueue<Client, (err?: Error | null) => void>();
  private drainTimer?: NodeJS.Timeout;

  constructor(private readonly o: BrokerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...o.limits, rate: { ...DEFAULT_LIMITS.rate, ...o.limits?.rate } };
    if (o.policy === 'secure' && !o.credentials) throw new Error('a secure broker needs a credential store');
    if (o.policy === 'open' && o.tcp.host !== '127.0.0.1') throw new Error('the open (conformance) policy binds 127.0.0.1 only');
  }

  get port(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  /** The MQTT-over-TLS port, 0 without TLS. */
  get tlsPort(): number {
    const a = this.tlsServer?.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  stats(): BrokerStats {
    return { connected: this.aedes?.connectedClients ?? 0, ...this.counters, ...(this.o.cluster && { retainedMirrored: this.retainedMirrored }) };
  }

  /** This process's broker id, as aedes names it in $SYS topics (unique per process in a cluster). */
  get id(): string {
    return this.aedes?.id ?? '';
  }

  /** Creates the broker and opens its listeners (the conformance broker; the plane does it in two steps). */
  async start(): Promise<void> {
    await this.create();
    await this.listen();
  }

  /**
   * The broker without listeners: the plane subscribes in-process before any device can connect,
   * so no acknowledged publish meets a broker with nobody to deliver it to.
   */
  async create(): Promise<void> {
    const { log } = this.o;
    // Retained messages and sessions live in memory (aedes-persistence): aedes-persistence-level 9.2
    // with aedes 1.2 stopped forwarding retained publishes to live subscribers in our tests. Devices
    // republish state and avail on every connect, and the plane keeps its own snapshot of both.
    // In a cluster too (docs/ARCHITECTURE.md, "Broker cluster"): aedes-persistence-redis 11.2.2
    // fits aedes 1.2's peer range (12.x does not) but is not a dependency here; see joinCluster.
    const opts: AedesOptions = {
      connectTimeout: this.limits.connectTimeoutMs,
      queueLimit: this.limits.queueLimit,
      maxClientsIdLength: 63,
      maxTopicLevels: 8,
      preConnect: (client, packet, done) => {
        this.wills.set(client, packet.will ? { topic: packet.will.topic, retain: !!packet.will.retain } : null);
        // MQTT-3.1.3-8: a zero-byte client id asks for a session the server cannot keep unless
        // clean; aedes would invent an id, so remember it for authenticate's identifier-rejected.
        if (!packet.clientId && !packet.clean) this.anonymousPersistent.add(client);
        done(null, true);
      },
    };
    if (this.o.policy === 'open') {
      opts.authenticate = (client, _u, _p, done) => {
        if (!this.anonymousPersistent.has(client)) return done(null, true);
        this.refusal('(empty client id)', 'mqtt connection refused', { reason: 'zero-length client id with clean session 0 (MQTT-3.1.3-8)' });
        done(authError('zero-length client id needs clean session', ID_REJECTED) as never, false);
      };
      const refused = new Set(this.o.refuseSubscribe ?? []);
      opts.authorizeSubscribe = (client, sub, done) => {
        if (!refused.has(sub.topic)) return done(null, sub);
        this.counters.deniedSubscribe++;
        this.refusal(client.id, 'subscribe refused', { filter: sub.topic, reason: 'refused by --refuse-subscribe' });
        done(null, null);
      };
    }
    if (this.o.policy === 'secure') {
      opts.authenticate = (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          (p) => {
            this.principals.set(client, p);
            done(null, true);
          },
          (err: Error & { returnCode: number }) => {
            this.counters.authFailures++;
            this.report('auth', client);
            this.refusal(client.id, 'mqtt connection refused', { reason: err.message });
            done(err as never, false);
          },
        );
      };
      opts.authorizeSubscribe = (client, sub, done) => {
        const who = this.principals.get(client);
        const v = who ? maySubscribe(who, sub.topic) : { ok: false as const, reason: 'not authenticated' };
        if (v.ok) return done(null, sub);
        this.counters.deniedSubscribe++;
        this.report('denied', client);
        this.refusal(client.id, 'subscribe refused', { filter: sub.topic, reason: v.reason });
        done(null, null); // SUBACK 0x80 for this filter; the client stays connected
      };
    }
    opts.authorizePublish = (client, packet, done) => this.authorizePublish(client, packet.topic, packet.retain, done);

    if (this.o.cluster) opts.mq = this.redisRouter(this.o.cluster.redisUrl);

    this.aedes = await Aedes.createBroker(opts);
    if (this.o.cluster) await this.joinCluster();
    this.aedes.on('clientError', (client, err) => {
      // aedes refuses malformed topics itself (too many levels, wildcards or an empty topic in a
      // PUBLISH) and drops the client: a refusal like ours, so counted and logged the same way.
      const m = /^(topic has too many levels|[#+] is not allowed in PUBLISH|empty topic not allowed in PUBLISH|impossible to \w+ to an empty topic)/.exec(err.message);
      if (m) {
        this.counters.deniedPublish++;
        this.report('denied', client);
        this.refusal(client.id, 'publish refused, client disconnected', { reason: m[1] });
      } else log.debug({ clientId: client.id, err: err.message }, 'mqtt client error');
    });
  }

  private redisRouter(url: string) {
    const mq = MQEmitterRedis({ connectionString: url });
    this.router = mq as unknown as RedisRouter;
    const state = (mq as unknown as { state: EventEmitter }).state;
    let down = false;
    // ioredis reconnects by itself; log the first error of an outage, not one per retry.
    state.on('error', (err: Error) => {
      if (!down) this.o.log.error({ err: err.message }, 'cluster router (redis) unreachable');
      down = true;
    });
    state.on('pubConnect', () => {
      if (down) this.o.log.info('cluster router (redis) reachable again');
      down = false;
    });
    return mq;
  }

  /**
   * aedes keeps a retained message only in the process it was published through. Each process
   * stores the retained messages the others route to it, so a device's retained config reaches it
   * on whichever broker it connects to; "ready" tells the others this process now mirrors, so the
   * plane republishes what this process joined too late to see.
   */
  private async joinCluster(): Promise<void> {
    const aedes = this.aedes!;
    const mq = (aedes as unknown as { mq: { on(topic: string, fn: unknown, done: () => void): void } }).mq;
    const persistence = (aedes as unknown as { persistence: { storeRetained(p: unknown): Promise<void> } }).persistence;
    const mirror = (packet: { topic: string; retain?: boolean; brokerId?: string }, done: () => void) => {
      if (!packet.retain || packet.brokerId === aedes.id || packet.topic.startsWith('$SYS/')) return done();
      this.retainedMirrored++;
      persistence.storeRetained(packet).then(done, (err: Error) => {
        this.o.log.error({ err: err.message, topic: packet.topic }, 'retained message not mirrored');
        done();
      });
    };
    const ready = (packet: { payload: Buffer | string }, done: () => void) => {
      const id = packet.payload.toString();
      if (id !== aedes.id) {
        this.o.log.info({ peer: id }, 'cluster peer ready');
        try {
          this.o.onPeerReady?.(id);
        } catch (err) {
          this.o.log.error({ err }, 'peer-ready listener failed');
        }
      }
      done();
    };
    const peerRefusal = (packet: { topic: string; payload: Buffer | string }, done: () => void) => {
      if (packet.topic.split('/')[1] !== aedes.id) {
        try {
          this.refused(JSON.parse(packet.payload.toString()) as BrokerRefusal);
        } catch (err) {
          this.o.log.warn({ err: (err as Error).message }, 'peer refusal unreadable');
        }
      }
      done();
    };
    const join = async () => {
      if (this.o.onRefusal) await new Promise<void>((r) => mq.on('$SYS/+/refusal', peerRefusal, () => r()));
      await new Promise<void>((r) => mq.on('#', mirror, () => r()));
      await new Promise<void>((r) => mq.on('$SYS/+/cluster-ready', ready, () => r()));
      const packet = { cmd: 'publish' as const, topic: `$SYS/${aedes.id}/cluster-ready`, payload: Buffer.from(aedes.id), qos: 0 as const, retain: false, dup: false };
      await new Promise<void>((resolve, reject) => aedes.publish(packet, (err?: Error) => (err ? reject(err) : resolve())));
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`cluster router unreachable: no answer from redis in ${CLUSTER_JOIN_TIMEOUT_MS / 1000} s`)), CLUSTER_JOIN_TIMEOUT_MS);
    });
    try {
      await Promise.race([join(), timeout]);
    } catch (err) {
      await this.closeAedes();
      this.aedes = undefined;
      throw err;
    } finally {
      clearTimeout(timer);
    }
    this.o.log.info({ brokerId: aedes.id }, 'joined broker cluster');
  }

  /** Opens TCP, TLS and WebSocket to devices. */
  async listen(): Promise<void> {
    const { log } = this.o;
    this.server = createServer((socket) => {
      // Small MQTT packets and acks: without this, Nagle + delayed ACK add ~40 ms to every QoS 1 round trip.
      socket.setNoDelay(true);
      this.handle(socket);
    });
    this.server.maxConnections = this.limits.maxConnections;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen({ port: this.o.tcp.port, host: this.o.tcp.host, backlog: LISTEN_BACKLOG }, () => resolve());
    });
    if (this.o.tls) {
      const t = this.o.tls;
      this.tlsServer = createTlsServer({ cert: t.cert, key: t.key, minVersion: 'TLSv1.2' }, (socket) => {
        socket.setNoDelay(true);
        this.handle(socket);
      });
      this.tlsServer.maxConnections = this.limits.maxConnections;
      this.tlsServer.on('tlsClientError', (err) => log.debug({ err: err.message }, 'mqtts handshake failed'));
      await new Promise<void>((resolve, reject) => {
        this.tlsServer!.once('error', reject);
        this.tlsServer!.listen({ port: t.port, host: t.host, backlog: LISTEN_BACKLOG }, () => resolve());
      });
    }
    if (this.o.ws) this.attachWebSocket(this.o.ws.server, this.o.ws.path);
    log.info({ host: this.o.tcp.host, port: this.port, tlsPort: this.tlsPort, policy: this.o.policy, ws: this.o.ws?.path }, 'mqtt broker listening');
  }

  /**
   * Stops taking devices and drops those connected, first thing at shutdown: a publish that would
   * arrive while the plane stops is never acknowledged, so the device sends it again later.
   */
  async closeListeners(): Promise<void> {
    clearTimeout(this.drainTimer);
    for (const done of this.held.drain()) done(new Error('broker stopping'));
    if (this.o.ws && this.onUpgrade) this.o.ws.server.off('upgrade', this.onUpgrade);
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
    const closed = Promise.all(
      [this.server, this.tlsServer].map((server) => (server?.listening ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve())),
    );
    for (const c of Object.values((this.aedes as unknown as { clients?: Record<string, Client> } | undefined)?.clients ?? {})) c.close();
    await closed;
  }

  async stop(): Promise<void> {
    await this.closeListeners();
    await this.closeAedes();
    this.o.log.info('mqtt broker stopped');
  }

  /**
   * mqemitter-redis closes by QUIT and waits for the connections' end, which never comes while
   * Redis is unreachable: then aedes' own "closed" is the end, and the connections are dropped.
   * (Dropping them earlier hangs: ioredis then queues the closing clients' wills for good.)
   */
  private closeAedes(): Promise<void> {
    const aedes = this.aedes;
    if (!aedes) return Promise.resolve();
    const conns = this.router ? [this.router.pubConn, this.router.subConn] : [];
    if (conns.every((c) => c.status === 'ready')) return new Promise((r) => aedes.close(() => r()));
    return new Promise((r) => {
      aedes.once('closed', () => {
        for (const c of conns) c.disconnect();
        r();
      });
      aedes.close();
    });
  }

  /**
   * Logs a refusal with its reason, at most once per client and kind per 10 s: a device stuck in a
   * reconnect loop cannot flood the log; the lines it would have written are counted in the next.
   */
  private refusal(clientId: string, msg: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    const key = `${clientId}\n${msg}`;
    const seen = this.refusalsLogged.get(key);
    if (seen && now - seen.at < 10_000) {
      seen.suppressed++;
      return;
    }
    if (this.refusalsLogged.size > 10_000) this.refusalsLogged.clear();
    this.refusalsLogged.set(key, { at: now, suppressed: 0 });
    this.o.log.warn({ clientId, ...fields, ...(seen?.suppressed && { suppressedSinceLast: seen.suppressed }) }, msg);
  }

  private report(kind: BrokerRefusal['kind'], client: Client): void {
    if (!this.o.onRefusal && !this.o.cluster) return;
    const id = client.id ?? '';
    const cred = id ? this.o.credentials?.kindOf(id) : undefined;
    const known = cred === 'plane' || (cred === 'device' && (!this.o.isKnownDevice || this.o.isKnownDevice(id)));
    const conn = (client as unknown as { conn?: { remoteAddress?: string } }).conn;
    const req = (client as unknown as { req?: IncomingMessage }).req;
    const ip = conn?.remoteAddress ?? req?.socket?.remoteAddress;
    const r: BrokerRefusal = { kind, clientId: id, known, ...(ip && { ip }) };
    // In a cluster every process's refusals reach the plane's flood alerts, whichever took the device.
    if (this.o.cluster && this.aedes) {
      const packet = { cmd: 'publish' as const, topic: `$SYS/${this.aedes.id}/refusal`, payload: Buffer.from(JSON.stringify(r)), qos: 0 as const, retain: false, dup: false };
      this.aedes.publish(packet, () => {});
    }
    this.refused(r);
  }

  private refused(r: BrokerRefusal): void {
    if (!this.o.onRefusal) return;
    try {
      this.o.onRefusal(r);
    } catch (err) {
      this.o.log.error({ err }, 'refusal listener failed');
    }
  }

  /**
   * The plane's in-process subscription: no TCP client to itself. The handler runs before the
   * device gets its PUBACK, so what is acknowledged has been handed over.
   */
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): Promise<void> {
    const fn = (packet: { topic: string; payload: Buffer | string }, cb: () => void) => {
      try {
        handler(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
      } finally {
        cb();
      }
    };
    return new Promise((resolve, reject) => this.aedes!.subscribe(filter, fn as never, (err?: Error) => (err ? reject(err) : resolve())));
  }

  /** The plane's in-process publish, held to the same topic grammar as any client's. */
  publish(who: Principal, topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void> {
    const v = mayPublish(who, topic, opts.retain);
    if (!v.ok) {
      this.counters.deniedPublish++;
      this.refusal(who.id, 'plane publish refused', { topic, reason: v.reason });
      return Promise.reject(new Error(v.reason));
    }
    const packet = { cmd: 'publish' as const, topic, payload, qos: opts.qos, retain: opts.retain, dup: false };
    return new Promise((resolve, reject) => this.aedes!.publish(packet, (err?: Error) => (err ? reject(err) : resolve())));
  }

  /** Ids of the clients connected to this process. */
  clientIds(): string[] {
    return Object.keys((this.aedes as unknown as { clients?: Record<string, Client> } | undefined)?.clients ?? {});
  }

  /** Drops a client's connection (e.g. a device removed from the site); it cannot reconnect without a credential. */
  disconnect(clientId: string): boolean {
    const client = (this.aedes as unknown as { clients: Record<string, Client | undefined> } | undefined)?.clients[clientId];
    if (!client) return false;
    client.close();
    return true;
  }

  private handle(conn: Socket | Duplex, req?: IncomingMessage): void {
    const client = this.aedes!.handle(conn, req);
    guardClient(client, this.limits.maxPacketBytes, (err) => {
      this.counters.oversize++;
      this.refusal(client.id ?? '(before CONNECT)', 'mqtt connection dropped: packet too large', { reason: err.message });
    });
  }

  private attachWebSocket(server: HttpServer, path: string): void {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxPacketBytes });
    this.onUpgrade = (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== path) return; // another upgrade handler's business
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.handle(createWebSocketStream(ws), req));
    };
    server.on('upgrade', this.onUpgrade);
  }

  private async authenticate(client: Client, username?: string, password?: Buffer): Promise<Principal> {
    const id = client.id;
    // PROTOCOL.md: client id = username = device id.
    if (!username || !password) throw authError('anonymous connections are refused', BAD_CREDENTIALS);
    if (username !== id) throw authError(`username must equal client id (${id})`, ID_REJECTED);
    // A device that gave up waiting (its socket is gone) is not worth the work of checking.
    if ((client as unknown as { conn?: { destroyed?: boolean } }).conn?.destroyed) throw authError(`${id} left before authentication`, BAD_CREDENTIALS);
    const kind = await this.o.credentials!.verify(id, password.toString('utf8'));
    if (!kind) throw authError(`bad credentials for ${id}`, BAD_CREDENTIALS);
    if (kind === 'device' && this.o.isKnownDevice && !this.o.isKnownDevice(id)) {
      throw authError(`${id} is not a device of site ${this.o.site}`, NOT_AUTHORIZED);
    }
    const who: Principal = { kind, id, site: this.o.site };
    const will = this.wills.get(client);
    if (will) {
      const v = mayPublish(who, will.topic, will.retain);
      if (!v.ok) throw authError(`last will refused: ${v.reason}`, NOT_AUTHORIZED);
    }
    return who;
  }

  /**
   * The global half of admission control: while the router is deep, publishes wait (their sockets
   * unread), taken round-robin by client as room appears (broker/fair-queue.ts).
   */
  private whenRouterHasRoom(client: Client, done: (err?: Error | null) => void): void {
    if (client.closed || (this.held.length === 0 && this.routerRoom() > 0)) return this.admitNow(done);
    this.counters.queueHolds++;
    this.held.push(client, done);
    this.drainHeld();
  }

  private routerRoom(): number {
    const mq = (this.aedes as unknown as { mq: { length: number } }).mq;
    return this.limits.maxQueued - mq.length - this.admittedThisTick;
  }

  private admitNow(done: (err?: Error | null) => void): void {
    if (this.admittedThisTick++ === 0) setImmediate(() => (this.admittedThisTick = 0));
    done();
  }

  private drainHeld(): void {
    if (this.drainTimer) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      for (let room = this.routerRoom(); room > 0 && this.held.length > 0; room--) this.admitNow(this.held.shift()!);
      if (this.held.length > 0) this.drainHeld();
    }, 2);
  }

  private authorizePublish(client: Client | null, topic: string, retain: boolean, done: (err?: Error | null) => void): void {
    if (!client) return done(); // the broker's own publishes ($SYS heartbeat)
    if (this.o.policy === 'secure') {
      const who = this.principals.get(client);
      const v = who ? mayPublish(who, topic, retain) : { ok: false as const, reason: 'not authenticated' };
      if (!v.ok) {
        this.counters.deniedPublish++;
        this.report('denied', client);
        this.refusal(client.id, 'publish refused, client disconnected', { topic, retain, reason: v.reason });
        return done(new Error(v.reason)); // MQTT 3.1.1 has no negative PUBACK: aedes drops the connection
      }
    }
    if (client.closed) return done(); // a last will, published on the way out: never throttled
    // The plane's own publishes (a config for every device at start, commands) have no per-client
    // allowance, or a large site would outgrow it; they still wait for room in the router.
    if (this.principals.get(client)?.kind === 'plane') return this.whenRouterHasRoom(client, done);
    let bucket = this.buckets.get(client);
    if (!bucket) this.buckets.set(client, (bucket = new TokenBucket(this.limits.rate, Date.now())));
    const a = bucket.admit(Date.now());
    if (a.kind === 'now') return this.whenRouterHasRoom(client, done);
    if (a.kind === 'later') {
      this.counters.throttled++;
      setTimeout(() => this.whenRouterHasRoom(client, done), a.delayMs);
      return;
    }
    this.counters.rateDisconnects++;
    this.report('rate', client);
    this.refusal(client.id, 'publish rate exceeded, client disconnected', { ratePerS: this.limits.rate.ratePerS, reason: 'rate' });
    done(new Error('publish rate exceeded'));
  }
}
