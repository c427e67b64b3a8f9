// Runs a simulated fleet against a broker:
//   npx tsx firmware-sim/main.ts --site site.json --secrets secrets.json \
//     --broker mqtt://127.0.0.1:1883 --seed 42 --speed 60
// secrets.json is { "<deviceId>": "<secret>" }. The site file is the controller's (JSON or YAML).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import YAML from 'yaml';
import { SimFleet } from './fleet-runner.js';
import type { SiteFile } from './fleet.js';

const USAGE = 'usage: firmware-sim/main.ts --site <site.json> --secrets <secrets.json> [--broker mqtt://127.0.0.1:1883] [--seed 42] [--speed 60] [--log-level info]';

async function readData(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  return ['.yaml', '.yml'].includes(extname(file)) ? YAML.parse(text) : JSON.parse(text);
}

function num(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      site: { type: 'string' },
      secrets: { type: 'string' },
      broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      seed: { type: 'string', default: '42' },
      speed: { type: 'string', default: '1' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.site || !values.secrets) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const log = pino({ level: values['log-level'] });
  const site = (await readData(values.site)) as SiteFile;
  if (!site?.site?.id || !Array.isArray(site.devices)) throw new Error(`${values.site}: not a site file (needs site and devices)`);
  const secrets = (await readData(values.secrets)) as Record<string, string>;

  const fleet = new SimFleet({
    site,
    secrets,
    brokerUrl: values.broker,
    seed: num('seed', values.seed),
    speed: num('speed', values.speed),
    logger: log,
  });
  fleet.start();
  log.info({ site: site.site.id, devices: fleet.devices.length, broker: values.broker, speed: fleet.clock.speed }, 'fleet started');

  const shutdown = (signal: string) => {
    log.info({ signal }, 'stopping fleet');
    fleet.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error((err as Error).message ?? err);
  process.exit(1);
});
