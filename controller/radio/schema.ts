// Commune-radio bulletins, programme slots and per-cluster deliveries, validated with zod.
// The durable state is one JSON file (radio.json); rules are in docs/RADIO.md.
import { z } from 'zod';
import { Priority } from '../../devices/types/loudspeaker.js';

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must match ^[a-z0-9][a-z0-9-]{1,62}$');
const Instant = z.iso.datetime({ offset: true });

export const Level = Priority;
export type Level = z.infer<typeof Level>;

export type { Actor } from '../auth/policy.js';

export const Slot = z.object({
  id: Id,
  name: z.string().trim().min(1).max(80),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
  /** ISO weekdays, Monday = 1; all seven is a daily slot. */
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7).default([1, 2, 3, 4, 5, 6, 7]),
  /** How long after the slot's start a cluster that was offline or busy may still get its bulletins. */
  windowMin: z.number().int().min(5).max(720).default(60),
});
export type Slot = z.infer<typeof Slot>;

export const Content = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().trim().min(1).max(5000) }),
  z.object({ kind: z.literal('audio'), file: z.string().regex(/^[0-9a-f]{24}\.(wav|mp3)$/, 'unknown audio file') }),
]);

export const AudioRef = z.object({
  file: z.string(),
  format: z.enum(['wav', 'mp3']),
  durationS: z.number().positive(),
  bytes: z.number().int().positive(),
  source: z.enum(['tts', 'upload']),
});

/** What an operator writes: the request body for a draft. */
export const BulletinInput = z.object({
  title: z.string().trim().min(1).max(200),
  level: Level,
  zones: z.array(z.string().min(1).max(63)).min(1).max(100),
  content: Content,
  expiresAt: Instant.optional(),
  schedule: z.object({ slot: Id.optional(), notBefore: Instant.optional() }).default({}),
  /** Plays in a row on each cluster (warnings are often read two or three times). */
  repeat: z.number().int().min(1).max(5).default(1),
  /** The clusters' volume for this bulletin; an emergency plays at 100 unless set. */
  volumePct: z.number().int().min(0).max(100).optional(),
});
export type BulletinInput = z.infer<typeof BulletinInput>;

export const BULLETIN_STATUSES = ['draft', 'pending', 'approved', 'airing', 'done', 'rejected', 'cancelled', 'expired'] as const;
export type BulletinStatus = (typeof BULLETIN_STATUSES)[number];

export const DELIVERY_STATUSES = ['queued', 'waiting', 'sent', 'acked', 'started', 'finished', 'failed', 'missed', 'expired', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
/** A delivery in one of these is over; the others may still change. */
export const FINAL_DELIVERY: ReadonlySet<DeliveryStatus> = new Set(['finished', 'failed', 'missed', 'expired', 'cancelled']);

/**
 * Why a delivery is where it is, as a stable code for pages to translate (`reason` keeps the
 * words: a device's or the command service's own text for `device`, `rejected` and `error`).
 */
export const DELIVERY_REASONS = ['offline', 'busy', 'preempted', 'stopped', 'cancelled', 'repeat', 'no-end', 'window-closed', 'expired', 'no-answer', 'rejected', 'device', 'error'] as const;
export type DeliveryReason = (typeof DELIVERY_REASONS)[number];

export const Delivery = z.object({
  device: Id,
  hamlet: Id,
  status: z.enum(DELIVERY_STATUSES),
  reason: z.string().optional(),
  reasonCode: z.enum(DELIVERY_REASONS).optional(),
  attempts: z.number().int().min(0).default(0),
  /** Plays finished so far (the bulletin's repeat says how many it takes). */
  plays: z.number().int().min(0).default(0),
  /** Queue order on its cluster (a preempted bulletin keeps its place). */
  seq: z.number().int().min(0),
  /** A busy or silent cluster is not asked again before this. */
  retryAt: Instant.optional(),
  /** The play command now in flight, if any. */
  command: z.string().optional(),
  /** Until when this delivery may still be made (its slot's window, or the bulletin's expiry). */
  until: Instant,
  queuedAt: Instant,
  sentAt: Instant.optional(),
  ackedAt: Instant.optional(),
  startedAt: Instant.optional(),
  /** When the plane last heard the play begin (ack or start report), on its own clock; startedAt is the speaker's. */
  playHeardAt: Instant.optional(),
  endedAt: Instant.optional(),
});
export type Delivery = z.infer<typeof Delivery>;

export const HistoryEntry = z.object({ at: Instant, by: z.string(), role: z.string(), action: z.string(), note: z.string().optional() });

export const Bulletin = BulletinInput.extend({
  id: z.string(),
  audio: AudioRef,
  status: z.enum(BULLETIN_STATUSES),
  createdBy: z.string(),
  createdAt: Instant,
  approvedAt: Instant.optional(),
  /** When it went on air (a slot's start, or the emergency's send). */
  airedAt: Instant.optional(),
  slotRun: z.string().optional(),
  history: z.array(HistoryEntry),
  deliveries: z.array(Delivery).default([]),
});
export type Bulletin = z.infer<typeof Bulletin>;

export const RadioFile = z.object({
  slots: z.array(Slot).default([
    { id: 'sang', name: 'Buổi sáng', time: '06:00', days: [1, 2, 3, 4, 5, 6, 7], windowMin: 60 },
    { id: 'chieu', name: 'Buổi chiều', time: '17:00', days: [1, 2, 3, 4, 5, 6, 7], windowMin: 60 },
  ]),
  bulletins: z.array(Bulletin).default([]),
  /** Slot occurrences already run or skipped ("slotId@YYYY-MM-DD"), so none runs twice. */
  /** The scheduler's last look at the clock: slots between it and now are due (or were missed). */
  lastTickAt: Instant.optional(),
  slotRuns: z.array(z.object({ key: z.string(), at: Instant, outcome: z.enum(['played', 'empty', 'skipped']) })).default([]),
});
export type RadioFile = z.infer<typeof RadioFile>;
