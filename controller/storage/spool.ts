// A bounded on-disk queue of points for when InfluxDB is unreachable: NDJSON segment files,
// replayed oldest first. When full it drops the oldest segment and reports how many points went.
import { appendFile, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  segmentBytes: number;
  onDrop: (points: number) => void;
}

const NAME = /^(\d{12})\.ndjson$/;

export class Spool {
  private segments: { seq: number; bytes: number }[] = [];
  private bytes = 0;
  private points = 0;

  constructor(private readonly o: SpoolOptions) {}

  private file(seq: number): string {
    return join(this.o.dir, `${String(seq).padStart(12, '0')}.ndjson`);
  }

  async open(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true });
    const seqs = (await readdir(this.o.dir))
      .map((f) => NAME.exec(f)?.[1])
      .filter((s): s is string => !!s)
      .map(Number)
      .sort((a, b) => a - b);
    this.segments = [];
    this.bytes = 0;
    this.points = 0;
    for (const seq of seqs) {
      const text = await readFile(this.file(seq), 'utf8');
      this.segments.push({ seq, bytes: Buffer.byteLength(text) });
      this.bytes += Buffer.byteLength(text);
      this.points += countLines(text);
    }
  }

  get size(): { points: number; bytes: number; segments: number } {
    return { points: this.points, bytes: this.bytes, segments: this.segments.length };
  }

  isEmpty(): boolean {
    return this.points === 0;
  }

  async append<T>(items: readonly T[]): Promise<void> {
    if (items.length === 0) return;
    const text = items.map((p) => JSON.stringify(p)).join('\n') + '\n';
    const size = Buffer.byteLength(text);
    let last = this.segments.at(-1);
    if (!last || last.bytes + size > this.o.segmentBytes) {
      last = { seq: (last?.seq ?? 0) + 1, bytes: 0 };
      this.segments.push(last);
    }
    await appendFile(this.file(last.seq), text);
    const fh = await open(this.file(last.seq), 'r');
    await fh.sync().finally(() => fh.close());
    last.bytes += size;
    this.bytes += size;
    this.points += items.length;
    while (this.bytes > this.o.maxBytes && this.segments.length > 1) {
      const oldest = this.segments.shift()!;
      const dropped = countLines(await readFile(this.file(oldest.seq), 'utf8'));
      await unlink(this.file(oldest.seq));
      this.bytes -= oldest.bytes;
      this.points -= dropped;
      this.o.onDrop(dropped);
    }
  }

  /** The oldest segment's items, or undefined when empty. The caller removes it once stored. */
  async oldest<T>(): Promise<{ seq: number; items: T[] } | undefined> {
    const first = this.segments[0];
    if (!first) return undefined;
    const text = await readFile(this.file(first.seq), 'utf8');
    const items = text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as T);
    return { seq: first.seq, items };
  }

  async remove(seq: number): Promise<void> {
    const i = this.segments.findIndex((s) => s.seq === seq);
    if (i < 0) return;
    const [seg] = this.segments.splice(i, 1);
    const n = countLines(await readFile(this.file(seq), 'utf8'));
    await unlink(this.file(seq));
    this.bytes -= seg!.bytes;
    this.points -= n;
  }

  async diskBytes(): Promise<number> {
    let total = 0;
    for (const s of this.segments) total += (await stat(this.file(s.seq))).size;
    return total;
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
