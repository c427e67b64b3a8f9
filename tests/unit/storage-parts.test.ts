import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InfluxdMissingError, InfluxdProcess } from '../../controller/storage/influxd.js';
import { Spool } from '../../controller/storage/spool.js';
import { captureLog } from '../helpers/village.js';

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'spool-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('spool', () => {
  it('keeps points across a reopen and gives them back oldest first', async () => {
    const dir = await tmp();
    const a = new Spool({ dir, maxBytes: 1e6, segmentBytes: 200, onDrop: () => {} });
    await a.open();
    for (let i = 0; i < 30; i++) await a.append([{ i }]);
    const b = new Spool({ dir, maxBytes: 1e6, segmentBytes: 200, onDrop: () => {} });
    await b.open();
    expect(b.size.points).toBe(30);
    const got: number[] = [];
    for (let seg = await b.oldest<{ i: number }>(); seg; seg = await b.oldest<{ i: number }>()) {
      got.push(...seg.items.map((x) => x.i));
      await b.remove(seg.seq);
    }
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(b.isEmpty()).toBe(true);
  });

  it('drops the oldest segments when full, and says how many points went', async () => {
    const dir = await tmp();
    const dropped: number[] = [];
    const s = new Spool({ dir, maxBytes: 1000, segmentBytes: 250, onDrop: (n) => dropped.push(n) });
    await s.open();
    for (let i = 0; i < 100; i++) await s.append([{ i, pad: 'x'.repeat(20) }]);
    expect(s.size.bytes).toBeLessThanOrEqual(1000);
    const total = dropped.reduce((a, b) => a + b, 0);
    expect(total + s.size.points).toBe(100);
    const first = await s.oldest<{ i: number }>();
    expect(first!.items[0]!.i).toBe(total); // what is left is the newest, in order
  });
});

describe('managed influxd', () => {
  it('says in one line how to install influxd when it is missing', async () => {
    const p = new InfluxdProcess({ dir: await tmp(), log: captureLog().log, bin: 'influxd-not-installed-here' });
    const err = await p.start().catch((e: Error) => e);
    expect(err).toBeInstanceOf(InfluxdMissingError);
    expect((err as Error).message).toMatch(/apt-get install -y influxdb/);
    expect((err as Error).message.split('\n')).toHaveLength(1);
  });
});
