import { z } from 'zod';
import { defineDeviceType, numeric } from '../define.js';
import { greenhouseSensorSim } from '../sim/greenhouse-sensor.js';

export const greenhouseSensor = defineDeviceType({
  type: 'greenhouse-sensor',
  label: { vi: 'Cảm biến nhà màng', en: 'Greenhouse sensor' },
  attributes: z.object({}),
  metrics: [
    numeric({ key: 'airTempC', label: { vi: 'Nhiệt độ không khí', en: 'Air temperature' }, unit: '°C', min: -20, max: 70 }),
    numeric({ key: 'airHumidityPct', label: { vi: 'Độ ẩm không khí', en: 'Air humidity' }, unit: '%', min: 0, max: 100 }),
    numeric({ key: 'soilMoisturePct', label: { vi: 'Độ ẩm đất', en: 'Soil moisture' }, unit: '%', min: 0, max: 100 }),
    numeric({ key: 'lightLux', label: { vi: 'Ánh sáng', en: 'Light' }, unit: 'lx', min: 0, max: 200000 }),
    numeric({ key: 'co2Ppm', label: { vi: 'CO₂', en: 'CO₂' }, unit: 'ppm', min: 0, max: 10000, optional: true }),
    numeric({ key: 'batteryPct', label: { vi: 'Pin', en: 'Battery' }, unit: '%', min: 0, max: 100, optional: true }),
    numeric({ key: 'rssiDbm', label: { vi: 'Sóng', en: 'Signal' }, unit: 'dBm', min: -150, max: 0, optional: true }),
  ],
  commands: {},
  config: z.object({ reportEveryS: z.number().int().min(10).max(3600) }),
  defaultConfig: () => ({ reportEveryS: 60 }),
  reportEveryS: 60,
  offlineAfterS: 180,
  influx: { measurement: 'greenhouse' },
  sim: greenhouseSensorSim,
});
