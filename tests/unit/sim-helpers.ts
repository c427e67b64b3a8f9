// Shared fixtures for the simulator model tests.
import type { Rng, SimDevice, SimEnvironment } from '../../devices/define.js';

export const SITE = { lat: 21.03, lon: 105.75, tz: 'Asia/Ho_Chi_Minh' };

/** An environment at a fixed instant; override what the test is about. */
export function envAt(now: Date, over: Partial<Omit<SimEnvironment, 'now'>> = {}): SimEnvironment {
  return {
    now,
    sunAltitude: 1,
    outdoorTempC: 30,
    outdoorHumidityPct: 70,
    solarWm2: 800,
    windMs: 2,
    rainMmPerH: 0,
    zoneWatering: () => false,
    ...over,
  };
}

/** A random source that always says the same: no noise, no rare failures. */
export const steadyRng: Rng = { next: () => 0.5, normal: (mean) => mean };

export const dev = (over: Partial<SimDevice> = {}): SimDevice => ({ id: 'dev-01', attributes: {}, ...over });
