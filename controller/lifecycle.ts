// Process lifecycle shared by the entry points: start, then stop cleanly once on SIGINT/SIGTERM.
import type { Logger } from 'pino';
import { SiteConfigError } from './config/site.js';
import { InfluxdMissingError } from './storage/influxd.js';

export async function runUntilSignal(start: () => Promise<{ stop(): Promise<void> }>, log: Logger): Promise<void> {
  let app: { stop(): Promise<void> };
  try {
    app = await start();
  } catch (err) {
    // A mistake the operator must fix reads best as plain lines, not as a JSON log record.
    if (err instanceof SiteConfigError) console.error(err.describe());
    else if (err instanceof InfluxdMissingError) console.error(err.message);
    else log.fatal({ err }, 'start failed');
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
