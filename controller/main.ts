// Starts the control plane from the environment and stops it cleanly on SIGINT/SIGTERM.
import { join } from 'node:path';
import { pino } from 'pino';
import { parseEnv } from './env.js';
import { runUntilSignal } from './lifecycle.js';
import { Village } from './village.js';

let env: ReturnType<typeof parseEnv>;
try {
  env = parseEnv(process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
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
