import { describe, expect, it } from 'vitest';
import { greenhouseSensorSim as sim, type GreenhouseState } from '../../devices/sim/greenhouse-sensor.js';
import { weatherStationSim as weather } from '../../devices/sim/weather-station.js';
import { greenhouseSensor } from '../../devices/types/greenhouse-sensor.js';
import { weatherStation } from '../../devices/types/weather-station.js';
import { SeededRng } from '../../firmware-sim/rng.js';
import { dev, envAt } from './sim-helpers.js';

const noon = new Date('2025-06-15T05:00:00Z'); // 12:00 in Hà Nội
const sunny = envAt(noon, { sunAltitude: 1.4, solarWm2: 900, outdoorTempC: 33, outdoorHumidityPct: 62 });
const sensor = dev({ id: 'gh-sensor-01', zone: 'nha-mang-1' });
const config = { reportEveryS: 60 };

function hour(s: GreenhouseState, watering: boolean, rng: SeededRng) {
  const env = { ...sunny, zoneWatering: (z: string | undefined) => watering && z === 'nha-mang-1' };
  for (let i = 0; i < 60; i++) s = sim.step(s, { env, dtS: 60, rng, config, device: sensor }).state;
  return s;
}

describe('greenhouse sensor model', () => {
  it('soil dries in the midday sun and wets while its zone is watered', () => {
    const rng = new SeededRng(5);
    const s0 = { ...sim.init(sensor, rng, sunny), soilMoisturePct: 30 };
    const dry = hour(s0, false, rng);
    const wet = hour(s0, true, rng);
    expect(dry.soilMoisturePct).toBeLessThan(30 - 0.5);
    expect(wet.soilMoisturePct).toBeGreaterThan(30 + 2);
  });

  it('only another zone being watered does not wet this one', () => {
    const rng = new SeededRng(5);
    const s0 = { ...sim.init(sensor, rng, sunny), soilMoisturePct: 30 };
    const env = { ...sunny, zoneWatering: (z: string | undefined) => z === 'nha-mang-2' };
    const s = sim.step(s0, { env, dtS: 3600, rng, config, device: sensor }).state;
    expect(s.soilMoisturePct).toBeLessThan(30);
  });

  it('is warmer than outside by day and reads valid telemetry', () => {
    const rng = new SeededRng(9);
    const s = hour(sim.init(sensor, rng, sunny), false, rng);
    expect(s.airTempC).toBeGreaterThan(sunny.outdoorTempC + 2);
    const reading = sim.reading(s, { env: sunny, rng, device: sensor });
    expect(greenhouseSensor.reading.safeParse(reading).success).toBe(true);
    expect(reading.lightLux as number).toBeGreaterThan(30000);
  });
});

describe('weather station model', () => {
  it('reports the rain of each reporting interval, so the readings add up to what fell', () => {
    const rng = new SeededRng(2);
    const t0 = noon.getTime();
    let s = weather.init(dev(), rng, sunny);
    let last = 0;
    let reported = 0;
    const advance = (t: number) => {
      const env = envAt(new Date(t0 + t * 1000), { rainMmPerH: 12 });
      s = weather.step(s, { env, dtS: t - last, rng, config, device: dev() }).state;
      last = t;
      return env;
    };
    // 10 min of 12 mm/h = 2 mm; physics every 7 s, and (as the runner does) a step before each reading.
    for (let t = 7; t <= 600; t += 7) {
      for (let r = Math.floor(last / 60) * 60 + 60; r <= t && r <= 600; r += 60) {
        const env = advance(r);
        const reading = weather.reading(s, { env, rng, device: dev() });
        expect(weatherStation.reading.safeParse(reading).success).toBe(true);
        reported += reading.rainMm as number;
      }
      advance(t);
    }
    const env = advance(600);
    reported += weather.reading(s, { env, rng, device: dev() }).rainMm as number;
    expect(reported).toBeCloseTo(2, 1);
    expect(s.rain.length).toBeLessThan(40); // the log stays bounded
  });
});
