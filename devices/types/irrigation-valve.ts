import { z } from 'zod';
import { defineDeviceType, numeric } from '../define.js';
import { irrigationValveSim } from '../sim/irrigation-valve.js';
import { valveRefusal } from '../sim/valve-rules.js';

/** Hard ceiling for any single run; a zone's own maximum is lower. */
export const VALVE_MAX_RUN_S = 4 * 3600;

export const ValveConfig = z.object({
  maxRunS: z.number().int().min(1).max(VALVE_MAX_RUN_S),
  closeOnOffline: z.boolean(),
});
export type ValveConfig = z.infer<typeof ValveConfig>;

export const irrigationValve = defineDeviceType({
  type: 'irrigation-valve',
  label: { vi: 'Van tưới', en: 'Irrigation valve' },
  traits: ['valve'],
  // nominalLpm: what the line draws when open, for a water source's L/min capacity (else by kind).
  attributes: z.object({ kind: z.enum(['drip', 'sprinkler']), nominalLpm: z.number().positive().max(2000).optional() }),
  requiresZone: true,
  metrics: [
    numeric({ key: 'flowLpm', label: { vi: 'Lưu lượng', en: 'Flow' }, unit: 'L/min', min: 0, max: 2000 }),
    numeric({ key: 'totalLiters', label: { vi: 'Tổng nước', en: 'Total water' }, unit: 'L', min: 0 }),
    numeric({ key: 'pressureBar', label: { vi: 'Áp suất', en: 'Pressure' }, unit: 'bar', min: 0, max: 16, optional: true }),
  ],
  commands: {
    // durationS is mandatory: a valve can never be told to stay open without an end.
    open: z.object({ durationS: z.number().int().min(1).max(VALVE_MAX_RUN_S), runId: z.string().max(64).optional() }),
    close: z.object({}),
  },
  state: z.looseObject({ open: z.boolean(), remainingS: z.number().int().min(0), runId: z.string().optional() }),
  volatileState: { keys: ['remainingS'], refreshS: 10 },
  config: ValveConfig,
  // The zone's maximum is the valve's own: it enforces it even with no plane.
  defaultConfig: (site) => ({ maxRunS: site.zone?.maxRunS ?? 3600, closeOnOffline: true }),
  refuse: valveRefusal,
  settable: [
    { key: 'durationS', label: { vi: 'Thời gian mở', en: 'Open for' }, access: 'set', kind: 'number', unit: 's', min: 1, max: VALVE_MAX_RUN_S, step: 1 },
  ],
  reportEveryS: 60,
  offlineAfterS: 180,
  influx: { measurement: 'valve' },
  sim: irrigationValveSim,
});
