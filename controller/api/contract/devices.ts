// Devices, their commands and the site they belong to.
import { z } from 'zod';
import { DEVICE_TYPE_NAMES } from '../../../devices/index.js';
import { AlertWhat } from '../../alert-codes.js';
import { Id, Obj } from './common.js';

export const Command = z.object({
  id: z.string(),
  deviceId: z.string(),
  action: z.string(),
  params: Obj,
  status: z.enum(['pending', 'applied', 'rejected', 'expired', 'timeout']),
  reason: z.string().optional(),
  issuer: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  settledAt: z.string().optional(),
  attempts: z.number(),
});
export type Command = z.infer<typeof Command>;

export const Device = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  hamlet: z.string(),
  zone: z.string().optional(),
  attributes: Obj,
  availability: z.enum(['online', 'offline', 'unknown']),
  availabilityWhy: z.enum(['message', 'silence']).optional(),
  lastSeen: z.string().optional(),
  telemetry: Obj.optional(),
  telemetryAt: z.string().optional(),
  state: Obj.optional(),
  stateAt: z.string().optional(),
  lastEvent: Obj.optional(),
  /** The config the plane gives the device (its safety limits), so a UI can show real bounds. */
  config: Obj,
  pending: z.array(Command),
  recent: z.array(Command),
});
export type Device = z.infer<typeof Device>;

const DeviceFields = {
  name: z.string().trim().min(1).max(120),
  hamlet: Id,
  zone: Id.optional(),
  attributes: Obj.optional(),
  config: Obj.optional(),
};
export const NewDevice = z.object({ id: Id, type: z.enum(DEVICE_TYPE_NAMES), ...DeviceFields });
export const DevicePatch = z.object({
  name: DeviceFields.name.optional(),
  hamlet: Id.optional(),
  zone: Id.nullable().optional(),
  attributes: DeviceFields.attributes,
  config: DeviceFields.config,
});
export const CreatedDevice = z.object({ device: Device, secret: z.string() });
export const DeviceSecret = z.object({ secret: z.string() });

export const SendCommand = z.object({
  action: z.string().min(1).max(32),
  params: Obj.default({}),
  ttlS: z.number().int().min(1).max(86400).optional(),
  id: z.string().min(1).max(64).optional(),
});
export const CommandReply = z.object({ command: Command });

export const TelemetryQuery = z.object({ minutes: z.coerce.number().int().min(1).max(60 * 24 * 31).default(60) });
export const TelemetryPoints = z.object({ points: z.array(Obj) });

export const Label = z.object({ vi: z.string(), en: z.string() });

/** What a page may show (read) or set, with unit and range: devices/define.ts's Capability. */
export const Capability = z.object({
  key: z.string(),
  label: Label,
  access: z.enum(['read', 'set']),
  kind: z.enum(['number', 'boolean', 'enum', 'string']),
  unit: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().optional(),
  values: z.array(z.string()).readonly().optional(),
});
export type Capability = z.infer<typeof Capability>;

export const DeviceTypeInfo = z.object({
  type: z.string(),
  label: Label,
  /** What the type is for (devices/define.ts TRAITS): a rule may select devices by it. */
  traits: z.array(z.string()).readonly(),
  capabilities: z.array(Capability).readonly(),
  commands: z.array(z.object({ action: z.string(), params: Obj })),
  reportEveryS: z.number(),
  offlineAfterS: z.number(),
});
export type DeviceTypeInfo = z.infer<typeof DeviceTypeInfo>;

export const SiteView = z.object({
  /** Present on a province (PLANE_MODE=province): the pages show its nav. */
  mode: z.literal('province').optional(),
  site: z.object({ id: z.string(), name: z.string(), lat: z.number().optional(), lon: z.number().optional(), tz: z.string() }),
  hamlets: z.array(z.object({ id: z.string(), name: z.string() })),
  zones: z.array(z.looseObject({ id: z.string(), name: z.string(), hamlet: z.string() })),
  waterSources: z.array(z.looseObject({ id: z.string(), name: z.string() })),
});
export type SiteView = z.infer<typeof SiteView>;

export const Health = z.object({
  ok: z.boolean(),
  setupRequired: z.boolean(),
  /** What works less well than it should, e.g. "influxdb restarting", "storage spooling". */
  degraded: z.array(z.string()),
});
export const Status = z.object({
  ok: z.boolean(),
  broker: Obj,
  storage: Obj,
  ingest: Obj,
  mqttLink: z.boolean(),
  /** With PROVINCE_URL: the outbox of snapshots to the province (controller/indicators/push.ts). */
  provincePush: Obj.optional(),
});

/** One occurrence of an alert (contract/alerts.ts has the whole lifecycle): what the lighting and irrigation pages show. */
export const Alert = z.object({
  key: z.string(),
  what: AlertWhat,
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  device: z.string().optional(),
  zone: z.string().optional(),
});
export type Alert = z.infer<typeof Alert>;

/** An alert starting or ending, as /api/events pushes it (event `alert`). */
export const AlertEvent = Alert.omit({ startedAt: true, endedAt: true }).extend({ at: z.string(), active: z.boolean() });
export type AlertEvent = z.infer<typeof AlertEvent>;
