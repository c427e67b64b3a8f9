// A standalone broker process of a cluster: npm run broker -- --cluster redis://127.0.0.1:6379
// [--data-dir data] [--site-file data/site.json] [--host 127.0.0.1] [--port 1883].
// DATA_DIR is the plane's (shared, read here only); see README "Running at scale".
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { parseEnv } from '../controller/env.js';
import { runUntilSignal } from '../controller/lifecycle.js';
import { StandaloneBroker } from './standalone.js';

const problems: string[] = [];
// The limits the plane's embedded broker takes from the environment, so both halves hold devices alike.
let env: ReturnType<typeof parseEnv> | undefined;
try {
  env = parseEnv(process.env);
} catch (err) {
  problems.push((err as Error).message);
}
let args: ReturnType<typeof parse> | undefined;
function parse() {
  return parseArgs({
    options: {
      cluster: { type: 'string' },
      'data-dir': { type: 'string', default: process.env.DATA_DIR ?? 'data' },
      'site-file': { type: 'string' },
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
      port: { type: 'string', default: '1883' },
      'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'info' },
    },
    strict: true,
  }).values;
}
try {
  args = parse();
} catch (err) {
  problems.push((err as Error).message);
}
const port = Number(args?.port);
if (args && !args.cluster) problems.push('--cluster: required, a redis:// URL shared by every broker process and the plane (MQTT_CLUSTER)');
else if (args?.cluster && !/^rediss?:\/\//.test(args.cluster)) problems.push('--cluster: must be a redis:// or rediss:// URL');
if (args && !(Number.isInteger(port) && port >= 0 && port <= 65535)) problems.push('--port: an integer 0-65535');
if (problems.length || !args || !env) {
  console.error(`invalid arguments:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const log = pino({ level: args['log-level'] });
await runUntilSignal(async () => {
  const b = new StandaloneBroker({
    log,
    dataDir: args['data-dir'],
    siteFile: args['site-file'] ?? join(args['data-dir'], 'site.json'),
    redisUrl: args.cluster!,
    tcp: { host: args.host, port },
    limits: { maxConnections: env.MQTT_MAX_CONNECTIONS, rate: { ratePerS: env.MQTT_RATE_PER_S, burst: env.MQTT_RATE_BURST, maxDebtS: 2 } },
  });
  await b.start();
  return b;
}, log);
