// A rule is data: when (a metric, an event or a time), only (guards), then (actions), with
// cooldown, repeats, escalation and a run mode. Validated as a whole here (zod), and against the
// site and the device registry by `checkRule` (devices, metrics, groups that exist).
import { z } from 'zod';
import { deviceType, TRAITS } from '../../devices/index.js';
import { Id } from '../api/contract/common.js';
import type { SiteConfig } from '../config/site.js';
import type { Issue } from '../errors.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
/** ISO weekdays, 1 = Monday … 7 = Sunday. */
const Days = z.array(z.number().int().min(1).max(7)).min(1).max(7);
const Severity = z.enum(['info', 'warning', 'critical']);

export const Select = z.strictObject({
  devices: z.array(Id).min(1).max(500).optional(),
  type: z.string().optional(),
  trait: z.enum(TRAITS).optional(),
  zone: Id.optional(),
  hamlet: Id.optional(),
});
export type Select = z.infer<typeof Select>;

const Bound = { value: z.number().optional(), min: z.number().optional(), max: z.number().optional() };

export const MetricWhen = z.strictObject({
  kind: z.literal('metric'),
  select: Select,
  metric: z.string().min(1),
  op: z.enum(['>', '<', 'between', 'outside', 'changed', 'stale']),
  ...Bound,
  staleMin: z.number().positive().max(7 * 24 * 60).optional(),
  aggregate: z.enum(['any', 'all', 'avg']).default('any'),
  forS: z.number().int().min(0).max(7 * 86400).default(0),
  /** Hysteresis: the condition that ends the activation, held for its own forS. */
  clear: z.strictObject({ ...Bound, forS: z.number().int().min(0).max(7 * 86400).default(0) }).optional(),
});
export type MetricWhen = z.infer<typeof MetricWhen>;

export const EVENTS = ['device-offline', 'command-failed', 'alert-raised', 'bulletin-failed'] as const;
export const EventWhen = z.strictObject({
  kind: z.literal('event'),
  event: z.enum(EVENTS),
  /** device-offline: how long offline before it counts. */
  forMin: z.number().min(0).max(7 * 24 * 60).default(0),
  select: Select.optional(),
});
export type EventWhen = z.infer<typeof EventWhen>;

export const TimeWhen = z
  .strictObject({
    kind: z.literal('time'),
    at: HHMM.optional(),
    astro: z.enum(['sunrise', 'sunset']).optional(),
    offsetMin: z.number().int().min(-720).max(720).default(0),
    days: Days.optional(),
  })
  .refine((t) => (t.at === undefined) !== (t.astro === undefined), { message: 'give either at or astro', path: ['at'] });
export type TimeWhen = z.infer<typeof TimeWhen>;

export const When = z.union([MetricWhen, EventWhen, TimeWhen]);
export type When = z.infer<typeof When>;

/** Another metric's state as a guard: the same condition shapes as a metric `when`, no durations. */
export const MetricGuard = z.strictObject({
  select: Select,
  metric: z.string().min(1),
  op: z.enum(['>', '<', 'between', 'outside']),
  ...Bound,
  aggregate: z.enum(['any', 'all', 'avg']).default('any'),
});
export type MetricGuard = z.infer<typeof MetricGuard>;

export const Only = z.strictObject({
  /** Local time windows: on these days, inside one of the ranges (a range may pass midnight). */
  windows: z
    .array(z.strictObject({ days: Days.optional(), ranges: z.array(z.strictObject({ from: HHMM, to: HHMM })).min(1).max(8) }))
    .max(8)
    .optional(),
  metric: MetricGuard.optional(),
});
export type Only = z.infer<typeof Only>;

/**
 * Actions scenes brought, usable by rules too: a bulletin (an emergency goes on air at once, the
 * others are drafted and submitted for approval), commune-wide irrigation pause and resume, every
 * light group to a level (until cleared without untilMin), and clearing the caller's own overrides.
 */
export const SCENE_KINDS = [
  z.strictObject({
    kind: z.literal('bulletin'),
    level: z.enum(['normal', 'priority', 'emergency']),
    /** ['commune'], hamlet ids or hamlet group ids. */
    zones: z.array(z.string().min(1).max(63)).min(1).max(100),
    title: z.string().trim().min(1).max(200),
    text: z.string().trim().min(1).max(5000),
  }),
  /** Water a zone now for so many minutes (a run in the zone's queue, like a farmer's "run now"). */
  z.strictObject({ kind: z.literal('irrigation-run'), zone: Id, minutes: z.number().int().min(1).max(240) }),
  z.strictObject({ kind: z.literal('irrigation-pause') }),
  z.strictObject({ kind: z.literal('irrigation-resume') }),
  z.strictObject({ kind: z.literal('lighting-all'), level: z.number().int().min(0).max(100), untilMin: z.number().int().min(1).max(7 * 24 * 60).optional() }),
  z.strictObject({ kind: z.literal('lighting-resume') }),
] as const;

export const Action = z.discriminatedUnion('kind', [
  /** message: a template with {value}, {device} and {rule}. */
  z.strictObject({ kind: z.literal('alert'), severity: Severity, message: z.string().min(1).max(500) }),
  z.strictObject({ kind: z.literal('command'), device: Id, action: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) }),
  z.strictObject({
    kind: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }),
    method: z.enum(['POST', 'PUT']).default('POST'),
    /** Sent as JSON; strings in it are templates like an alert's message. Without it: the rule, target and value. */
    body: z.record(z.string(), z.unknown()).optional(),
  }),
  z.strictObject({ kind: z.literal('irrigation-rain-delay'), hours: z.number().min(0).max(14 * 24) }),
  z.strictObject({ kind: z.literal('lighting-override'), group: Id, level: z.number().int().min(0).max(100), untilMin: z.number().int().min(1).max(7 * 24 * 60) }),
  ...SCENE_KINDS,
  /** Runs a scene (controller/scenes/) as the rule's owner; a scene cannot run another (no recursion). */
  z.strictObject({ kind: z.literal('scene'), scene: Id }),
]);
export type Action = z.infer<typeof Action>;

/** The rule's fields, without the checks across them (the API's body extends it). */
export const RuleFields = z.strictObject({
    id: Id,
    name: z.string().min(1).max(120),
    enabled: z.boolean().default(true),
    /** The login the rule acts as: its actions are authorized as this user, when saved and when run. */
    owner: z.string().min(1).max(64),
    when: When,
    only: Only.optional(),
    then: z.array(Action).min(1).max(10),
    /** After firing, another activation within this many seconds does not act. */
    cooldownS: z.number().int().min(0).max(7 * 86400).optional(),
    /** While active, act again every so often, at most maxRepeats times. */
    repeatEveryS: z.number().int().min(60).max(7 * 86400).optional(),
    maxRepeats: z.number().int().min(1).max(100).optional(),
    escalate: z.strictObject({ afterMin: z.number().min(1).max(7 * 24 * 60), severity: Severity, roles: z.array(z.enum(['admin', 'official', 'operator', 'farmer', 'viewer'])).min(1) }).optional(),
    mode: z.enum(['single', 'restart', 'queued']).default('single'),
  });

export const Rule = RuleFields.superRefine((r, ctx) => {
    const w = r.when;
    const need = (ok: boolean, path: (string | number)[], message: string) => ok || ctx.addIssue({ code: 'custom', path, message });
    if (w.kind === 'metric') {
      if (w.op === '>' || w.op === '<') need(w.value !== undefined, ['when', 'value'], `${w.op} needs a value`);
      if (w.op === 'between' || w.op === 'outside') {
        need(w.min !== undefined && w.max !== undefined && w.min < w.max, ['when', 'min'], `${w.op} needs min < max`);
      }
      if (w.op === 'stale') need(w.staleMin !== undefined, ['when', 'staleMin'], 'stale needs staleMin');
      if (w.op === 'changed' || w.op === 'stale') need(w.aggregate !== 'avg', ['when', 'aggregate'], `avg does not apply to ${w.op}`);
      const c = w.clear;
      if (c) {
        need(!['changed', 'stale'].includes(w.op), ['when', 'clear'], `clear does not apply to ${w.op}`);
        // The clear band must not overlap the firing band, or the rule would flap on one value.
        if (w.op === '>' && c.value !== undefined && w.value !== undefined) need(c.value <= w.value, ['when', 'clear', 'value'], 'clear value must be at or below the firing value');
        if (w.op === '<' && c.value !== undefined && w.value !== undefined) need(c.value >= w.value, ['when', 'clear', 'value'], 'clear value must be at or above the firing value');
        if ((w.op === 'between' || w.op === 'outside') && (c.min !== undefined || c.max !== undefined)) {
          need(c.min !== undefined && c.max !== undefined && c.min < c.max, ['when', 'clear', 'min'], 'clear needs min < max');
        }
      }
      need(!!(w.select.devices || w.select.type || w.select.trait || w.select.zone || w.select.hamlet), ['when', 'select'], 'select at least one of devices, type, trait, zone, hamlet');
    }
    if (r.only?.metric) {
      const g = r.only.metric;
      if (g.op === '>' || g.op === '<') need(g.value !== undefined, ['only', 'metric', 'value'], `${g.op} needs a value`);
      else need(g.min !== undefined && g.max !== undefined && g.min < g.max, ['only', 'metric', 'min'], `${g.op} needs min < max`);
    }
    if (r.maxRepeats !== undefined) need(r.repeatEveryS !== undefined, ['maxRepeats'], 'maxRepeats needs repeatEveryS');
    if (r.escalate) need(r.then.some((a) => a.kind === 'alert'), ['escalate'], 'escalate needs an alert action');
  });
export type Rule = z.infer<typeof Rule>;
export type RuleInput = z.input<typeof Rule>;

// ---- per-target state, persisted ----------------------------------------------------------------

export const TargetState = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('idle') }),
  z.object({ phase: z.literal('pending'), since: z.number() }),
  z.object({
    phase: z.literal('active'),
    since: z.number(),
    lastFired: z.number().optional(),
    repeats: z.number().int(),
    escalated: z.boolean().default(false),
  }),
  z.object({
    phase: z.literal('clearing'),
    since: z.number(),
    activeSince: z.number(),
    lastFired: z.number().optional(),
    repeats: z.number().int(),
    escalated: z.boolean().default(false),
  }),
]);
export type TargetState = z.infer<typeof TargetState>;

export const RuleState = z.object({
  /** When the evaluator first saw the rule: `stale` counts from here for a device never heard. */
  startedAt: z.number(),
  targets: z.record(z.string(), TargetState).default({}),
  /** Last value and time per selected device (for changed, stale, all, avg). */
  seen: z.record(z.string(), z.object({ v: z.number().optional(), at: z.number() })).default({}),
  /** The rule's last firing, for its cooldown. */
  lastFiredAt: z.number().optional(),
  /** The last tick a time rule checked up to. */
  checkedTo: z.number().optional(),
});
export type RuleState = z.infer<typeof RuleState>;

// ---- validation against the site and the registry -------------------------------------------------

/** The site's devices a selection picks, by id, type, trait, zone and hamlet (all given must match). */
export function selectDevices(site: SiteConfig, s: Select | undefined): SiteConfig['devices'] {
  if (!s) return site.devices;
  const ids = s.devices && new Set(s.devices);
  return site.devices.filter(
    (d) =>
      (!ids || ids.has(d.id)) &&
      (!s.type || d.type === s.type) &&
      (!s.trait || (deviceType(d.type)?.traits.includes(s.trait) ?? false)) &&
      (!s.zone || d.zone === s.zone) &&
      (!s.hamlet || d.hamlet === s.hamlet),
  );
}

function checkSelect(site: SiteConfig, s: Select, path: string, metric: string | undefined, issues: Issue[], numeric: boolean): void {
  for (const [i, id] of (s.devices ?? []).entries()) if (!site.devices.some((d) => d.id === id)) issues.push({ path: `${path}.devices.${i}`, message: `unknown device ${id}` });
  if (s.type && !deviceType(s.type)) issues.push({ path: `${path}.type`, message: `unknown device type ${s.type}` });
  if (s.zone && !site.zones.some((z) => z.id === s.zone)) issues.push({ path: `${path}.zone`, message: `unknown zone ${s.zone}` });
  if (s.hamlet && !site.hamlets.some((h) => h.id === s.hamlet)) issues.push({ path: `${path}.hamlet`, message: `unknown hamlet ${s.hamlet}` });
  if (issues.length) return;
  const picked = selectDevices(site, s);
  if (picked.length === 0) issues.push({ path, message: 'selects no device' });
  if (!metric) return;
  // The metric must exist (and be a number, for comparisons) on every selected device's type.
  for (const type of new Set(picked.map((d) => d.type))) {
    const m = deviceType(type)?.metrics.find((x) => x.key === metric);
    if (!m) issues.push({ path: `${path.replace(/\.select$/, '')}.metric`, message: `${type} has no metric ${metric}` });
    else if (numeric && m.capability.kind !== 'number') issues.push({ path: `${path.replace(/\.select$/, '')}.metric`, message: `${type}'s ${metric} is not a number` });
  }
}

/** What the zod schema cannot know: devices, metrics, zones, groups and commands exist on this site. */
export function checkRule(rule: Rule, site: SiteConfig): Issue[] {
  const issues: Issue[] = [];
  const w = rule.when;
  if (w.kind === 'metric') checkSelect(site, w.select, 'when.select', w.metric, issues, w.op !== 'changed' && w.op !== 'stale');
  if (w.kind === 'event' && w.select) checkSelect(site, w.select, 'when.select', undefined, issues, false);
  if (rule.only?.metric) checkSelect(site, rule.only.metric.select, 'only.metric.select', rule.only.metric.metric, issues, true);
  issues.push(...checkActions(rule.then, site, 'then'));
  return issues;
}

/** Devices, commands, light groups and hamlets the actions name exist on this site. */
export function checkActions(actions: readonly Action[], site: SiteConfig, path: string): Issue[] {
  const issues: Issue[] = [];
  actions.forEach((a, i) => {
    if (a.kind === 'bulletin') {
      for (const [k, z] of a.zones.entries()) {
        if (z !== 'commune' && !site.hamlets.some((h) => h.id === z) && !site.hamletGroups.some((g) => g.id === z)) issues.push({ path: `${path}.${i}.zones.${k}`, message: `unknown zone ${z}: "commune", a hamlet or a hamlet group` });
      }
    }
    if (a.kind === 'command') {
      const d = site.devices.find((x) => x.id === a.device);
      if (!d) return issues.push({ path: `${path}.${i}.device`, message: `unknown device ${a.device}` });
      const parsed = deviceType(d.type)?.command.safeParse({ action: a.action, params: a.params });
      if (!parsed?.success) issues.push({ path: `${path}.${i}.action`, message: `not a valid ${d.type} command: ${parsed?.error.issues.map((x) => x.message).join('; ')}` });
    }
    if (a.kind === 'irrigation-run' && !site.zones.some((z) => z.id === a.zone)) issues.push({ path: `${path}.${i}.zone`, message: `unknown zone ${a.zone}` });
    if (a.kind === 'lighting-override' && !site.lightGroups.some((g) => g.id === a.group)) issues.push({ path: `${path}.${i}.group`, message: `unknown light group ${a.group}` });
  });
  return issues;
}
