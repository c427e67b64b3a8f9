// Drops a connection as soon as an MQTT fixed header announces a packet above the limit, before
// the body is buffered: aedes and mqtt-packet have no packet size limit of their own.
//
// The check sits on aedes' own parser input (each client's `_parser.parse`), not in a stream of its
// own: two extra streams per connection (a Transform and a Duplex) cost about 5 KB of a device's
// 18 KB and a third of the writes' syscalls when they dropped mqtt-packet's cork.
import type { Client } from 'aedes';

export class PacketSizeError extends Error {}

/** The frame boundaries of an MQTT byte stream, tracked byte by byte across chunks. */
export class PacketSizeCheck {
  // Frame state: 0 = at a fixed header's first byte, 1 = reading remaining length, 2 = skipping the body.
  private phase = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private toSkip = 0;

  constructor(private readonly maxBytes: number) {}

  /** Throws PacketSizeError at the header of a packet over the limit (or a malformed length). */
  feed(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.phase === 0) {
        this.phase = 1;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        i++;
      } else if (this.phase === 1) {
        const b = chunk[i++]!;
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (this.length > this.maxBytes) throw new PacketSizeError(`packet of ${this.length} bytes exceeds ${this.maxBytes}`);
        if ((b & 0x80) === 0) {
          this.toSkip = this.length;
          this.phase = this.toSkip > 0 ? 2 : 0;
        } else if (this.lengthBytes >= 4) {
          throw new PacketSizeError('malformed remaining length');
        }
      } else {
        const n = Math.min(this.toSkip, chunk.length - i);
        this.toSkip -= n;
        i += n;
        if (this.toSkip === 0) this.phase = 0;
      }
    }
  }
}

interface ParsingClient {
  conn: { destroy(): void };
  _parser: { parse(buf: Buffer): unknown };
}

/**
 * Puts the check in front of a client's parser. aedes reads the socket only after handle() has
 * returned, so the CONNECT is checked too. Relies on aedes 1.x's `_parser` (pinned in package.json;
 * the limits tests in tests/integration/broker.test.ts fail if that changes).
 */
export function guardClient(client: Client, maxBytes: number, onTooLarge: (err: Error) => void): void {
  const c = client as unknown as ParsingClient;
  const check = new PacketSizeCheck(maxBytes);
  const parse = c._parser.parse.bind(c._parser);
  c._parser.parse = (buf: Buffer) => {
    try {
      check.feed(buf);
    } catch (err) {
      onTooLarge(err as Error);
      c.conn.destroy();
      return 0;
    }
    return parse(buf);
  };
}
