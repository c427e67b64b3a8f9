// Starts the control plane (or, PLANE_MODE=province, the province roll-up) from the environment and stops it cleanly on SIGINT/SIGTERM.
import { pino } from 'pino';
import { parseEnv, provinceOptions, villageOptions } from './env.js';
import { Province } from './province/province.js';
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
  const p = env.PLANE_MODE === 'province' ? new Province(provinceOptions(env, log)) : new Village(villageOptions(env, log));
  await p.start();
  return p;
}, log);
