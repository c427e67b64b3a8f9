// Metric descriptors shared by several device types (same key, unit and range everywhere).
import { z } from 'zod';
import { numeric } from './define.js';

export const airTempC = numeric({ key: 'airTempC', label: { vi: 'Nhiệt độ không khí', en: 'Air temperature' }, unit: '°C', min: -20, max: 70 });
export const airHumidityPct = numeric({ key: 'airHumidityPct', label: { vi: 'Độ ẩm không khí', en: 'Air humidity' }, unit: '%', min: 0, max: 100 });

/** A sensor's config: only how often it reports. */
export const SensorConfig = z.object({ reportEveryS: z.number().int().min(10).max(3600) });
