import { z } from 'zod';
import { defineDeviceType, numeric } from '../define.js';
import { airHumidityPct, airTempC, SensorConfig } from '../metrics.js';
import { weatherStationSim } from '../sim/weather-station.js';

export const weatherStation = defineDeviceType({
  type: 'weather-station',
  label: { vi: 'Trạm thời tiết', en: 'Weather station' },
  traits: ['weather'],
  attributes: z.object({}),
  metrics: [
    airTempC,
    airHumidityPct,
    numeric({ key: 'rainMm', label: { vi: 'Lượng mưa', en: 'Rain' }, unit: 'mm', min: 0, max: 500 }),
    numeric({ key: 'windMs', label: { vi: 'Gió', en: 'Wind' }, unit: 'm/s', min: 0, max: 90 }),
    numeric({ key: 'solarWm2', label: { vi: 'Bức xạ', en: 'Solar radiation' }, unit: 'W/m²', min: 0, max: 1500, optional: true }),
  ],
  commands: {},
  config: SensorConfig,
  defaultConfig: () => ({ reportEveryS: 60 }),
  reportEveryS: 60,
  offlineAfterS: 180,
  influx: { measurement: 'weather' },
  sim: weatherStationSim,
});
