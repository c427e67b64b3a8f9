// Protocol-level envelopes shared by every device type (PROTOCOL.md, cmd and ack).
import { z } from 'zod';

export const CommandEnvelope = z.object({
  id: z.string().min(1).max(64),
  action: z.string().min(1).max(32),
  params: z.record(z.string(), z.unknown()),
  issuedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type CommandEnvelope = z.infer<typeof CommandEnvelope>;

export const AckEnvelope = z.looseObject({
  id: z.string().min(1).max(64),
  status: z.enum(['applied', 'rejected', 'expired']),
  reason: z.string().max(500).optional(),
});
export type AckEnvelope = z.infer<typeof AckEnvelope>;

export const Availability = z.enum(['online', 'offline']);
