// Alerts as the inbox, the lighting page and the live stream see them: one per key, active or
// cleared, acknowledged or not. The lifecycle is controller/alerts/lifecycle.ts.
import { z } from 'zod';
import { AlertWhat } from '../../alert-codes.js';
import { Instant } from './common.js';

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const AlertAck = z.object({ by: z.string(), at: Instant, note: z.string().optional() });

export const AlertState = z.object({
  /** Source and type, e.g. `flow.leak.van-1`: one alert per key, however often it flaps. */
  key: z.string(),
  what: AlertWhat,
  severity: Severity,
  /** The newest English words, for logs; pages put `what` in words. */
  message: z.string(),
  state: z.enum(['active', 'cleared']),
  /** Who looked at this occurrence; reset when a cleared alert is raised again. */
  ack: AlertAck.optional(),
  /** The first raise ever (kept across flaps). */
  firstSeen: Instant,
  /** The latest raise, or a raise repeated while active. */
  lastSeen: Instant,
  /** When this occurrence began (the latest time it went from cleared to active). */
  startedAt: Instant,
  clearedAt: Instant.optional(),
  /** Times it went active. */
  count: z.number().int().min(1),
  device: z.string().optional(),
  zone: z.string().optional(),
  hamlet: z.string().optional(),
});
export type AlertState = z.infer<typeof AlertState>;

export const AlertsQuery = z.object({
  state: z.enum(['active', 'cleared']).optional(),
  ack: z.enum(['yes', 'no']).optional(),
  zone: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** Unacknowledged active first, then acknowledged active, then cleared; newest first within each. */
export const AlertList = z.object({ alerts: z.array(AlertState) });
export type AlertList = z.infer<typeof AlertList>;

export const AlertKeyParams = z.object({ key: z.string().min(1).max(200) });
export const AckBody = z.object({ note: z.string().trim().max(500).optional() }).default({});
