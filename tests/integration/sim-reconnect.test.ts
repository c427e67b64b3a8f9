// A simulated device that cannot reach the broker waits longer after each failed attempt, with
// jitter, as PROTOCOL.md asks of firmware (no commune-wide stampede after a power cut).
import { createServer, type AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { SimClock } from '../../firmware-sim/clock.js';
import { SimulatedDevice } from '../../firmware-sim/device.js';
import { SiteEnvironment } from '../../firmware-sim/environment.js';
import { SeededRng } from '../../firmware-sim/rng.js';
import { until } from '../helpers/village.js';

test('reconnect attempts back off exponentially, each wait between half and all of its ceiling', async () => {
  // A "broker" that hangs up on every connection: each attempt fails at once.
  const attempts: number[] = [];
  const server = createServer((s) => {
    attempts.push(performance.now());
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const site = { id: 'xa-test', lat: 21.03, lon: 105.75, tz: 'Asia/Ho_Chi_Minh' };
  const env = new SiteEnvironment({ lat: site.lat, lon: site.lon, seed: 1 });
  const device = new SimulatedDevice({
    site,
    device: { id: 'tram-1', type: 'weather-station', attributes: {} },
    secret: 'unused',
    brokerUrl: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clock: new SimClock({ speed: 1 }),
    rng: new SeededRng(1),
    env: (now) => env.at(now),
    stepEveryMs: 1000,
    reconnectPeriodMs: 40,
    maxReconnectMs: 1000,
  });
  device.start();
  try {
    await until(() => attempts.length >= 6, 'six attempts', 10_000);
  } finally {
    await device.stop();
    await new Promise<void>((r) => server.close(() => r()));
  }
  const gaps = attempts.slice(1, 6).map((t, i) => t - attempts[i]!);
  // Ceilings 40, 80, 160, 320, 640 ms: each wait is at least half its ceiling (a fixed 40 ms
  // period would retry 16 times in the time of the fifth wait). Timers run late under load, never
  // early, so only the lower bound is asserted.
  gaps.forEach((g, i) => expect(g, `gap ${i}`).toBeGreaterThanOrEqual((40 * 2 ** i) / 2 - 5));
});
