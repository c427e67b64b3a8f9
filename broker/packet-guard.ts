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

/**
 * A connection as aedes sees it: reads pass through the guard, writes go straight to the socket.
 * Writes made while corked (mqtt-packet corks around each packet's pieces) reach the socket as one
 * corked batch, so a packet, or a tick's worth of them, leaves in one syscall rather than one per
 * piece (Duplex.from dropped the cork and wrote each piece on its own).
 */
class GuardedConnection extends Duplex {
  constructor(
    private readonly conn: Duplex,
    private readonly guard: PacketSizeGuard,
  ) {
    super({ allowHalfOpen: false });
    guard.on('data', (b: Buffer) => {
      if (!this.push(b)) guard.pause();
    });
    guard.on('end', () => this.push(null));
  }

  override _read(): void {
    this.guard.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.conn.write(chunk, cb);
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.conn.cork();
    for (let i = 0; i < chunks.length - 1; i++) this.conn.write(chunks[i]!.chunk);
    this.conn.write(chunks[chunks.length - 1]!.chunk, cb);
    this.conn.uncork();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.conn.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.conn.destroy();
    cb(err);
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
  const d = new GuardedConnection(conn, guard);
  conn.on('error', () => d.destroy());
  conn.on('close', () => d.destroy());
  return d;
}
