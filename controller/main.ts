// Starts the control plane from the environment and stops it cleanly on SIGINT/SIGTERM.
import { pino } from 'pino';
import { parseEnv, villageOptions } from './env.js';
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
  const v = new Village(villageOptions(env, log));
  await v.start();
  return v;
}, log);
