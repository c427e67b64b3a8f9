import { z } from 'zod';
import { defineDeviceType, numeric } from '../define.js';
import { airHumidityPct, airTempC, SensorConfig } from '../metrics.js';
import { greenhouseSensorSim } from '../sim/greenhouse-sensor.js';

export const greenhouseSensor = defineDeviceType({
  type: 'greenhouse-sensor',
  label: { vi: 'Cảm biến nhà màng', en: 'Greenhouse sensor' },
  traits: ['soil-sensor'],
  attributes: z.object({}),
  metrics: [
    airTempC,
    airHumidityPct,
    numeric({ key: 'soilMoisturePct', label: { vi: 'Độ ẩm đất', en: 'Soil moisture' }, unit: '%', min: 0, max: 100 }),
    numeric({ key: 'lightLux', label: { vi: 'Ánh sáng', en: 'Light' }, unit: 'lx', min: 0, max: 200000 }),
    numeric({ key: 'co2Ppm', label: { vi: 'CO₂', en: 'CO₂' }, unit: 'ppm', min: 0, max: 10000, optional: true }),
    numeric({ key: 'batteryPct', label: { vi: 'Pin', en: 'Battery' }, unit: '%', min: 0, max: 100, optional: true }),
    numeric({ key: 'rssiDbm', label: { vi: 'Sóng', en: 'Signal' }, unit: 'dBm', min: -150, max: 0, optional: true }),
  ],
  commands: {},
  config: SensorConfig,
  defaultConfig: () => ({ reportEveryS: 60 }),
  reportEveryS: 60,
  offlineAfterS: 180,
  influx: { measurement: 'greenhouse' },
  sim: greenhouseSensorSim,
});
