// Storage's two writers in one run: points/s through Storage (batching as the village sets it) with
// the 1.x writer into a real influxd and the v2 writer into VictoriaMetrics (`/api/v2/write`), and
// the v2 writer's replay of a spool written while VictoriaMetrics was down:
//   npm run bench -- storage-writers
// The two servers differ, so the 1.x/v2 ratio says as much about them as about the clients.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Bus } from '../controller/bus.js';
import { Storage, type InfluxV2Options, type StoredPoint } from '../controller/storage/storage.js';
import { startVictoria } from '../tests/helpers/victoria.js';
import { captureLog, startInfluxd, until } from '../tests/helpers/village.js';

const N = 100_000;

function storage(url: string, spoolDir: string, v2?: InfluxV2Options): Storage {
  return new Storage({
    url: () => url,
    database: 'bench_writers',
    retention: { name: 'village_2y', duration: '104w' },
    archive: { name: 'village_10y', duration: '520w' },
    spoolDir,
    maxSpoolBytes: 256 * 1024 * 1024,
    batchSize: 500,
    flushMs: 1000,
    probeMs: 200,
    log: pino({ level: 'silent' }),
    bus: new Bus(pino({ level: 'silent' })),
    ...(v2 && { v2 }),
  });
}

/** A weather station's reading per point, 40 stations, one second apart. */
function point(i: number, t0: number, measurement = 'weather'): StoredPoint {
  return {
    measurement,
    tags: { site: 'xa-thu', type: 'weather-station', device: `tram-${i % 40}`, hamlet: 'Thôn Đông' },
    fields: { airTempC: 20 + (i % 100) / 10, airHumidityPct: 80, rainMm: 0, windMs: 1.5 },
    time: t0 + Math.floor(i / 40) * 1000,
  };
}

async function throughput(s: Storage): Promise<number> {
  const t0 = Date.now() - 7 * 24 * 3600_000;
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    s.write(point(i, t0));
    // Yield now and then, as ingest does between messages, so writes go out while points arrive.
    if (i % 2000 === 0) await new Promise((r) => setImmediate(r));
  }
  await s.flush();
  await until(() => s.stats().written >= N, 'all written', 120_000);
  return N / ((performance.now() - start) / 1000);
}

export async function storageWriters(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-writers-'));
  const influxd = await startInfluxd(dir, captureLog().log);
  const vm = await startVictoria(join(dir, 'vm'));
  const v2: InfluxV2Options = { token: 'bench', org: 'bench', bucket: 'village' };
  try {
    const s1 = storage(influxd.url, join(dir, 'spool-v1'));
    await s1.start();
    const r1 = await throughput(s1);
    await s1.stop();
    const s2 = storage(vm.url, join(dir, 'spool-v2'), v2);
    await s2.start();
    const r2 = await throughput(s2);
    await s2.stop();
    console.log(`storage writers: ${N} points (4 fields, 4 tags) through Storage, batch 500`);
    console.log(`  1.x writer → influxd:          ${r1.toFixed(0)} points/s`);
    console.log(`  v2 writer  → VictoriaMetrics:  ${r2.toFixed(0)} points/s`);

    // Outage: VictoriaMetrics stopped, N points spooled, then started; time from its start to an empty spool.
    await vm.stop();
    const s3 = storage(vm.url, join(dir, 'spool-v2-outage'), v2);
    await s3.start();
    const t0 = Date.now() - 3 * 24 * 3600_000;
    for (let i = 0; i < N; i++) s3.write(point(i, t0, 'weather_outage'));
    await s3.flush();
    await until(() => s3.stats().spool.points === N, 'all spooled', 60_000);
    const back = performance.now();
    await vm.start();
    await until(() => s3.stats().spool.points === 0, 'spool replayed', 300_000);
    const replayS = (performance.now() - back) / 1000;
    await s3.stop();
    // VictoriaMetrics makes fresh samples searchable a moment after it took them.
    const seen = await until(async () => {
      const [series] = await vm.export('{__name__="weather_outage_airTempC",device="tram-0"}');
      return series?.values.length === N / 40 ? series.values.length : undefined;
    }, 'replayed samples visible', 30_000);
    console.log(`  v2 replay after an outage: ${N} spooled points in ${replayS.toFixed(2)} s from the server's start (incl. its start-up) = ${(N / replayS).toFixed(0)} points/s; tram-0 has ${seen} of ${N / 40} samples`);
  } finally {
    await vm.stop();
    await influxd.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
