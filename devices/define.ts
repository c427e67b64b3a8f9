// The shape of a device type. A type is data: schemas, capabilities, reporting, storage mapping
// and a simulator model. Nothing else in the code base switches on the device model.
import { z } from 'zod';

export interface Label {
  vi: string;
  en: string;
}

/** What a UI may show (read) or set (a command parameter or setting), with unit and range. */
export interface Capability {
  key: string;
  label: Label;
  access: 'read' | 'set';
  kind: 'number' | 'boolean' | 'enum' | 'string';
  unit?: string;
  min?: number;
  max?: number;
  step?: number;
  values?: readonly string[];
}

/** One telemetry metric: one argument object yields its zod schema and its capability. */
export interface Metric {
  key: string;
  schema: z.ZodType;
  capability: Capability;
  optional: boolean;
}

export function numeric(o: {
  key: string;
  label: Label;
  unit?: string;
  min?: number;
  max?: number;
  int?: boolean;
  optional?: boolean;
}): Metric {
  let s = o.int ? z.number().int() : z.number();
  if (o.min !== undefined) s = s.min(o.min);
  if (o.max !== undefined) s = s.max(o.max);
  const schema = z.number().pipe(s);
  return {
    key: o.key,
    schema: o.optional ? schema.optional() : schema,
    optional: !!o.optional,
    capability: {
      key: o.key,
      label: o.label,
      access: 'read',
      kind: 'number',
      ...(o.unit !== undefined && { unit: o.unit }),
      ...(o.min !== undefined && { min: o.min }),
      ...(o.max !== undefined && { max: o.max }),
    },
  };
}

export function flag(o: { key: string; label: Label; optional?: boolean }): Metric {
  const schema = z.boolean();
  return {
    key: o.key,
    schema: o.optional ? schema.optional() : schema,
    optional: !!o.optional,
    capability: { key: o.key, label: o.label, access: 'read', kind: 'boolean' },
  };
}

export function choice<const V extends readonly [string, ...string[]]>(o: {
  key: string;
  label: Label;
  values: V;
  optional?: boolean;
}): Metric {
  const schema = z.enum(o.values);
  return {
    key: o.key,
    schema: o.optional ? schema.optional() : schema,
    optional: !!o.optional,
    capability: { key: o.key, label: o.label, access: 'read', kind: 'enum', values: o.values },
  };
}

/** Reading timestamp: epoch ms or ISO 8601; absent means "receive time". */
export const Timestamp = z.union([
  z.number().int().min(946684800000).max(4102444800000),
  z.iso.datetime({ offset: true }),
]);

/** A reading object: known metrics validated, unknown extra fields kept (never trusted). */
export function readingSchema(metrics: readonly Metric[]) {
  const shape: Record<string, z.ZodType> = { ts: Timestamp.optional() };
  for (const m of metrics) shape[m.key] = m.schema;
  return z.looseObject(shape);
}

/** Command params by action name; the union is derived from this. */
export type CommandParams = Record<string, z.ZodObject>;

export function commandUnion(commands: CommandParams): z.ZodType<{ action: string; params: Record<string, unknown> }> {
  const members = Object.entries(commands).map(([action, params]) =>
    z.object({ action: z.literal(action), params }),
  );
  if (members.length === 0) return z.never() as never;
  if (members.length === 1) return members[0] as never;
  return z.discriminatedUnion('action', members as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]) as never;
}

/** Where a type's readings go in InfluxDB. Tags are bounded (site, type, device, place); the rest are fields. */
export interface InfluxMapping {
  measurement: string;
  /** Numeric, boolean or short enum fields taken from a reading; correlation ids also go here. */
  fields: readonly string[];
}

/** A site-level context a type needs to build defaults (fallback profiles need the place and time zone). */
export interface SiteContext {
  lat: number;
  lon: number;
  tz: string;
  /** The device's zone, when it has one: its limits bound the device's own (a valve's maxRunS). */
  zone?: { maxRunS: number };
}

/** Deterministic random source handed to simulator models. */
export interface Rng {
  next(): number; // [0, 1)
  normal(mean: number, sd: number): number;
}

/** The outdoor/greenhouse environment a simulated device lives in at one instant. */
export interface SimEnvironment {
  now: Date;
  /** Sun altitude in radians (negative at night). */
  sunAltitude: number;
  outdoorTempC: number;
  outdoorHumidityPct: number;
  solarWm2: number;
  windMs: number;
  rainMmPerH: number;
  /** Whether any valve feeding this zone is open now. */
  zoneWatering(zone: string | undefined): boolean;
}

export interface SimDevice {
  id: string;
  zone?: string;
  hamlet?: string;
  attributes: Record<string, unknown>;
}

export type AckStatus = 'applied' | 'rejected' | 'expired';

export interface SimCommandResult<S> {
  state: S;
  status: Exclude<AckStatus, 'expired'>;
  reason?: string;
  /** Telemetry events to publish at once (e.g. a broadcast "started"). */
  events?: Record<string, unknown>[];
}

/**
 * A physical model of the device for the simulator. It is pure: the firmware-sim runner owns
 * timers and MQTT, and calls these with the elapsed (possibly accelerated) time.
 */
export interface SimModel<S, Cfg> {
  init(device: SimDevice, rng: Rng, env: SimEnvironment): S;
  /** Advance the physics by dtS seconds. Returns the new state and any events to publish now. */
  step(s: S, ctx: { env: SimEnvironment; dtS: number; rng: Rng; config: Cfg; device: SimDevice }): {
    state: S;
    events?: Record<string, unknown>[];
  };
  /** The periodic reading, without ts. */
  reading(s: S, ctx: { env: SimEnvironment; rng: Rng; device: SimDevice }): Record<string, unknown>;
  /** The reported actuator state (published retained on change), or undefined for sensors. */
  reported?(s: S): Record<string, unknown>;
  /**
   * Work a command needs before it can apply, done off the step loop (a speaker downloads its audio).
   * It sees the state at receipt; command() still decides on the state when it applies. `signal`
   * aborts when the device stops.
   */
  prepare?(
    s: S,
    cmd: { action: string; params: Record<string, unknown> },
    ctx: { config: Cfg; signal: AbortSignal },
  ): Promise<{ prepared?: Record<string, unknown> } | { reject: string }>;
  /** Apply a validated command; `prepared` is what prepare() returned for it, if the model has one. */
  command?(
    s: S,
    cmd: { action: string; params: Record<string, unknown> },
    ctx: { config: Cfg; env: SimEnvironment; prepared?: Record<string, unknown> },
  ): SimCommandResult<S>;
  /** What the device does when it loses the plane (e.g. close on offline). */
  onPlaneLost?(s: S, config: Cfg): S;
}

/**
 * What a device is for, whatever its model: the plane asks the registry for `speaker`s or
 * `luminaire`s instead of naming types or sniffing readings.
 */
export const TRAITS = ['soil-sensor', 'weather', 'valve', 'luminaire', 'speaker'] as const;
export type Trait = (typeof TRAITS)[number];

export interface DeviceType<S = unknown, Cfg = unknown> {
  type: string;
  label: Label;
  traits: readonly Trait[];
  /** Per-device attributes set in the site file (e.g. a valve's drip/sprinkler kind). */
  attributes: z.ZodObject;
  /** Whether a device of this type must be placed in a zone (a valve waters one), unless it serves a water source. */
  requiresZone?: boolean;
  metrics: readonly Metric[];
  /** Validates one reading (also each element of a backlog array). */
  reading: z.ZodType<Record<string, unknown>>;
  /** Other telemetry messages the type may send besides readings (e.g. playback events). */
  events?: z.ZodType<Record<string, unknown>>;
  commands: CommandParams;
  command: z.ZodType<{ action: string; params: Record<string, unknown> }>;
  state?: z.ZodType<Record<string, unknown>>;
  /**
   * State fields that change all the time (a countdown): a change in them alone is reported at most
   * every `refreshS`, so a running valve does not publish its state every second.
   */
  volatileState?: { keys: readonly string[]; refreshS: number };
  config: z.ZodType<Cfg>;
  defaultConfig(site: SiteContext, attributes: Record<string, unknown>): Cfg;
  /**
   * Rules a device applies to a command beyond its schema, given its config (e.g. durationS <= maxRunS).
   * The plane checks them before sending, and the simulated device checks them again on receipt.
   */
  refuse?(cmd: { action: string; params: Record<string, unknown> }, config: Cfg): string | undefined;
  capabilities: readonly Capability[];
  reportEveryS: number;
  offlineAfterS: number;
  influx: InfluxMapping;
  sim: SimModel<S, Cfg>;
}

export function defineDeviceType<S, Cfg>(
  d: Omit<DeviceType<S, Cfg>, 'reading' | 'command' | 'capabilities' | 'influx'> & {
    influx: { measurement: string; extraFields?: readonly string[] };
    settable?: readonly Capability[];
  },
): DeviceType<S, Cfg> {
  const { settable, influx, ...rest } = d;
  return {
    ...rest,
    reading: readingSchema(d.metrics) as z.ZodType<Record<string, unknown>>,
    command: commandUnion(d.commands),
    capabilities: [...d.metrics.map((m) => m.capability), ...(settable ?? [])],
    influx: {
      measurement: influx.measurement,
      fields: [...d.metrics.map((m) => m.key), ...(influx.extraFields ?? [])],
    },
  };
}
