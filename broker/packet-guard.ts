// Drops a connection as soon as an MQTT fixed header announces a packet above the limit,
// before the body is buffered: aedes and mqtt-packet have no packet size limit of their own.
import { Duplex, Transform, type TransformCallback } from 'node:stream';

export class PacketSizeError extends Error {}

export class PacketSizeGuard extends Transform {
  // Frame state: 0 = at a fixed header's first byte, 1 = reading remaining length, 2 = skipping the body.
  private phase = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private toSkip = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
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
        if (this.length > this.maxBytes) return cb(new PacketSizeError(`packet of ${this.length} bytes exceeds ${this.maxBytes}`));
        if ((b & 0x80) === 0) {
          this.toSkip = this.length;
          this.phase = this.toSkip > 0 ? 2 : 0;
        } else if (this.lengthBytes >= 4) {
          return cb(new PacketSizeError('malformed remaining length'));
        }
      } else {
        const n = Math.min(this.toSkip, chunk.length - i);
        this.toSkip -= n;
        i += n;
        if (this.toSkip === 0) this.phase = 0;
      }
    }
    cb(null, chunk);
  }
}

/** Wraps a socket-like duplex so that reads pass through the guard and writes go straight out. */
export function guarded(conn: Duplex, maxBytes: number, onTooLarge: (err: Error) => void): Duplex {
  const guard = new PacketSizeGuard(maxBytes);
  guard.on('error', (err) => {
    // Other errors here are the stream being torn down with its connection.
    if (err instanceof PacketSizeError) onTooLarge(err);
    conn.destroy();
  });
  conn.pipe(guard);
  const d = Duplex.from({ readable: guard, writable: conn });
  d.on('close', () => conn.destroy());
  conn.on('close', () => d.destroy());
  return d;
}
