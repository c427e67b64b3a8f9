// Storage.durable() on a real influxd: many callers each waiting for their own points to be kept
// (a province's concurrent pushes) share writes, and every point is in the database when its
// caller is answered.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, expect, test } from 'vitest';
import { Bus } from '../../controller/bus.js';
import { Storage } from '../../controller/storage/storage.js';
import { captureLog, startInfluxd } from '../helpers/village.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

test('concurrent durable() calls share writes; each resolves with its points stored', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'durable-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const influxd = await startInfluxd(dir, captureLog().log);
  cleanup.push(() => influxd.stop());
  const log = pino({ level: 'silent' });
  const storage = new Storage({
    url: () => influxd.url,
    database: 'durabletest',
    retention: { name: 'two_weeks', duration: '2w' },
    archive: { name: 'ten_weeks', duration: '10w' },
    spoolDir: join(dir, 'spool'),
    maxSpoolBytes: 1024 * 1024,
    batchSize: 5000,
    // Long: only durable() writes in this test.
    flushMs: 60_000,
    probeMs: 1000,
    log,
    bus: new Bus(log),
  });
  await storage.start();
  cleanup.push(() => storage.stop());
  const t0 = Date.now() - 3600_000;
  const CALLERS = 40;
  // Each caller writes its 27 points and waits for them, all at once, as pushes arriving together.
  const seen = await Promise.all(
    Array.from({ length: CALLERS }, async (_, c) => {
      for (let i = 0; i < 27; i++) storage.write({ measurement: 'm', tags: { site: `c${c}`, i: String(i) }, fields: { v: i }, time: t0 });
      await storage.durable();
      // Answered: its points are in the database now.
      const rows = await storage.influx.query<{ n: number }>(`SELECT count("v") AS n FROM "two_weeks"."m" WHERE "site" = 'c${c}'`);
      return rows[0]?.n ?? 0;
    }),
  );
  expect(seen).toEqual(Array.from({ length: CALLERS }, () => 27));
  const s = storage.stats();
  expect(s).toMatchObject({ written: CALLERS * 27, spooled: 0 });
  // Shared: far fewer round trips than callers (one write, then one for all who came during it).
  expect(s.writes).toBeLessThanOrEqual(3);
}, 120_000);
