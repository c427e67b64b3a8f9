// An open-loop MQTT load generator on raw sockets (mqtt-packet): no client library queueing on
// our side. Each connection writes its publishes as fast as the socket takes them and counts the
// PUBACKs that come back.
import { connect as tcp, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import mqttPacket from 'mqtt-packet';

export interface RawConn {
  sock: Socket;
  pubacks: number;
  publish(topic: string, payload: Buffer, messageId: number, qos?: 0 | 1): boolean;
  subscribe(filter: string): void;
  onPuback?: (messageId: number) => void;
  /** Called for every PUBLISH received (QoS 1 ones are acknowledged first). */
  onMessage?: (topic: string, payload: Buffer) => void;
  close(): void;
}

let subscribers = 0;

/** Calls send(0 … total-1) on 10 ms ticks, each sending what `rate`/s owes by now: open loop, whatever the answers do. */
export async function openLoop(rate: number, total: number, send: (n: number) => void): Promise<void> {
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      for (; sent < due; sent++) send(sent);
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
}


/** Opens a connection and waits for its CONNACK (0 = accepted, else throws). */
export function rawConnect(port: number, o: { clientId: string; username?: string; password?: string }): Promise<RawConn> {
  return new Promise((resolve, reject) => {
    const sock = tcp(port, '127.0.0.1');
    sock.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const conn: RawConn = {
      sock,
      pubacks: 0,
      publish: (topic, payload, messageId, qos = 1) => sock.write(mqttPacket.generate({ cmd: 'publish', topic, payload, qos, messageId, retain: false, dup: false })),
      subscribe: (filter) => void sock.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 1 }] })),
      close: () => sock.destroy(),
    };
    parser.on('packet', (p) => {
      if (p.cmd === 'puback') {
        conn.pubacks++;
        conn.onPuback?.(p.messageId!);
      }
      else if (p.cmd === 'publish') {
        if (p.qos === 1) sock.write(mqttPacket.generate({ cmd: 'puback', messageId: p.messageId! }));
        conn.onMessage?.(p.topic, p.payload as Buffer);
      } else if (p.cmd === 'connack') {
        if ((p as mqttPacket.IConnackPacket).returnCode === 0) resolve(conn);
        else reject(new Error(`CONNACK ${(p as mqttPacket.IConnackPacket).returnCode} for ${o.clientId}`));
      }
    });
    sock.on('data', (b) => parser.parse(b));
    sock.on('error', reject);
    sock.on('close', () => reject(new Error(`closed before CONNACK: ${o.clientId}`)));
    sock.on('connect', () =>
      sock.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clean: true,
          clientId: o.clientId,
          keepalive: 600,
          ...(o.username && { username: o.username, password: Buffer.from(o.password ?? '') }),
        }),
      ),
    );
  });
}

/** A subscriber on raw sockets that counts what it receives (and acks QoS 1). */
export async function rawSubscriber(port: number, filter: string, auth: { username?: string; password?: string } = {}): Promise<{ received: () => number; close: () => void }> {
  const c = await rawConnect(port, { clientId: auth.username ?? `sub-${process.pid}-${subscribers++}`, ...auth });
  let received = 0;
  c.onMessage = () => received++;
  c.subscribe(filter);
  return { received: () => received, close: () => c.close() };
}

/**
 * A device that stays connected: after a lost connection it waits, then tries again, doubling the
 * wait from 1 s up to 30 s, each wait picked between half and all of it (docs/PROTOCOL.md).
 */
export class Reconnecting {
  conn?: RawConn;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  constructor(private readonly o: { port: number; clientId: string; username?: string; password?: string; onUp: () => void; onDown: () => void }) {}

  start(waitMs = 0): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      rawConnect(this.o.port, this.o).then(
        (c) => {
          if (this.stopped) return c.close();
          this.conn = c;
          this.o.onUp();
          c.sock.once('close', () => {
            this.conn = undefined;
            this.o.onDown();
            this.start(this.jitter(1000));
          });
        },
        () => this.start(this.jitter(Math.min(30_000, Math.max(1000, waitMs * 2)))),
      );
    }, waitMs);
  }

  private jitter(ceilingMs: number): number {
    return ceilingMs / 2 + (Math.random() * ceilingMs) / 2;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.conn?.close();
  }
}
