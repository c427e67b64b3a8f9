// An outdoor weather station: it reads the shared environment, with sensor noise.
//
// rainMm is "rain since the last reading", but reading() is pure and cannot reset a counter. So
// step() keeps a short log of rain per step interval, and reading() reports the rain that fell in
// the last reportEveryS seconds (pro rata for a step interval that straddles the window edge).
// Readings come every reportEveryS, so the windows tile the timeline: the same total as a reset
// counter, without the model knowing when a reading was taken, and exact for a backlog too.
import type { SimModel } from '../define.js';
import { clamp, round } from './util.js';

export interface RainSlice {
  fromMs: number;
  toMs: number;
  mm: number;
}

export interface WeatherState {
  rain: RainSlice[];
  /** The reporting interval from config, which is the window rainMm covers. */
  windowS: number;
}

export interface WeatherConfig {
  reportEveryS: number;
}

/** Rain that fell within (endMs - windowS, endMs]. */
export function rainInWindow(rain: readonly RainSlice[], endMs: number, windowS: number): number {
  const startMs = endMs - windowS * 1000;
  let mm = 0;
  for (const r of rain) {
    const overlap = Math.min(r.toMs, endMs) - Math.max(r.fromMs, startMs);
    if (overlap > 0) mm += r.toMs > r.fromMs ? (r.mm * overlap) / (r.toMs - r.fromMs) : 0;
  }
  return mm;
}

export const weatherStationSim: SimModel<WeatherState, WeatherConfig> = {
  init() {
    return { rain: [], windowS: 60 };
  },

  step(s, { env, dtS, config }) {
    const toMs = env.now.getTime();
    const mm = (env.rainMmPerH * dtS) / 3600;
    // Keep two windows: enough for a late reading, bounded whatever the step rate.
    const keepFromMs = toMs - 2 * config.reportEveryS * 1000;
    const rain = s.rain.filter((r) => r.toMs > keepFromMs);
    if (mm > 0 && dtS > 0) rain.push({ fromMs: toMs - dtS * 1000, toMs, mm });
    return { state: { rain, windowS: config.reportEveryS } };
  },

  reading(s, { env, rng }) {
    return {
      airTempC: round(clamp(env.outdoorTempC + rng.normal(0, 0.1), -20, 70), 1),
      airHumidityPct: round(clamp(env.outdoorHumidityPct + rng.normal(0, 0.8), 0, 100), 1),
      rainMm: round(clamp(rainInWindow(s.rain, env.now.getTime(), s.windowS), 0, 500), 2),
      windMs: round(clamp(env.windMs * (1 + rng.normal(0, 0.15)), 0, 90), 1),
      solarWm2: Math.round(clamp(env.solarWm2 * (1 + rng.normal(0, 0.01)), 0, 1500)),
    };
  },
};
