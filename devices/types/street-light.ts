import { z } from 'zod';
import { choice, defineDeviceType, numeric } from '../define.js';
import { streetLightSim } from '../sim/street-light.js';

const Level = z.number().int().min(0).max(100);
const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const ProfileStep = z.union([
  z.object({ at: Hhmm, level: Level }),
  z.object({ astro: z.enum(['sunset', 'sunrise']), offsetMin: z.number().int().min(-180).max(180), level: Level }),
]);
export const StreetLightConfig = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  tz: z.string().min(1),
  ratedPowerW: z.number().positive().max(2000),
  fallback: z.array(ProfileStep).min(1).max(16),
});
export type StreetLightConfig = z.infer<typeof StreetLightConfig>;

export const streetLight = defineDeviceType({
  type: 'street-light',
  label: { vi: 'Đèn đường', en: 'Street light' },
  traits: ['luminaire'],
  attributes: z.object({ ratedPowerW: z.number().positive().max(2000).default(60) }),
  metrics: [
    numeric({ key: 'powerW', label: { vi: 'Công suất', en: 'Power' }, unit: 'W', min: 0, max: 5000 }),
    numeric({ key: 'energyKwh', label: { vi: 'Điện năng', en: 'Energy' }, unit: 'kWh', min: 0 }),
    choice({ key: 'lampStatus', label: { vi: 'Tình trạng đèn', en: 'Lamp status' }, values: ['ok', 'lampFailure', 'dimmingFailure', 'unexpectedOn'] }),
  ],
  commands: {
    set: z.object({ level: Level, untilIso: z.iso.datetime({ offset: true }).optional() }),
    resume: z.object({}),
  },
  state: z.looseObject({ level: Level, mode: z.enum(['program', 'override']), overrideUntil: z.string().optional() }),
  config: StreetLightConfig,
  defaultConfig: (site, attrs) => ({
    lat: site.lat,
    lon: site.lon,
    tz: site.tz,
    ratedPowerW: (attrs.ratedPowerW as number | undefined) ?? 60,
    // Dusk to dawn, dimmed in the dead of night: what a village road needs with no plane.
    fallback: [
      { astro: 'sunset' as const, offsetMin: -10, level: 100 },
      { at: '23:00', level: 50 },
      { at: '04:30', level: 80 },
      { astro: 'sunrise' as const, offsetMin: 10, level: 0 },
    ],
  }),
  settable: [{ key: 'level', label: { vi: 'Độ sáng', en: 'Dim level' }, access: 'set', kind: 'number', unit: '%', min: 0, max: 100, step: 1 }],
  reportEveryS: 300,
  offlineAfterS: 900,
  influx: { measurement: 'light' },
  sim: streetLightSim,
});
