// A battery sensor node in a greenhouse (nhà màng): air, light and soil follow the sun and the
// irrigation. The state holds the true values; reading() adds the sensor's noise.
import type { SimEnvironment, SimModel } from '../define.js';
import { approach, clamp, round } from './util.js';

export interface GreenhouseState {
  airTempC: number;
  airHumidityPct: number;
  soilMoisturePct: number;
  lightLux: number;
  co2Ppm: number;
  batteryPct: number;
  /** Mean signal at this node's spot: walls and distance to the gateway do not change. */
  rssiBaseDbm: number;
}

export interface GreenhouseConfig {
  reportEveryS: number;
}

/** Field capacity of a loam bed: drip water beyond it drains away. */
const FIELD_CAPACITY_PCT = 45;

/** Film and structure pass about 70% of sunlight; ~120 lx per W/m² of daylight. */
const luxFor = (env: SimEnvironment) => clamp(env.solarWm2 * 120 * 0.7, 0, 200000);

/** A closed house traps heat by day; it stays slightly above outdoor at night. */
const tempTarget = (env: SimEnvironment) => env.outdoorTempC + 1 + (5 * env.solarWm2) / 900;

const humidityTarget = (env: SimEnvironment, airTempC: number, watering: boolean) =>
  clamp(env.outdoorHumidityPct - 2.5 * (airTempC - env.outdoorTempC) + (watering ? 8 : 0), 30, 98);

/** Soil water balance in volumetric % per hour. */
export function soilRatePctPerH(m: number, env: SimEnvironment, airTempC: number, watering: boolean): number {
  // Evapotranspiration grows with radiation and heat, and slows as the soil dries (water is held harder).
  const et = (0.05 + (1.2 * env.solarWm2) / 1000 + 0.04 * Math.max(0, airTempC - 20)) * clamp((m - 8) / 30, 0, 1.3);
  const irrigation = watering ? 10 * clamp((FIELD_CAPACITY_PCT + 3 - m) / 20, 0, 1) : 0;
  // The roof keeps rain out; only a little seeps in at the edges.
  const rain = 0.05 * env.rainMmPerH;
  const drainage = Math.max(0, m - FIELD_CAPACITY_PCT) * 0.5;
  return irrigation + rain - et - drainage;
}

export const greenhouseSensorSim: SimModel<GreenhouseState, GreenhouseConfig> = {
  init(_device, rng, env) {
    const airTempC = tempTarget(env);
    return {
      airTempC,
      airHumidityPct: humidityTarget(env, airTempC, false),
      soilMoisturePct: 25 + 10 * rng.next(),
      lightLux: luxFor(env),
      co2Ppm: 450,
      batteryPct: 85 + 15 * rng.next(),
      rssiBaseDbm: -60 - 30 * rng.next(),
    };
  },

  step(s, { env, dtS, device }) {
    const watering = env.zoneWatering(device.zone);
    const airTempC = approach(s.airTempC, tempTarget(env), dtS, 1200);
    const m = s.soilMoisturePct + (soilRatePctPerH(s.soilMoisturePct, env, airTempC, watering) * dtS) / 3600;
    // Plants draw CO₂ down in daylight and respire at night.
    const co2Target = env.solarWm2 > 20 ? 400 - (60 * env.solarWm2) / 1000 : 550;
    return {
      state: {
        ...s,
        airTempC,
        airHumidityPct: approach(s.airHumidityPct, humidityTarget(env, airTempC, watering), dtS, 900),
        soilMoisturePct: clamp(m, 5, 55),
        lightLux: luxFor(env),
        co2Ppm: approach(s.co2Ppm, co2Target, dtS, 1800),
        // About 0.2% a day: a cell that lasts a couple of years between visits.
        batteryPct: Math.max(0, s.batteryPct - (0.2 * dtS) / 86400),
      },
    };
  },

  reading(s, { rng }) {
    return {
      airTempC: round(clamp(s.airTempC + rng.normal(0, 0.1), -20, 70), 1),
      airHumidityPct: round(clamp(s.airHumidityPct + rng.normal(0, 0.5), 0, 100), 1),
      soilMoisturePct: round(clamp(s.soilMoisturePct + rng.normal(0, 0.2), 0, 100), 1),
      lightLux: Math.round(clamp(s.lightLux * (1 + rng.normal(0, 0.02)), 0, 200000)),
      co2Ppm: Math.round(clamp(s.co2Ppm + rng.normal(0, 5), 0, 10000)),
      batteryPct: Math.round(s.batteryPct),
      rssiDbm: Math.round(clamp(s.rssiBaseDbm + rng.normal(0, 3), -120, -30)),
    };
  },
};
