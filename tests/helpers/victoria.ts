// Debian's VictoriaMetrics as a stand-in InfluxDB 2.x for writes (it takes `/api/v2/write`), on a
// free port in a data dir of the caller's; stop() and start() again keep the port and the data.
import { freePort } from '../../controller/storage/influxd.js';
import { start } from './proc.js';
import { until } from './village.js';

export interface VictoriaSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export async function startVictoria(dataDir: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let proc: ReturnType<typeof start> | undefined;
  const vm = {
    url,
    async start() {
      // Same series and time kept once, as InfluxDB keeps them: a replayed point must not count twice.
      proc = start('victoria-metrics', ['-storageDataPath', dataDir, '-httpListenAddr', `127.0.0.1:${port}`, '-retentionPeriod', '1y', '-dedup.minScrapeInterval', '1ms', '-loggerLevel', 'ERROR']);
      await until(async () => (await fetch(`${url}/health`).catch(() => undefined))?.ok, 'victoria-metrics up', 30_000);
    },
    async stop() {
      await proc?.stop();
      proc = undefined;
    },
    /** Every sample of the series matching `match`, as `/api/v1/export` gives them (after a flush, so all are visible). */
    async export(match: string): Promise<VictoriaSeries[]> {
      await fetch(`${url}/internal/force_flush`);
      const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match, start: '0' })}`);
      if (!res.ok) throw new Error(`export: ${res.status} ${await res.text()}`);
      return (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as VictoriaSeries);
    },
  };
  await vm.start();
  return vm;
}
