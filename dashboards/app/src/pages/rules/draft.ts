// A rule as the form holds it, and the body it sends. Everything typed stays a string until
// `ruleBody` turns it into the API's shape (durations typed in minutes, sent in seconds), so a
// refusal marks the inputs it names and what was typed stays. The selection's devices and the
// metrics they share are worked out here as the server does (controller/rules/schema.ts
// selectDevices, checkSelect), so the form offers only what a save would take.
import type { z } from 'zod';
import type { RuleBody, RuleView } from '../../../../../controller/api/contract/rules.js';
import type { Capability, Device, DeviceTypeInfo } from '../../../../../controller/api/contract/devices.js';
import { num } from '../../components/ProgramEditor.js';

export type Rule = RuleView['rule'];
export type Body = z.input<typeof RuleBody>;
export type MetricOp = '>' | '<' | 'between' | 'outside' | 'changed' | 'stale';
export type EventName = 'device-offline' | 'command-failed' | 'alert-raised' | 'bulletin-failed';
export type Severity = 'info' | 'warning' | 'critical';
export type Aggregate = 'any' | 'all' | 'avg';
export type TimeKind = 'at' | 'sunrise' | 'sunset';
export type ActionKind = 'alert' | 'command' | 'webhook' | 'irrigation-rain-delay' | 'lighting-override';
export type EscalateRole = 'admin' | 'official' | 'operator' | 'farmer' | 'viewer';

export const OPS: readonly MetricOp[] = ['>', '<', 'between', 'outside', 'changed', 'stale'];
export const EVENTS: readonly EventName[] = ['device-offline', 'command-failed', 'alert-raised', 'bulletin-failed'];
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
export const ROLES: readonly EscalateRole[] = ['admin', 'official', 'operator', 'farmer', 'viewer'];
export const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Which devices: named ones, or those matching type, trait, zone and hamlet (blank: any). */
export interface SelectDraft {
  by: 'devices' | 'filter';
  devices: string[];
  type: string;
  trait: string;
  zone: string;
  hamlet: string;
}

export interface WhenDraft {
  kind: 'metric' | 'event' | 'time';
  select: SelectDraft;
  // metric
  metric: string;
  op: MetricOp;
  value: string;
  min: string;
  max: string;
  staleMin: string;
  aggregate: Aggregate;
  forMin: string;
  clearOn: boolean;
  clearValue: string;
  clearMin: string;
  clearMax: string;
  clearForMin: string;
  // event
  event: EventName;
  eventForMin: string;
  /** An event rule watches only the selection (else every device). */
  eventSelect: boolean;
  // time
  timeKind: TimeKind;
  at: string;
  offsetMin: string;
  days: number[];
}

export interface WindowDraft {
  days: number[];
  ranges: { from: string; to: string }[];
}

export type ActionDraft =
  | { kind: 'alert'; severity: Severity; message: string }
  | { kind: 'command'; device: string; action: string; params: Record<string, string | boolean> }
  | { kind: 'webhook'; url: string; method: 'POST' | 'PUT' }
  | { kind: 'irrigation-rain-delay'; hours: string }
  | { kind: 'lighting-override'; group: string; level: string; untilMin: string }
  /** An action this form does not edit (a scene, a bulletin …): kept as it is. */
  | { kind: 'kept'; action: Body['then'][number] };

export interface RuleDraft {
  id: string;
  name: string;
  enabled: boolean;
  when: WhenDraft;
  windows: WindowDraft[];
  /** A metric guard the form does not edit: kept as it was so a save does not drop it. */
  keep: { onlyMetric?: unknown; webhookBodies: Record<number, unknown>; owner?: string };
  then: ActionDraft[];
  cooldownMin: string;
  repeatMin: string;
  maxRepeats: string;
  escalateOn: boolean;
  escalateAfterMin: string;
  escalateSeverity: Severity;
  escalateRoles: EscalateRole[];
  mode: 'single' | 'restart' | 'queued';
}

const s = (n: number | undefined): string => (n === undefined ? '' : String(n));
const mins = (sec: number | undefined): string => (sec === undefined ? '' : String(Math.round((sec / 60) * 100) / 100));
/** Minutes typed → seconds sent; blank is undefined; not a number goes as NaN (null) for the server to refuse by path. */
const secs = (m: string): number | undefined => {
  const n = num(m);
  return n === undefined ? undefined : Math.round(n * 60);
};
/** A number the schema needs: blank goes as NaN (null in JSON), refused by its path. */
const need = (x: string): number => num(x) ?? Number.NaN;

export function emptySelect(): SelectDraft {
  return { by: 'filter', devices: [], type: '', trait: '', zone: '', hamlet: '' };
}

/** A new rule; `zone` preselects a farmer's zone, and then an event rule watches a selection too (never the whole commune). */
export function emptyDraft(o: { zone?: string } = {}): RuleDraft {
  return {
    id: '',
    name: '',
    enabled: true,
    when: {
      kind: 'metric',
      select: { ...emptySelect(), zone: o.zone ?? '' },
      metric: '',
      op: '>',
      value: '',
      min: '',
      max: '',
      staleMin: '30',
      aggregate: 'any',
      forMin: '0',
      clearOn: false,
      clearValue: '',
      clearMin: '',
      clearMax: '',
      clearForMin: '0',
      event: 'device-offline',
      eventForMin: '10',
      eventSelect: o.zone !== undefined,
      timeKind: 'at',
      at: '06:00',
      offsetMin: '0',
      days: [...ALL_DAYS],
    },
    windows: [],
    keep: { webhookBodies: {} },
    then: [{ kind: 'alert', severity: 'warning', message: '{rule}: {device} {value}' }],
    cooldownMin: '',
    repeatMin: '',
    maxRepeats: '',
    escalateOn: false,
    escalateAfterMin: '30',
    escalateSeverity: 'critical',
    escalateRoles: ['operator'],
    mode: 'single',
  };
}

type SelectApi = { devices?: string[]; type?: string; trait?: string; zone?: string; hamlet?: string };

function selectDraft(sel: SelectApi | undefined): SelectDraft {
  if (!sel) return emptySelect();
  return {
    by: sel.devices?.length ? 'devices' : 'filter',
    devices: [...(sel.devices ?? [])],
    type: sel.type ?? '',
    trait: sel.trait ?? '',
    zone: sel.zone ?? '',
    hamlet: sel.hamlet ?? '',
  };
}

/** A saved rule as the form holds it. */
export function draftOf(r: Rule): RuleDraft {
  const d = emptyDraft();
  const w = r.when;
  const when: WhenDraft = { ...d.when, kind: w.kind };
  if (w.kind === 'metric') {
    Object.assign(when, {
      select: selectDraft(w.select),
      metric: w.metric,
      op: w.op,
      value: s(w.value),
      min: s(w.min),
      max: s(w.max),
      staleMin: s(w.staleMin) || d.when.staleMin,
      aggregate: w.aggregate,
      forMin: mins(w.forS),
      clearOn: !!w.clear,
      clearValue: s(w.clear?.value),
      clearMin: s(w.clear?.min),
      clearMax: s(w.clear?.max),
      clearForMin: mins(w.clear?.forS ?? 0),
    });
  } else if (w.kind === 'event') {
    Object.assign(when, { event: w.event, eventForMin: s(w.forMin), eventSelect: !!w.select, select: selectDraft(w.select) });
  } else {
    Object.assign(when, { timeKind: w.astro ?? 'at', at: w.at ?? d.when.at, offsetMin: s(w.offsetMin), days: w.days ? [...w.days] : [...ALL_DAYS] });
  }
  const webhookBodies: Record<number, unknown> = {};
  const then = r.then.map((a, i): ActionDraft => {
    switch (a.kind) {
      case 'alert':
        return { kind: 'alert', severity: a.severity, message: a.message };
      case 'command':
        return { kind: 'command', device: a.device, action: a.action, params: Object.fromEntries(Object.entries(a.params).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)])) };
      case 'webhook':
        if (a.body) webhookBodies[i] = a.body;
        return { kind: 'webhook', url: a.url, method: a.method };
      case 'irrigation-rain-delay':
        return { kind: 'irrigation-rain-delay', hours: s(a.hours) };
      case 'lighting-override':
        return { kind: 'lighting-override', group: a.group, level: s(a.level), untilMin: s(a.untilMin) };
      default:
        return { kind: 'kept', action: a };
    }
  });
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    when,
    windows: (r.only?.windows ?? []).map((x) => ({ days: x.days ? [...x.days] : [...ALL_DAYS], ranges: x.ranges.map((y) => ({ ...y })) })),
    keep: { onlyMetric: r.only?.metric, webhookBodies, owner: r.owner },
    then,
    cooldownMin: mins(r.cooldownS),
    repeatMin: mins(r.repeatEveryS),
    maxRepeats: s(r.maxRepeats),
    escalateOn: !!r.escalate,
    escalateAfterMin: s(r.escalate?.afterMin) || d.escalateAfterMin,
    escalateSeverity: r.escalate?.severity ?? d.escalateSeverity,
    escalateRoles: r.escalate ? [...r.escalate.roles] : d.escalateRoles,
    mode: r.mode,
  };
}

function selectBody(sel: SelectDraft): NonNullable<Extract<Body['when'], { kind: 'metric' }>['select']> {
  if (sel.by === 'devices') return { devices: [...sel.devices] };
  return { ...(sel.type && { type: sel.type }), ...(sel.trait && { trait: sel.trait as 'soil-sensor' }), ...(sel.zone && { zone: sel.zone }), ...(sel.hamlet && { hamlet: sel.hamlet }) };
}

/** The fields each operator needs; the others are not sent. */
export function opFields(op: MetricOp): { value: boolean; range: boolean; stale: boolean; clear: boolean; avg: boolean } {
  return { value: op === '>' || op === '<', range: op === 'between' || op === 'outside', stale: op === 'stale', clear: op !== 'changed' && op !== 'stale', avg: op !== 'changed' && op !== 'stale' };
}

function whenBody(w: WhenDraft): Body['when'] {
  if (w.kind === 'metric') {
    const f = opFields(w.op);
    return {
      kind: 'metric',
      select: selectBody(w.select),
      metric: w.metric,
      op: w.op,
      ...(f.value && { value: need(w.value) }),
      ...(f.range && { min: need(w.min), max: need(w.max) }),
      ...(f.stale && { staleMin: need(w.staleMin) }),
      aggregate: !f.avg && w.aggregate === 'avg' ? 'any' : w.aggregate,
      forS: secs(w.forMin) ?? 0,
      ...(f.clear &&
        w.clearOn && {
          clear: {
            ...(f.value && { value: need(w.clearValue) }),
            ...(f.range && { min: need(w.clearMin), max: need(w.clearMax) }),
            forS: secs(w.clearForMin) ?? 0,
          },
        }),
    };
  }
  if (w.kind === 'event') {
    return { kind: 'event', event: w.event, ...(w.event === 'device-offline' && { forMin: need(w.eventForMin) }), ...(w.eventSelect && { select: selectBody(w.select) }) };
  }
  return {
    kind: 'time',
    ...(w.timeKind === 'at' ? { at: w.at } : { astro: w.timeKind, offsetMin: num(w.offsetMin) ?? 0 }),
    ...(w.days.length < 7 && { days: [...w.days].sort((a, b) => a - b) }),
  };
}

function actionBody(a: ActionDraft, i: number, d: RuleDraft, params: (a: Extract<ActionDraft, { kind: 'command' }>) => Record<string, unknown>): Body['then'][number] {
  switch (a.kind) {
    case 'alert':
      return { kind: 'alert', severity: a.severity, message: a.message };
    case 'command':
      return { kind: 'command', device: a.device, action: a.action, params: params(a) };
    case 'webhook':
      return { kind: 'webhook', url: a.url.trim(), method: a.method, ...(d.keep.webhookBodies[i] !== undefined && { body: d.keep.webhookBodies[i] as Record<string, unknown> }) };
    case 'irrigation-rain-delay':
      return { kind: 'irrigation-rain-delay', hours: need(a.hours) };
    case 'lighting-override':
      return { kind: 'lighting-override', group: a.group, level: need(a.level), untilMin: need(a.untilMin) };
    case 'kept':
      return a.action;
  }
}

/** Command params as typed: numbers as numbers, the rest as typed (the server checks them against the type). */
export function plainParams(a: { device: string; action: string; params: Record<string, string | boolean> }): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(a.params)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => [k, typeof v === 'boolean' ? v : v.trim() !== '' && Number.isFinite(Number(v.replace(',', '.'))) ? Number(v.replace(',', '.')) : v]),
  );
}

/** The PUT (and test) body for what the form holds. */
export function ruleBody(d: RuleDraft, params = plainParams): Body {
  const repeat = secs(d.repeatMin);
  const windows = d.windows.map((w) => ({ ...(w.days.length < 7 && { days: [...w.days].sort((a, b) => a - b) }), ranges: w.ranges.map((r) => ({ ...r })) }));
  const only = { ...(windows.length && { windows }), ...(d.keep.onlyMetric !== undefined && { metric: d.keep.onlyMetric as never }) };
  return {
    name: d.name.trim(),
    enabled: d.enabled,
    ...(d.keep.owner && { owner: d.keep.owner }),
    when: whenBody(d.when),
    ...(Object.keys(only).length && { only }),
    then: d.then.map((a, i) => actionBody(a, i, d, params)),
    ...(secs(d.cooldownMin) !== undefined && { cooldownS: secs(d.cooldownMin) }),
    ...(repeat !== undefined && { repeatEveryS: repeat }),
    ...(repeat !== undefined && num(d.maxRepeats) !== undefined && { maxRepeats: num(d.maxRepeats) }),
    ...(d.escalateOn && { escalate: { afterMin: need(d.escalateAfterMin), severity: d.escalateSeverity, roles: [...d.escalateRoles] } }),
    mode: d.mode,
  };
}

// ---------------------------------------------------------------- what a selection offers

export type TypeMap = ReadonlyMap<string, DeviceTypeInfo>;

/** The devices (of those the caller sees) a selection picks: all given must match, as the server does. */
export function pickDevices(devices: readonly Device[], types: TypeMap, sel: SelectDraft): Device[] {
  if (sel.by === 'devices') return devices.filter((d) => sel.devices.includes(d.id));
  return devices.filter(
    (d) =>
      (!sel.type || d.type === sel.type) &&
      (!sel.trait || (types.get(d.type)?.traits.includes(sel.trait) ?? false)) &&
      (!sel.zone || d.zone === sel.zone) &&
      (!sel.hamlet || d.hamlet === sel.hamlet),
  );
}

/**
 * The metrics every picked device's type reports (the server refuses a metric one of them lacks);
 * numbers only when the operator compares.
 */
export function sharedMetrics(picked: readonly Device[], types: TypeMap, numeric: boolean): Capability[] {
  const typeNames = [...new Set(picked.map((d) => d.type))];
  if (!typeNames.length) return [];
  const first = types.get(typeNames[0]!)?.capabilities.filter((c) => c.access === 'read' && (!numeric || c.kind === 'number')) ?? [];
  return first.filter((c) => typeNames.every((tn) => types.get(tn)?.capabilities.some((x) => x.key === c.key && x.access === 'read')));
}

/** A metric's capability (label, unit) on any type that has it. */
export function metricCap(types: TypeMap, key: string): Capability | undefined {
  for (const ty of types.values()) {
    const c = ty.capabilities.find((x) => x.key === key && x.access === 'read');
    if (c) return c;
  }
  return undefined;
}

/** Whether two drafts would send the same rule (the save button says if this one was tested). */
export function sameBody(a: Body, b: Body | undefined): boolean {
  return !!b && JSON.stringify(a) === JSON.stringify(b);
}

/** The placeholders an alert's message may carry. */
export const PLACEHOLDERS = ['{value}', '{device}', '{rule}'] as const;
