import { z } from 'zod';
import { defineDeviceType, flag, numeric, Timestamp } from '../define.js';
import { loudspeakerSim } from '../sim/loudspeaker.js';

export const PRIORITIES = ['normal', 'priority', 'emergency'] as const;
export const Priority = z.enum(PRIORITIES);
const Volume = z.number().int().min(0).max(100);

export const loudspeaker = defineDeviceType({
  type: 'loudspeaker',
  label: { vi: 'Cụm loa', en: 'Loudspeaker cluster' },
  traits: ['speaker'],
  attributes: z.object({}),
  metrics: [
    numeric({ key: 'volumePct', label: { vi: 'Âm lượng', en: 'Volume' }, unit: '%', min: 0, max: 100 }),
    flag({ key: 'amplifierOk', label: { vi: 'Bộ khuếch đại', en: 'Amplifier' } }),
    flag({ key: 'playing', label: { vi: 'Đang phát', en: 'Playing' } }),
  ],
  // A playback report, sent on start and end of every play.
  events: z.looseObject({
    ts: Timestamp.optional(),
    broadcastId: z.string().min(1).max(64),
    event: z.enum(['started', 'finished', 'failed']),
  }),
  commands: {
    play: z.object({
      broadcastId: z.string().min(1).max(64),
      audioUrl: z.string().min(1).max(2048),
      priority: Priority,
      volumePct: Volume.optional(),
    }),
    stop: z.object({ broadcastId: z.string().min(1).max(64).optional() }),
    setVolume: z.object({ volumePct: Volume }),
  },
  state: z.looseObject({ playing: z.boolean(), broadcastId: z.string().optional(), priority: Priority.optional() }),
  config: z.object({ defaultVolumePct: Volume, maxPlayS: z.number().int().min(10).max(7200) }),
  defaultConfig: () => ({ defaultVolumePct: 70, maxPlayS: 1800 }),
  settable: [{ key: 'volumePct', label: { vi: 'Âm lượng', en: 'Volume' }, access: 'set', kind: 'number', unit: '%', min: 0, max: 100, step: 1 }],
  reportEveryS: 60,
  offlineAfterS: 180,
  influx: { measurement: 'speaker', extraFields: ['broadcastId', 'event', 'reason'] },
  sim: loudspeakerSim,
});
