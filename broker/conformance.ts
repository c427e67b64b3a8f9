// The broker alone, with an open policy (no auth, any topic), for protocol conformance testing of
// aedes itself. It binds 127.0.0.1 and nothing else: an open broker must never face a network.
//   npm run broker:conformance -- --port 1884 [--refuse-subscribe test/nosubscribe]
// The Paho 3.1.1 interoperability suite expects its `test/nosubscribe` filter to be refused.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { runUntilSignal } from '../controller/lifecycle.js';
import { Broker } from './broker.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '1884' }, host: { type: 'string', default: '127.0.0.1' }, 'refuse-subscribe': { type: 'string', multiple: true, default: [] } },
});
const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
if (values.host !== '127.0.0.1') {
  log.fatal({ host: values.host }, 'conformance mode binds 127.0.0.1 only; refusing');
  process.exit(2);
}
await runUntilSignal(async () => {
  const broker = new Broker({
    log,
    site: 'conformance',
    policy: 'open',
    tcp: { host: '127.0.0.1', port: Number(values.port) },
    refuseSubscribe: values['refuse-subscribe'],
    // Conformance suites burst on purpose; keep admission control, but far above their rates.
    limits: { rate: { ratePerS: 10_000, burst: 10_000, maxDebtS: 5 } },
  });
  await broker.start();
  log.info({ port: broker.port }, 'conformance broker ready (open policy, loopback only)');
  return broker;
}, log);
