// Runs the real controller entry point (controller/main.ts) as a child process, with a site file,
// pre-provisioned device secrets and an InfluxDB it is pointed at.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '../../broker/credentials.js';
import type { SiteInput } from '../../controller/config/site.js';
import { freePort } from '../../controller/storage/influxd.js';
import { start } from './proc.js';
import { until } from './village.js';

export async function startControllerProcess(site: SiteInput, influxUrl: string, env: NodeJS.ProcessEnv = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'village-proc-'));
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dir, 'site.json'), JSON.stringify(site));
  const creds = new CredentialStore({ file: join(dataDir, 'credentials.json') });
  await creds.load();
  const secrets: Record<string, string> = {};
  for (const d of site.devices) secrets[d.id] = await creds.issue(d.id, 'device');
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const proc = start('node', ['--import', 'tsx', 'controller/main.ts'], {
    ...process.env,
    HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    MQTT_PORT: String(mqttPort),
    DATA_DIR: dataDir,
    SITE_FILE: join(dir, 'site.json'),
    INFLUX_URL: influxUrl,
    LOG_LEVEL: 'info',
    ...env,
  });
  const logs = () => proc.lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const healthy = () =>
    fetch(`http://127.0.0.1:${httpPort}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
  try {
    await until(async () => proc.child.exitCode !== null || (await healthy()), 'controller started', 30_000);
    if (proc.child.exitCode !== null) throw new Error(`controller exited ${proc.child.exitCode}: ${proc.stderr}`);
  } catch (err) {
    await proc.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    proc,
    dir,
    secrets,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const code = await proc.stop(signal);
      await rm(dir, { recursive: true, force: true });
      return code;
    },
  };
}
