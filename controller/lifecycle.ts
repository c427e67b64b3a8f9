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

/** A part of a composition root: started in data-flow order, stopped in reverse. */
export interface Module {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The modules a composition root (the village, the province) has started. */
export class Modules {
  private started: Module[] = [];

  constructor(private readonly o: { log: Logger }) {}

  get running(): boolean {
    return this.started.length > 0;
  }

  /** Starts each in order; when one fails, runs `onFail` (the root's own stop) and throws. */
  async start(modules: readonly Module[], onFail: () => Promise<void>): Promise<void> {
    for (const m of modules) {
      try {
        await m.start();
        this.started.push(m);
      } catch (err) {
        this.o.log.error({ err, module: m.name }, 'module failed to start; stopping');
        await onFail();
        throw err;
      }
    }
  }

  /** Stops the started modules in reverse order; a failing stop is logged and the rest still stop. */
  async stop(): Promise<void> {
    const started = this.started.reverse();
    this.started = [];
    for (const m of started) {
      try {
        await m.stop();
      } catch (err) {
        this.o.log.error({ err, module: m.name }, 'module failed to stop');
      }
    }
  }
}
