// A real redis-server on a free port in a temp dir, and standalone broker processes
// (broker/main.ts) joined to it: for the cluster test and benchmark. stop() ends what was started.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../controller/storage/influxd.js';
import { start } from './proc.js';
import { until } from './village.js';

const MAIN = fileURLToPath(new URL('../../broker/main.ts', import.meta.url));

export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-'));
  const port = await freePort();
  const p = start('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--dir', dir]);
  try {
    await until(() => p.lines.some((l) => l.includes('Ready to accept connections')), `redis-server ready (${p.stderr})`);
  } catch (err) {
    await p.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await p.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `npm run broker -- --cluster …` on a free port, reading the plane's DATA_DIR and site file. */
export async function startStandaloneBroker(o: { redisUrl: string; dataDir: string; siteFile: string }) {
  const port = await freePort();
  // node itself with tsx's loader, not the tsx launcher: a signal (even SIGKILL) reaches the broker, no orphan is left.
  const p = start(process.execPath, ['--import', 'tsx', MAIN, '--cluster', o.redisUrl, '--data-dir', o.dataDir, '--site-file', o.siteFile, '--port', String(port)]);
  try {
    const up = until(() => p.lines.some((l) => l.includes('"msg":"mqtt broker listening"')), 'standalone broker up', 30_000);
    const exited = p.exited.then((code) => {
      throw new Error(`standalone broker exited (${code}): ${p.lines.join('\n')} ${p.stderr}`);
    });
    await Promise.race([up, exited]);
  } catch (err) {
    await p.stop();
    throw err;
  }
  return { proc: p, lines: p.lines, url: `mqtt://127.0.0.1:${port}`, stop: () => p.stop() };
}
