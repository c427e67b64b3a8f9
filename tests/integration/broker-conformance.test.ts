// 3.1.1 normative statements the conformance broker is held to, on raw sockets (mqtt-packet), so
// no client library smooths anything over.
import { connect as tcp, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Broker } from '../../broker/broker.js';

let broker: Broker;
beforeAll(async () => {
  broker = new Broker({ log: pino({ level: 'silent' }), site: 'conformance', policy: 'open', tcp: { host: '127.0.0.1', port: 0 }, refuseSubscribe: ['test/nosubscribe'] });
  await broker.start();
});
afterAll(async () => broker?.stop());

/** A raw connection: send packets, read parsed ones, see whether the server closed it. */
async function raw() {
  const sock: Socket = tcp(broker.port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const packets: mqttPacket.Packet[] = [];
  let closed = false;
  parser.on('packet', (p) => packets.push(p));
  sock.on('data', (b) => parser.parse(b));
  sock.on('close', () => (closed = true));
  const next = async (cmd: string) => {
    for (const end = Date.now() + 5000; Date.now() < end; await new Promise((r) => setTimeout(r, 10))) {
      const i = packets.findIndex((p) => p.cmd === cmd);
      if (i >= 0) return packets.splice(i, 1)[0]!;
    }
    throw new Error(`no ${cmd}`);
  };
  return {
    send: (p: mqttPacket.Packet) => sock.write(mqttPacket.generate(p)),
    sendBytes: (b: Buffer) => sock.write(b),
    next,
    closed: async () => {
      for (const end = Date.now() + 5000; Date.now() < end && !closed; ) await new Promise((r) => setTimeout(r, 10));
      return closed;
    },
    end: () => sock.destroy(),
  };
}

const connectPacket = (clientId: string, clean: boolean): mqttPacket.IConnectPacket => ({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean, clientId, keepalive: 30 });

describe('MQTT-3.1.3-8: a zero-byte client id', () => {
  test('with clean session 0 gets CONNACK 0x02 (identifier rejected) and the connection closes', async () => {
    const c = await raw();
    // By hand: mqtt-packet will not even encode this CONNECT. Remaining length 12: "MQTT", level 4,
    // flags 0 (clean session 0), keepalive 30, then a client id of zero bytes.
    c.sendBytes(Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x00, 0x00, 0x1e, 0x00, 0x00]));
    const ack = (await c.next('connack')) as mqttPacket.IConnackPacket;
    expect(ack.returnCode).toBe(2);
    expect(await c.closed()).toBe(true);
  });

  test('with clean session 1 is accepted (MQTT-3.1.3-6)', async () => {
    const c = await raw();
    c.send(connectPacket('', true));
    expect(((await c.next('connack')) as mqttPacket.IConnackPacket).returnCode).toBe(0);
    c.end();
  });
});

test('a filter named in refuseSubscribe gets SUBACK 0x80 and the connection stays (MQTT-3.9.3-1)', async () => {
  const c = await raw();
  c.send(connectPacket('sub-test', true));
  await c.next('connack');
  c.send({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'test/nosubscribe', qos: 1 }, { topic: 'test/yes', qos: 1 }] });
  const ack = (await c.next('suback')) as mqttPacket.ISubackPacket;
  expect(ack.messageId).toBe(7);
  expect(ack.granted).toEqual([128, 1]);
  c.send({ cmd: 'pingreq' });
  await c.next('pingresp');
  c.end();
});
