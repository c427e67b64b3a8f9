// An open-loop MQTT load generator on raw sockets (mqtt-packet): no client library queueing on
// our side. Each connection writes its publishes as fast as the socket takes them and counts the
// PUBACKs that come back.
import { connect as tcp, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

export interface RawConn {
  sock: Socket;
  pubacks: number;
  publish(topic: string, payload: Buffer, messageId: number): boolean;
  close(): void;
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
      publish: (topic, payload, messageId) => sock.write(mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 1, messageId, retain: false, dup: false })),
      close: () => sock.destroy(),
    };
    parser.on('packet', (p) => {
      if (p.cmd === 'puback') conn.pubacks++;
      else if (p.cmd === 'connack') {
        if ((p as mqttPacket.IConnackPacket).returnCode === 0) resolve(conn);
        else reject(new Error(`CONNACK ${(p as mqttPacket.IConnackPacket).returnCode} for ${o.clientId}`));
      }
    });
    sock.on('data', (b) => parser.parse(b));
    sock.on('error', reject);
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
export async function rawSubscriber(port: number, filter: string): Promise<{ received: () => number; close: () => void }> {
  const c = await rawConnect(port, { clientId: `sub-${process.pid}` });
  let received = 0;
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  c.sock.removeAllListeners('data');
  parser.on('packet', (p) => {
    if (p.cmd !== 'publish') return;
    received++;
    if (p.qos === 1) c.sock.write(mqttPacket.generate({ cmd: 'puback', messageId: p.messageId! }));
  });
  c.sock.on('data', (b) => parser.parse(b));
  c.sock.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 1 }] }));
  return { received: () => received, close: () => c.close() };
}
