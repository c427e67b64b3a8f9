// The commune radio: zones, clusters, programme slots, audio, bulletins and the broadcast log.
import { z } from 'zod';
import { AudioRef, BULLETIN_STATUSES, Bulletin, BulletinInput, Delivery, DELIVERY_REASONS, DELIVERY_STATUSES, Slot } from '../../radio/schema.js';

export { BulletinInput, Slot };

export const RadioZones = z.object({
  commune: z.object({ id: z.literal('commune'), name: z.string() }),
  hamlets: z.array(z.object({ id: z.string(), name: z.string(), clusters: z.number().int() })),
  groups: z.array(z.object({ id: z.string(), name: z.string(), hamlets: z.array(z.string()) })),
});

export const Cluster = z.object({
  id: z.string(),
  name: z.string(),
  hamlet: z.string(),
  hamletName: z.string(),
  availability: z.string(),
  amplifierOk: z.boolean().nullable(),
  playing: z.boolean(),
  broadcastId: z.string().optional(),
  priority: z.string().optional(),
  volumePct: z.number().optional(),
});

export const SlotView = Slot.extend({
  next: z.string().nullable(),
  queued: z.number().int(),
  lastRun: z.object({ key: z.string(), at: z.string(), outcome: z.enum(['played', 'empty', 'skipped']) }).nullable(),
});

export const AudioView = AudioRef.extend({ url: z.string() });

export const BulletinView = Bulletin.omit({ deliveries: true }).extend({
  audio: AudioView,
  deliveries: z.array(Delivery.extend({ name: z.string(), hamletName: z.string() })),
  reach: z.object({
    hamlets: z.object({ total: z.number().int(), reached: z.number().int() }),
    clusters: z.object({ total: z.number().int(), finished: z.number().int(), failed: z.number().int(), pending: z.number().int() }),
    notReached: z.array(
      z.object({ device: z.string(), name: z.string(), hamlet: z.string(), hamletName: z.string(), status: z.enum(DELIVERY_STATUSES), reason: z.string().optional(), reasonCode: z.enum(DELIVERY_REASONS).optional() }),
    ),
    uncovered: z.array(z.string()),
  }),
});

export const EmergencyInput = BulletinInput.omit({ level: true }).extend({ level: z.literal('emergency').optional() });
export const BulletinsQuery = z.object({ status: z.enum(BULLETIN_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(2000).default(200) });
export const BulletinParams = z.object({ id: z.string().min(1).max(64) });
export const Note = z.object({ note: z.string().max(500).optional() }).nullish();
export const Tts = z.object({ text: z.string() });
export const AudioParams = z.object({ file: z.string().regex(/^[0-9a-f]{24}\.(wav|mp3)$/, 'unknown audio file') });
/** A speaker's URL carries its expiry and the plane's signature. */
export const AudioQuery = z.object({ exp: z.string().max(16).optional(), sig: z.string().max(128).optional() });

export const LogQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM'), format: z.enum(['json', 'csv']).default('json') });
export const LogRow = z.object({
  time: z.string(),
  localTime: z.string(),
  kind: z.string(),
  bulletin: z.string(),
  title: z.string(),
  level: z.string(),
  action: z.string(),
  hamlet: z.string(),
  device: z.string(),
  status: z.string(),
  reason: z.string(),
  by: z.string(),
});
