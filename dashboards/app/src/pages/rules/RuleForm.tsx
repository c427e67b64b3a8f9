// The rule editor (new and edit), all forms and no JSON: when (a metric of a selection, an event,
// a time), only (time windows), then (actions), and cooldown, repeats, escalation. Each operator
// shows the fields it needs; selections offer only the devices the caller sees and the metrics
// every picked device has. A refusal's issues are shown under the fields they name, in words, and
// the save button says whether the form as it is now was tested against past data (TestRun).
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { actionLabel, planCommand, readField, type Field } from '../../components/CommandForm.js';
import { Msg, refusal, type MessageFn } from '../../components/Msg.js';
import { site } from '../../components/Shell.js';
import { slug } from '../../lib/format.js';
import { ApiError } from '../../lib/http.js';
import { pick, t, type Key } from '../../lib/i18n.js';
import type { Device, GroupView, RuleTestResult } from './api.js';
import {
  ALL_DAYS,
  EVENTS,
  OPS,
  opFields,
  pickDevices,
  PLACEHOLDERS,
  ROLES,
  ruleBody,
  sameBody,
  SEVERITIES,
  sharedMetrics,
  type ActionDraft,
  type ActionKind,
  type Body,
  type RuleDraft,
  type SelectDraft,
  type TypeMap,
  type WhenDraft,
} from './draft.js';
import { TestRun } from './TestRun.js';
import { issueWords, pathLabel, traitLabel } from './words.js';

export interface Issue {
  path: string;
  text: () => string;
}

/** What the form may offer: the caller's devices and types, light groups, and which actions the role may take. */
export interface FormContext {
  devices: readonly Device[];
  types: TypeMap;
  groups: readonly GroupView[];
  /** A farmer's rule selects within one of their zones: no "any zone". */
  zoneRequired: boolean;
  may: { command: boolean; webhook: boolean; rainDelay: boolean; lighting: boolean };
}

export interface RuleFormProps {
  mode: 'create' | 'edit';
  initial: RuleDraft;
  takenIds: readonly string[];
  ctx: FormContext;
  onSave: (id: string, body: Body) => Promise<void>;
  onCancel: () => void;
  test: (body: Body, from: number, to: number) => Promise<RuleTestResult>;
}

/** A refusal's issues, their paths as the form names them (a test's body has the rule under `rule`). */
export function issuesOf(err: unknown): Issue[] {
  if (!(err instanceof ApiError)) return [];
  return (err.body.issues ?? []).map((i) => {
    const path = i.path
      .split('.')
      .filter((p) => p && p !== 'body')
      .join('.')
      .replace(/^rule\./, '');
    return { path, text: () => issueWords(i.message) };
  });
}

const matches = (issuePath: string, path: string) => issuePath === path || issuePath.startsWith(`${path}.`);

/** The issues naming `path` (or a path under it), under the field. */
function FieldIssues({ issues, path, id }: { issues: readonly Issue[]; path: string; id?: string }) {
  const mine = issues.filter((i) => matches(i.path, path));
  if (!mine.length) return null;
  return (
    <small class="field-issue" id={id} data-testid={`issue-${path}`}>
      {mine.map((i) => i.text()).join(' · ')}
    </small>
  );
}

const ACTION_KINDS: readonly ActionKind[] = ['alert', 'command', 'webhook', 'irrigation-rain-delay', 'lighting-override'];

function newAction(kind: ActionKind, ctx: FormContext): ActionDraft {
  switch (kind) {
    case 'alert':
      return { kind, severity: 'warning', message: '{rule}: {device} {value}' };
    case 'command':
      return { kind, device: '', action: '', params: {} };
    case 'webhook':
      return { kind, url: '', method: 'POST' };
    case 'irrigation-rain-delay':
      return { kind, hours: '24' };
    case 'lighting-override':
      return { kind, group: ctx.groups[0]?.id ?? '', level: '100', untilMin: '60' };
  }
}

/** Command params typed in the form → the values sent (minutes → seconds where the type counts seconds). */
function commandParams(ctx: FormContext) {
  return (a: { device: string; action: string; params: Record<string, string | boolean> }): Record<string, unknown> => {
    const dev = ctx.devices.find((d) => d.id === a.device);
    const ty = dev && ctx.types.get(dev.type);
    const cmd = ty?.commands.find((c) => c.action === a.action);
    const plan = cmd && ty ? planCommand(cmd, ty.capabilities) : null;
    const out: Record<string, unknown> = {};
    for (const f of plan?.fields ?? []) {
      const raw = a.params[f.key];
      if (raw === undefined) continue;
      const r = readField(f, raw);
      // What the form cannot read goes as typed, for the server to refuse by its path.
      if (r.value !== undefined) out[f.key] = r.value;
      else if (r.problem && raw !== '') out[f.key] = raw;
    }
    return out;
  };
}

function Days({ value, set, idBase, legend, bad }: { value: number[]; set: (d: number[]) => void; idBase: string; legend: string; bad?: true }) {
  return (
    <fieldset class="days" aria-invalid={bad}>
      <legend>{legend}</legend>
      {ALL_DAYS.map((i) => (
        <span class="day" key={i}>
          <input
            id={`${idBase}-${i}`}
            type="checkbox"
            data-testid={`${idBase}-${i}`}
            checked={value.includes(i)}
            onChange={(e) => set(e.currentTarget.checked ? [...new Set([...value, i])].sort((a, b) => a - b) : value.filter((x) => x !== i))}
          />
          <label for={`${idBase}-${i}`} title={t(`irr.dayLong.${i}` as Key)}>
            {t(`irr.day.${i}` as Key)}
          </label>
        </span>
      ))}
    </fieldset>
  );
}

interface FieldProps {
  id: string;
  label: string;
  path: string;
  issues: readonly Issue[];
  children: ComponentChildren;
  hint?: string;
  grow?: boolean;
}

function F({ id, label, path, issues, children, hint, grow }: FieldProps) {
  return (
    <div class={`field${grow ? ' grow' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint ? <small class="hint">{hint}</small> : null}
      <FieldIssues issues={issues} path={path} />
    </div>
  );
}

interface ChoiceProps<T extends string> {
  id: string;
  testid?: string;
  label: string;
  path: string;
  issues: readonly Issue[];
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
  /** A first option with no value ("any", "choose…"). */
  empty?: string;
  invalid?: true | undefined;
  disabled?: boolean;
  grow?: boolean;
}

/** A labelled select of the given options, with the field's issues: most of the form's choices. */
function Choice<T extends string>(p: ChoiceProps<T>) {
  return (
    <F id={p.id} label={p.label} path={p.path} issues={p.issues} grow={p.grow}>
      <select id={p.id} data-testid={p.testid} value={p.value} aria-invalid={p.invalid} disabled={p.disabled} onChange={(e) => p.onChange(e.currentTarget.value as T)}>
        {p.empty !== undefined ? <option value="">{p.empty}</option> : null}
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </F>
  );
}

/** Options whose words come from their values. */
const opts = <T extends string>(values: readonly T[], label: (v: T) => string) => values.map((value) => ({ value, label: label(value) }));

function SelectFields({ sel, set, ctx, issues, base, bad }: { sel: SelectDraft; set: (s: SelectDraft) => void; ctx: FormContext; issues: readonly Issue[]; base: string; bad: (p: string) => true | undefined }) {
  const zones = site.value?.zones ?? [];
  const hamlets = site.value?.hamlets ?? [];
  const typeNames = [...new Set(ctx.devices.map((d) => d.type))];
  const traits = [...new Set(typeNames.flatMap((tn) => ctx.types.get(tn)?.traits ?? []))];
  const picked = pickDevices(ctx.devices, ctx.types, sel);
  // One filter of the selection: a select with "any" first (unless one must be picked).
  const choice = (key: 'zone' | 'hamlet' | 'type' | 'trait', options: { value: string; label: string }[], any = true) => (
    <Choice
      id={`rf-${key}`}
      testid={`rule-${key}`}
      label={t(`ru.f.${key}` as const)}
      path={`${base}.${key}`}
      issues={issues}
      value={sel[key]}
      options={options}
      {...(any && { empty: t('ru.f.any') })}
      invalid={bad(`${base}.${key}`)}
      onChange={(v) => set({ ...sel, [key]: v })}
    />
  );
  return (
    <fieldset class="fs" data-testid="rule-select">
      <legend>{t('ru.f.select')}</legend>
      <div class="field check">
        <input id="rf-by-filter" type="radio" name="rf-by" checked={sel.by === 'filter'} data-testid="rule-by-filter" onChange={() => set({ ...sel, by: 'filter' })} />
        <label for="rf-by-filter">{t('ru.f.byFilter')}</label>
      </div>
      <div class="field check">
        <input id="rf-by-devices" type="radio" name="rf-by" checked={sel.by === 'devices'} data-testid="rule-by-devices" onChange={() => set({ ...sel, by: 'devices' })} />
        <label for="rf-by-devices">{t('ru.f.byDevices')}</label>
      </div>
      {sel.by === 'devices' ? (
        <fieldset class="pick-list" data-testid="rule-devices" aria-invalid={bad(`${base}.devices`)}>
          <legend>{t('ru.f.devices')}</legend>
          {ctx.devices.map((d) => (
            <span class="pick" key={d.id}>
              <input
                id={`rf-dev-${d.id}`}
                type="checkbox"
                value={d.id}
                data-testid={`rule-device-${d.id}`}
                checked={sel.devices.includes(d.id)}
                onChange={(e) => set({ ...sel, devices: e.currentTarget.checked ? [...sel.devices, d.id] : sel.devices.filter((x) => x !== d.id) })}
              />
              <label for={`rf-dev-${d.id}`}>{d.name}</label>
            </span>
          ))}
        </fieldset>
      ) : (
        <>
          {choice('zone', zones.map((z) => ({ value: z.id, label: z.name })), !ctx.zoneRequired)}
          {choice('hamlet', hamlets.map((h) => ({ value: h.id, label: h.name })))}
          {choice('type', typeNames.map((tn) => ({ value: tn, label: pick(ctx.types.get(tn)?.label, tn) })))}
          {choice('trait', traits.map((x) => ({ value: x, label: traitLabel(x) })))}
        </>
      )}
      <p class="hint picked" data-testid="rule-picked" aria-live="polite">
        {picked.length ? t('ru.f.picked', { n: picked.length, names: picked.slice(0, 6).map((d) => d.name).join(', ') + (picked.length > 6 ? '…' : '') }) : t('ru.f.pickedNone')}
      </p>
      <FieldIssues issues={issues.filter((i) => i.path === base || i.path.startsWith(`${base}.devices`))} path={base} />
    </fieldset>
  );
}

function MetricFields({ w, set, ctx, issues, bad }: { w: WhenDraft; set: (x: Partial<WhenDraft>) => void; ctx: FormContext; issues: readonly Issue[]; bad: (p: string) => true | undefined }) {
  const f = opFields(w.op);
  const picked = pickDevices(ctx.devices, ctx.types, w.select);
  const metrics = sharedMetrics(picked, ctx.types, f.avg);
  const cap = metrics.find((m) => m.key === w.metric);
  const unit = cap?.unit ? ` (${cap.unit})` : '';
  // The metric follows the selection: one it no longer has is dropped for the first it has.
  useEffect(() => {
    if (!metrics.some((m) => m.key === w.metric)) set({ metric: metrics[0]?.key ?? '' });
  }, [metrics.map((m) => m.key).join(','), w.metric]);
  const num = (id: string, path: string, label: string, value: string, key: keyof WhenDraft, hint?: string) => (
    <F id={id} label={label} path={path} issues={issues} hint={hint}>
      <input id={id} type="text" inputMode="decimal" value={value} data-testid={id.replace(/^rf-/, 'rule-')} aria-invalid={bad(path)} onInput={(e) => set({ [key]: e.currentTarget.value })} />
    </F>
  );
  return (
    <>
      <SelectFields sel={w.select} set={(select) => set({ select })} ctx={ctx} issues={issues} base="when.select" bad={bad} />
      <Choice
        id="rf-metric"
        testid="rule-metric"
        label={t('ru.f.metric')}
        path="when.metric"
        issues={issues}
        grow
        value={w.metric}
        options={metrics.map((m) => ({ value: m.key, label: pick(m.label, m.key) + (m.unit ? ` (${m.unit})` : '') }))}
        invalid={bad('when.metric')}
        disabled={!metrics.length}
        onChange={(metric) => set({ metric })}
      />
      <Choice id="rf-op" testid="rule-op" label={t('ru.f.op')} path="when.op" issues={issues} value={w.op} options={opts(OPS, (o) => t(`ru.op.${o}` as Key))} invalid={bad('when.op')} onChange={(op) => set({ op })} />
      {f.value ? num('rf-value', 'when.value', t('ru.f.value') + unit, w.value, 'value') : null}
      {f.range ? (
        <>
          {num('rf-min', 'when.min', t('ru.f.min') + unit, w.min, 'min')}
          {num('rf-max', 'when.max', t('ru.f.max') + unit, w.max, 'max')}
        </>
      ) : null}
      {f.stale ? num('rf-stale', 'when.staleMin', t('ru.f.staleMin'), w.staleMin, 'staleMin') : null}
      <Choice
        id="rf-aggregate"
        testid="rule-aggregate"
        label={t('ru.f.aggregate')}
        path="when.aggregate"
        issues={issues}
        value={w.aggregate}
        options={opts(f.avg ? (['any', 'all', 'avg'] as const) : (['any', 'all'] as const), (a) => t(`ru.agg.${a}`))}
        invalid={bad('when.aggregate')}
        onChange={(aggregate) => set({ aggregate })}
      />
      {num('rf-for', 'when.forS', t('ru.f.forMin'), w.forMin, 'forMin', t('ru.f.forHint'))}
      {f.clear ? (
        <fieldset class="fs" data-testid="rule-clear">
          <legend>{t('ru.f.clear')}</legend>
          <div class="field check">
            <input id="rf-clear-on" type="checkbox" data-testid="rule-clear-on" checked={w.clearOn} onChange={(e) => set({ clearOn: e.currentTarget.checked })} />
            <label for="rf-clear-on">{t('ru.f.clearOn')}</label>
          </div>
          {w.clearOn ? (
            <>
              {f.value ? num('rf-clear-value', 'when.clear.value', t(w.op === '>' ? 'ru.f.clearBelow' : 'ru.f.clearAbove') + unit, w.clearValue, 'clearValue') : null}
              {f.range ? (
                <>
                  {num('rf-clear-min', 'when.clear.min', t('ru.f.clearMin') + unit, w.clearMin, 'clearMin')}
                  {num('rf-clear-max', 'when.clear.max', t('ru.f.clearMax') + unit, w.clearMax, 'clearMax')}
                </>
              ) : null}
              {num('rf-clear-for', 'when.clear.forS', t('ru.f.clearForMin'), w.clearForMin, 'clearForMin')}
            </>
          ) : (
            <small class="hint">{t('ru.f.clearHint')}</small>
          )}
          <FieldIssues issues={issues.filter((i) => i.path === 'when.clear')} path="when.clear" />
        </fieldset>
      ) : null}
    </>
  );
}

function WhenFields({ w, set, ctx, issues, bad }: { w: WhenDraft; set: (x: Partial<WhenDraft>) => void; ctx: FormContext; issues: readonly Issue[]; bad: (p: string) => true | undefined }) {
  return (
    <fieldset class="fs" data-testid="rule-when">
      <legend>{t('ru.f.when')}</legend>
      <Choice id="rf-kind" testid="rule-kind" label={t('ru.f.kind')} path="when.kind" issues={issues} value={w.kind} options={opts(['metric', 'event', 'time'] as const, (k) => t(`ru.kind.${k}`))} onChange={(kind) => set({ kind })} />
      {w.kind === 'metric' ? <MetricFields w={w} set={set} ctx={ctx} issues={issues} bad={bad} /> : null}
      {w.kind === 'event' ? (
        <>
          <Choice id="rf-event" testid="rule-event" label={t('ru.f.event')} path="when.event" issues={issues} grow value={w.event} options={opts(EVENTS, (x) => t(`ru.event.${x}`))} onChange={(event) => set({ event })} />
          {w.event === 'device-offline' ? (
            <F id="rf-event-for" label={t('ru.f.offlineMin')} path="when.forMin" issues={issues}>
              <input id="rf-event-for" type="text" inputMode="decimal" value={w.eventForMin} data-testid="rule-event-for" aria-invalid={bad('when.forMin')} onInput={(e) => set({ eventForMin: e.currentTarget.value })} />
            </F>
          ) : null}
          <div class="field check">
            <input id="rf-event-select" type="checkbox" data-testid="rule-event-select" checked={w.eventSelect || ctx.zoneRequired} disabled={ctx.zoneRequired} onChange={(e) => set({ eventSelect: e.currentTarget.checked })} />
            <label for="rf-event-select">{t('ru.f.eventSelect')}</label>
          </div>
          {w.eventSelect || ctx.zoneRequired ? <SelectFields sel={w.select} set={(select) => set({ select })} ctx={ctx} issues={issues} base="when.select" bad={bad} /> : null}
        </>
      ) : null}
      {w.kind === 'time' ? (
        <>
          <Choice id="rf-time-kind" testid="rule-time-kind" label={t('ru.f.timeKind')} path="when.astro" issues={issues} value={w.timeKind} options={opts(['at', 'sunrise', 'sunset'] as const, (k) => t(`ru.time.${k}`))} onChange={(timeKind) => set({ timeKind })} />
          {w.timeKind === 'at' ? (
            <F id="rf-at" label={t('ru.f.at')} path="when.at" issues={issues}>
              <input id="rf-at" type="time" value={w.at} data-testid="rule-at" aria-invalid={bad('when.at')} onInput={(e) => set({ at: e.currentTarget.value })} />
            </F>
          ) : (
            <F id="rf-offset" label={t('ru.f.offsetMin')} path="when.offsetMin" issues={issues}>
              <input id="rf-offset" type="text" inputMode="numeric" value={w.offsetMin} data-testid="rule-offset" aria-invalid={bad('when.offsetMin')} onInput={(e) => set({ offsetMin: e.currentTarget.value })} />
            </F>
          )}
          <Days value={w.days} set={(days) => set({ days })} idBase="rule-time-day" legend={t('ru.f.days')} bad={bad('when.days')} />
        </>
      ) : null}
    </fieldset>
  );
}

function ActionFields({ a, i, set, ctx, issues, bad }: { a: ActionDraft; i: number; set: (a: ActionDraft) => void; ctx: FormContext; issues: readonly Issue[]; bad: (p: string) => true | undefined }) {
  const p = (x: string) => `then.${i}.${x}`;
  const id = (x: string) => `rf-a${i}-${x}`;
  const tid = (x: string) => `rule-action-${x}-${i}`;
  switch (a.kind) {
    case 'kept':
      return (
        <p class="note" data-testid={tid('kept')}>
          {t('ru.f.kept', { kind: a.action.kind })}
        </p>
      );
    case 'alert':
      return (
        <>
          <Choice id={id('severity')} testid={tid('severity')} label={t('ru.f.severity')} path={p('severity')} issues={issues} value={a.severity} options={opts(SEVERITIES, (x) => t(`al.sev.${x}`))} onChange={(severity) => set({ ...a, severity })} />
          <F id={id('message')} label={t('ru.f.message')} path={p('message')} issues={issues} grow hint={t('ru.f.placeholders', { list: PLACEHOLDERS.join(' ') })}>
            <input id={id('message')} type="text" value={a.message} data-testid={tid('message')} aria-invalid={bad(p('message'))} onInput={(e) => set({ ...a, message: e.currentTarget.value })} />
          </F>
        </>
      );
    case 'command': {
      const dev = ctx.devices.find((d) => d.id === a.device);
      const ty = dev && ctx.types.get(dev.type);
      const cmd = ty?.commands.find((c) => c.action === a.action);
      const plan = cmd && ty ? planCommand(cmd, ty.capabilities) : null;
      const fieldLabel = (f: Field) => (f.cap ? pick(f.cap.label, f.key) : f.key) + (f.kind === 'number' && f.minutes ? ` (${t('unit.min')})` : f.kind === 'number' && f.unit ? ` (${f.unit})` : '');
      return (
        <>
          <Choice
            id={id('device')}
            testid={tid('device')}
            label={t('ru.f.device')}
            path={p('device')}
            issues={issues}
            grow
            value={a.device}
            empty={t('ru.f.choose')}
            options={ctx.devices.filter((d) => (ctx.types.get(d.type)?.commands.length ?? 0) > 0).map((d) => ({ value: d.id, label: d.name }))}
            invalid={bad(p('device'))}
            onChange={(device) => set({ ...a, device, action: '', params: {} })}
          />
          <Choice
            id={id('action')}
            testid={tid('action')}
            label={t('ru.f.action')}
            path={p('action')}
            issues={issues}
            value={a.action}
            empty={t('ru.f.choose')}
            options={opts(
              (ty?.commands ?? []).filter((c) => planCommand(c, ty!.capabilities)).map((c) => c.action),
              actionLabel,
            )}
            invalid={bad(p('action'))}
            disabled={!ty}
            onChange={(action) => set({ ...a, action, params: {} })}
          />
          {(plan?.fields ?? []).map((f) =>
            f.kind === 'boolean' ? (
              <div class="field check" key={f.key}>
                <input id={id(`p-${f.key}`)} type="checkbox" checked={a.params[f.key] === true} onChange={(e) => set({ ...a, params: { ...a.params, [f.key]: e.currentTarget.checked } })} />
                <label for={id(`p-${f.key}`)}>{fieldLabel(f)}</label>
              </div>
            ) : f.kind === 'enum' ? (
              <Choice
                key={f.key}
                id={id(`p-${f.key}`)}
                label={fieldLabel(f)}
                path={p(`params.${f.key}`)}
                issues={issues}
                value={String(a.params[f.key] ?? '')}
                empty={t('ru.f.choose')}
                options={opts(f.values, (v) => v)}
                onChange={(v) => set({ ...a, params: { ...a.params, [f.key]: v } })}
              />
            ) : (
              <F key={f.key} id={id(`p-${f.key}`)} label={fieldLabel(f)} path={p(`params.${f.key}`)} issues={issues}>
                <input id={id(`p-${f.key}`)} type="text" inputMode="decimal" value={String(a.params[f.key] ?? '')} data-testid={tid(`p-${f.key}`)} onInput={(e) => set({ ...a, params: { ...a.params, [f.key]: e.currentTarget.value } })} />
              </F>
            ),
          )}
        </>
      );
    }
    case 'webhook':
      return (
        <>
          <F id={id('url')} label={t('ru.f.url')} path={p('url')} issues={issues} grow>
            <input id={id('url')} type="url" value={a.url} data-testid={tid('url')} aria-invalid={bad(p('url'))} onInput={(e) => set({ ...a, url: e.currentTarget.value })} />
          </F>
          <Choice id={id('method')} label={t('ru.f.method')} path={p('method')} issues={issues} value={a.method} options={opts(['POST', 'PUT'] as const, (m) => m)} onChange={(method) => set({ ...a, method })} />
        </>
      );
    case 'irrigation-rain-delay':
      return (
        <F id={id('hours')} label={t('ru.f.hours')} path={p('hours')} issues={issues}>
          <input id={id('hours')} type="text" inputMode="decimal" value={a.hours} data-testid={tid('hours')} aria-invalid={bad(p('hours'))} onInput={(e) => set({ ...a, hours: e.currentTarget.value })} />
        </F>
      );
    case 'lighting-override':
      return (
        <>
          <Choice
            id={id('group')}
            label={t('ru.f.group')}
            path={p('group')}
            issues={issues}
            grow
            value={a.group}
            options={ctx.groups.map((g) => ({ value: g.id, label: g.name }))}
            invalid={bad(p('group'))}
            onChange={(group) => set({ ...a, group })}
          />
          <F id={id('level')} label={t('ru.f.level')} path={p('level')} issues={issues}>
            <input id={id('level')} type="text" inputMode="numeric" value={a.level} aria-invalid={bad(p('level'))} onInput={(e) => set({ ...a, level: e.currentTarget.value })} />
          </F>
          <F id={id('until')} label={t('ru.f.untilMin')} path={p('untilMin')} issues={issues}>
            <input id={id('until')} type="text" inputMode="numeric" value={a.untilMin} aria-invalid={bad(p('untilMin'))} onInput={(e) => set({ ...a, untilMin: e.currentTarget.value })} />
          </F>
        </>
      );
  }
}

export function RuleForm(p: RuleFormProps) {
  const { ctx, mode } = p;
  const [d, setD] = useState<RuleDraft>(p.initial);
  const [idTouched, setIdTouched] = useState(mode === 'edit');
  const [issues, setIssues] = useState<Issue[]>([]);
  const [msg, setMsg] = useState<MessageFn | null>(null);
  const [busy, setBusy] = useState(false);
  const [testedBody, setTestedBody] = useState<Body | undefined>(undefined);
  const head = useRef<HTMLHeadingElement>(null);
  const errBox = useRef<HTMLDivElement>(null);
  useEffect(() => head.current?.focus(), []);

  const patch = (x: Partial<RuleDraft>) => setD((cur) => ({ ...cur, ...x }));
  const setWhen = (x: Partial<WhenDraft>) => setD((cur) => ({ ...cur, when: { ...cur.when, ...x } }));
  const bad = (path: string): true | undefined => issues.some((i) => matches(i.path, path)) || undefined;
  const params = useMemo(() => commandParams(ctx), [ctx]);
  const body = ruleBody(d, params);
  const tested = sameBody(body, testedBody);
  const kinds = ACTION_KINDS.filter((k) => k === 'alert' || (k === 'command' && ctx.may.command) || (k === 'webhook' && ctx.may.webhook) || (k === 'irrigation-rain-delay' && ctx.may.rainDelay) || (k === 'lighting-override' && ctx.may.lighting && ctx.groups.length > 0));

  const show = (list: Issue[], m: MessageFn) => {
    setIssues(list);
    setMsg(() => m);
    requestAnimationFrame(() => errBox.current?.scrollIntoView?.({ block: 'nearest' }));
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const id = d.id.trim();
    const local: Issue[] = [];
    if (!d.name.trim()) local.push({ path: 'name', text: () => t('ru.issue.needName') });
    if (!id) local.push({ path: 'id', text: () => t('ru.issue.needId') });
    else if (mode === 'create' && p.takenIds.includes(id)) local.push({ path: 'id', text: () => t('ru.issue.idTaken', { id }) });
    if (local.length) return show(local, () => ({ kind: 'error', title: t('badRequest'), lines: local.map((i) => `${pathLabel(i.path)}: ${i.text()}`), fields: local.map((i) => i.path) }));
    setBusy(true);
    setMsg(null);
    setIssues([]);
    try {
      await p.onSave(id, body);
    } catch (err) {
      const list = issuesOf(err);
      const base = refusal(err, { label: pathLabel });
      show(list, () => ({ ...base(), lines: list.length ? list.map((i) => `${pathLabel(i.path)}: ${i.text()}`) : base().lines }));
    } finally {
      setBusy(false);
    }
  };

  const testIssues = (err: unknown) => {
    const list = issuesOf(err);
    setIssues(list);
    return list;
  };

  return (
    <form class="rule-form" novalidate data-testid="rule-form" aria-labelledby="rule-form-h" onSubmit={submit}>
      <h2 id="rule-form-h" tabIndex={-1} ref={head}>
        {mode === 'create' ? t('ru.form.create') : t('ru.form.edit', { name: d.name })}
      </h2>
      <fieldset class="fs">
        <legend>{t('ru.f.basics')}</legend>
        <F id="rf-name" label={t('ru.f.name')} path="name" issues={issues} grow>
          <input
            id="rf-name"
            type="text"
            autocomplete="off"
            value={d.name}
            data-testid="rule-name"
            aria-invalid={bad('name')}
            onInput={(e) => {
              const name = e.currentTarget.value;
              patch(mode === 'create' && !idTouched ? { name, id: slug(name) } : { name });
            }}
          />
        </F>
        <F id="rf-id" label={t('ru.f.id')} path="id" issues={issues} grow hint={t(mode === 'create' ? 'ru.f.idHint' : 'ru.f.idFixed')}>
          <input
            id="rf-id"
            type="text"
            autocomplete="off"
            spellcheck={false}
            readOnly={mode === 'edit'}
            value={d.id}
            data-testid="rule-id"
            aria-invalid={bad('id')}
            onInput={(e) => {
              setIdTouched(true);
              patch({ id: e.currentTarget.value });
            }}
          />
        </F>
        <div class="field check">
          <input id="rf-enabled" type="checkbox" checked={d.enabled} data-testid="rule-enabled-input" onChange={(e) => patch({ enabled: e.currentTarget.checked })} />
          <label for="rf-enabled">{t('ru.f.enabled')}</label>
        </div>
      </fieldset>

      <WhenFields w={d.when} set={setWhen} ctx={ctx} issues={issues} bad={bad} />

      <fieldset class="fs" data-testid="rule-only">
        <legend>{t('ru.f.only')}</legend>
        {d.windows.map((w, i) => {
          const setW = (x: Partial<typeof w>) => patch({ windows: d.windows.map((y, j) => (j === i ? { ...y, ...x } : y)) });
          return (
            <div class="row" key={i} data-testid="rule-window">
              <Days value={w.days} set={(days) => setW({ days })} idBase={`rule-win${i}-day`} legend={t('ru.f.windowN', { n: i + 1 })} bad={bad(`only.windows.${i}.days`)} />
              {w.ranges.map((r, k) => (
                <div class="range" key={k}>
                  <F id={`rf-w${i}-from-${k}`} label={t('ru.f.from')} path={`only.windows.${i}.ranges.${k}.from`} issues={issues}>
                    <input id={`rf-w${i}-from-${k}`} type="time" value={r.from} data-testid={`rule-win${i}-from-${k}`} aria-invalid={bad(`only.windows.${i}.ranges.${k}.from`)} onInput={(e) => setW({ ranges: w.ranges.map((y, j) => (j === k ? { ...y, from: e.currentTarget.value } : y)) })} />
                  </F>
                  <F id={`rf-w${i}-to-${k}`} label={t('ru.f.to')} path={`only.windows.${i}.ranges.${k}.to`} issues={issues}>
                    <input id={`rf-w${i}-to-${k}`} type="time" value={r.to} data-testid={`rule-win${i}-to-${k}`} aria-invalid={bad(`only.windows.${i}.ranges.${k}.to`)} onInput={(e) => setW({ ranges: w.ranges.map((y, j) => (j === k ? { ...y, to: e.currentTarget.value } : y)) })} />
                  </F>
                  <div class="field submit">
                    <button type="button" class="btn btn-light btn-small" aria-label={t('ru.f.removeRange', { n: k + 1 })} disabled={w.ranges.length <= 1} onClick={() => setW({ ranges: w.ranges.filter((_, j) => j !== k) })}>
                      {t('ru.f.remove')}
                    </button>
                  </div>
                </div>
              ))}
              <div class="btn-row">
                <button type="button" class="btn btn-light btn-small" disabled={w.ranges.length >= 8} onClick={() => setW({ ranges: [...w.ranges, { from: '18:00', to: '22:00' }] })}>
                  {t('ru.f.addRange')}
                </button>
                <button type="button" class="btn btn-light btn-small" aria-label={t('ru.f.removeWindow', { n: i + 1 })} onClick={() => patch({ windows: d.windows.filter((_, j) => j !== i) })}>
                  {t('ru.f.remove')}
                </button>
              </div>
            </div>
          );
        })}
        <div class="btn-row">
          <button type="button" class="btn btn-light btn-small" data-testid="rule-add-window" disabled={d.windows.length >= 8} onClick={() => patch({ windows: [...d.windows, { days: [...ALL_DAYS], ranges: [{ from: '06:00', to: '18:00' }] }] })}>
            {t('ru.f.addWindow')}
          </button>
        </div>
        <small class="hint">{d.windows.length ? t('ru.f.onlyHint') : t('ru.f.always')}</small>
        {d.keep.onlyMetric !== undefined ? <small class="hint">{t('ru.f.keptGuard')}</small> : null}
      </fieldset>

      <fieldset class="fs" data-testid="rule-then">
        <legend>{t('ru.f.then')}</legend>
        {d.then.map((a, i) => (
          <div class="row" key={i} data-testid="rule-action">
            <span class="step-n" aria-hidden="true">
              {i + 1}.
            </span>
            <Choice
              id={`rf-a${i}-kind`}
              testid={`rule-action-kind-${i}`}
              label={t('ru.f.actionN', { n: i + 1 })}
              path={`then.${i}.kind`}
              issues={issues}
              value={a.kind}
              options={opts([...new Set([...kinds, a.kind])], (k) => t(`ru.act.${k}`))}
              onChange={(k) => patch({ then: d.then.map((y, j) => (j === i ? newAction(k as ActionKind, ctx) : y)) })}
            />
            <ActionFields a={a} i={i} set={(x) => patch({ then: d.then.map((y, j) => (j === i ? x : y)) })} ctx={ctx} issues={issues} bad={bad} />
            <div class="field submit">
              <button type="button" class="btn btn-light btn-small" aria-label={t('ru.f.removeAction', { n: i + 1 })} disabled={d.then.length <= 1} onClick={() => patch({ then: d.then.filter((_, j) => j !== i) })}>
                {t('ru.f.remove')}
              </button>
            </div>
          </div>
        ))}
        <div class="btn-row">
          <button type="button" class="btn btn-light btn-small" data-testid="rule-add-action" disabled={d.then.length >= 10} onClick={() => patch({ then: [...d.then, newAction('alert', ctx)] })}>
            {t('ru.f.addAction')}
          </button>
        </div>
        <FieldIssues issues={issues.filter((i) => i.path === 'then')} path="then" />
      </fieldset>

      <fieldset class="fs" data-testid="rule-more">
        <legend>{t('ru.f.more')}</legend>
        <F id="rf-cooldown" label={t('ru.f.cooldownMin')} path="cooldownS" issues={issues} hint={t('ru.f.cooldownHint')}>
          <input id="rf-cooldown" type="text" inputMode="decimal" value={d.cooldownMin} data-testid="rule-cooldown" aria-invalid={bad('cooldownS')} onInput={(e) => patch({ cooldownMin: e.currentTarget.value })} />
        </F>
        <F id="rf-repeat" label={t('ru.f.repeatMin')} path="repeatEveryS" issues={issues} hint={t('ru.f.repeatHint')}>
          <input id="rf-repeat" type="text" inputMode="decimal" value={d.repeatMin} data-testid="rule-repeat" aria-invalid={bad('repeatEveryS')} onInput={(e) => patch({ repeatMin: e.currentTarget.value })} />
        </F>
        {d.repeatMin.trim() ? (
          <F id="rf-max-repeats" label={t('ru.f.maxRepeats')} path="maxRepeats" issues={issues}>
            <input id="rf-max-repeats" type="text" inputMode="numeric" value={d.maxRepeats} data-testid="rule-max-repeats" aria-invalid={bad('maxRepeats')} onInput={(e) => patch({ maxRepeats: e.currentTarget.value })} />
          </F>
        ) : null}
        <Choice id="rf-mode" testid="rule-mode" label={t('ru.f.mode')} path="mode" issues={issues} value={d.mode} options={opts(['single', 'restart', 'queued'] as const, (m) => t(`ru.mode.${m}`))} onChange={(mode) => patch({ mode })} />
        {d.then.some((a) => a.kind === 'alert') ? (
          <div class="sub">
            <div class="field check">
              <input id="rf-esc" type="checkbox" checked={d.escalateOn} data-testid="rule-escalate-on" onChange={(e) => patch({ escalateOn: e.currentTarget.checked })} />
              <label for="rf-esc">{t('ru.f.escalate')}</label>
            </div>
            {d.escalateOn ? (
              <>
                <F id="rf-esc-after" label={t('ru.f.escalateAfter')} path="escalate.afterMin" issues={issues}>
                  <input id="rf-esc-after" type="text" inputMode="decimal" value={d.escalateAfterMin} data-testid="rule-escalate-after" aria-invalid={bad('escalate.afterMin')} onInput={(e) => patch({ escalateAfterMin: e.currentTarget.value })} />
                </F>
                <Choice
                  id="rf-esc-sev"
                  label={t('ru.f.severity')}
                  path="escalate.severity"
                  issues={issues}
                  value={d.escalateSeverity}
                  options={opts(SEVERITIES, (x) => t(`al.sev.${x}`))}
                  onChange={(escalateSeverity) => patch({ escalateSeverity })}
                />
                <fieldset class="days" aria-invalid={bad('escalate.roles')}>
                  <legend>{t('ru.f.escalateRoles')}</legend>
                  {ROLES.map((r) => (
                    <span class="day" key={r}>
                      <input id={`rf-esc-${r}`} type="checkbox" checked={d.escalateRoles.includes(r)} onChange={(e) => patch({ escalateRoles: e.currentTarget.checked ? [...d.escalateRoles, r] : d.escalateRoles.filter((x) => x !== r) })} />
                      <label for={`rf-esc-${r}`}>{t(`role.${r}`)}</label>
                    </span>
                  ))}
                </fieldset>
              </>
            ) : null}
          </div>
        ) : null}
      </fieldset>

      <TestRun body={body} run={p.test} onTested={setTestedBody} onIssues={testIssues} ctx={ctx} />

      <div ref={errBox}>
        <Msg msg={msg} testid="rule-error" />
      </div>
      <div class="btn-row">
        <button type="submit" class="btn" data-testid="rule-save" data-tested={tested ? 'yes' : 'no'} disabled={busy}>
          {tested ? t('ru.save.tested') : t('ru.save.untested')}
        </button>
        <button type="button" class="btn btn-light" data-testid="rule-cancel" onClick={p.onCancel}>
          {t('ru.cancel')}
        </button>
      </div>
    </form>
  );
}
