// Starts the control plane from the environment and stops it cleanly on SIGINT/SIGTERM.
import { join } from 'node:path';
import { pino } from 'pino';
import { SiteConfigError } from './config/site.js';
import { parseEnv } from './env.js';
import { InfluxdMissingError } from './storage/influxd.js';
import { Village } from './village.js';

export async function runUntilSignal(start: () => Promise<{ stop(): Promise<void> }>, log: pino.Logger): Promise<void> {
  let app: { stop(): Promise<void> };
  try {
    app = await start();
  } catch (err) {
    if (err instanceof SiteConfigError || err instanceof InfluxdMissingError) {
      log.fatal(err.message);
    } else log.fatal({ err }, 'start failed');
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = parseEnv(process.env);
  const log = pino({ level: env.LOG_LEVEL });
  await runUntilSignal(async () => {
    const v = new Village({
      log,
      dataDir: env.DATA_DIR,
      siteFile: env.SITE_FILE ?? join(env.DATA_DIR, 'site.json'),
      host: env.HOST,
      httpPort: env.HTTP_PORT,
      mqttPort: env.MQTT_PORT,
      ...(env.INFLUX_URL && { influxUrl: env.INFLUX_URL }),
      influxDb: env.INFLUX_DB,
    });
    await v.start();
    return v;
  }, log);
}
