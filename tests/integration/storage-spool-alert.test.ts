// The storage spool's alert on a real influxd behind a switchable TCP relay: while the database is
// unreachable and the small spool overflows, the spool-full alert is raised; once the database is
// back and the spool replayed, it is cleared (the dropped points stay counted).
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, expect, test } from 'vitest';
import { Bus, type BusEvents } from '../../controller/bus.js';
import { Storage } from '../../controller/storage/storage.js';
import { captureLog, startInfluxd, until } from '../helpers/village.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

test('spool full raises the alert; the replay after the database returns clears it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'spool-alert-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const influxd = await startInfluxd(dir, captureLog().log);
  cleanup.push(() => influxd.stop());
  const target = new URL(influxd.url);
  // The relay: while down it drops every connection, as an unreachable database would.
  let up = false;
  const sockets = new Set<Socket>();
  const relay = createServer((c) => {
    if (!up) return c.destroy();
    const s = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(c).add(s);
    c.pipe(s).pipe(c);
    c.on('error', () => s.destroy());
    s.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise((r) => relay.close(r)));
  cleanup.push(async () => sockets.forEach((s) => s.destroy()));

  const bus = new Bus(pino({ level: 'silent' }));
  const alerts: BusEvents['alert'][] = [];
  bus.on('alert', (a) => alerts.push(a));
  const storage = new Storage({
    url: () => `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    database: 'spooltest',
    retention: { name: 'two_weeks', duration: '2w' },
    archive: { name: 'ten_weeks', duration: '10w' },
    spoolDir: join(dir, 'spool'),
    maxSpoolBytes: 64 * 1024,
    batchSize: 500,
    flushMs: 50,
    probeMs: 100,
    log: pino({ level: 'silent' }),
    bus,
  });
  await storage.start();
  cleanup.push(() => storage.stop());
  const t0 = Date.now() - 3600_000;
  for (let i = 0; i < 3000; i++) storage.writeEvent({ measurement: 'filler', tags: { site: 'x' }, fields: { n: i, pad: 'x'.repeat(40) }, time: t0 + i });
  await until(() => alerts.find((a) => a.active), 'spool-full raised', 30_000);
  expect(alerts[0]).toMatchObject({ key: 'storage.spool-full', active: true, what: { code: 'storage-spool-full' } });
  const dropped = storage.stats().dropped;
  expect(dropped).toBeGreaterThan(0);

  up = true;
  const cleared = await until(() => alerts.find((a) => !a.active), 'spool-full cleared after the replay', 30_000);
  expect(cleared).toMatchObject({ key: 'storage.spool-full', what: { code: 'storage-spool-full', dropped: storage.stats().dropped } });
  expect(storage.stats().spool.points).toBe(0);
}, 90_000);
