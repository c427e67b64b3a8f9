// One command's form, built from data: the command's params JSON Schema (from /api/types) and the
// device type's capabilities (label, unit, bounds, step). Numbers, integers, enums and booleans
// become inputs; a seconds value is typed in minutes. Nothing here knows a device type.
//
// Bad input is refused here, before sending, with a message on the field and in the form's box,
// and the inputs keep what was typed. `onSubmit` gets typed values (numbers, booleans, strings).
import { useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { Capability, DeviceTypeInfo } from '../../../../controller/api/contract/devices.js';
import { fmtNum } from '../lib/format.js';
import { isKey, keyLabel, pick, t, valueLabel } from '../lib/i18n.js';
import { invalid, Msg, type Message, type MessageFn } from './Msg.js';

export type CommandInfo = DeviceTypeInfo['commands'][number];
export type ParamValue = number | boolean | string;
export type Params = Record<string, ParamValue>;

interface FieldBase {
  key: string;
  cap: Capability | undefined;
  required: boolean;
  default: unknown;
}
export type Field =
  | (FieldBase & {
      kind: 'number';
      /** Bounds and step in the unit the value is sent in (seconds for a minutes field). */
      min?: number;
      max?: number;
      step?: number;
      unit?: string;
      integer: boolean;
      /** A seconds value, typed in minutes. */
      minutes: boolean;
      slider: boolean;
    })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'enum'; values: readonly string[] });

export interface Plan {
  action: string;
  fields: Field[];
}

// ------------------------------------------------------------------ the schema, narrowed

/** The part of a JSON Schema (as z.toJSONSchema writes it) a form uses. */
interface Schema {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
  properties: Record<string, Schema>;
  required: string[];
}

const isObj = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
const num = (u: unknown): number | undefined => (typeof u === 'number' && Number.isFinite(u) ? u : undefined);

function schemaOf(u: unknown): Schema {
  const o = isObj(u) ? u : {};
  const types = (Array.isArray(o.type) ? o.type : [o.type]).filter((x): x is string => typeof x === 'string' && x !== 'null');
  const props = isObj(o.properties) ? o.properties : {};
  return {
    type: types[0],
    enum: Array.isArray(o.enum) && o.enum.every((v) => typeof v === 'string') ? (o.enum as string[]) : undefined,
    minimum: num(o.minimum) ?? num(o.exclusiveMinimum),
    maximum: num(o.maximum) ?? num(o.exclusiveMaximum),
    default: o.default,
    properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, schemaOf(v)])),
    required: Array.isArray(o.required) ? o.required.filter((x): x is string => typeof x === 'string') : [],
  };
}

// ------------------------------------------------------------------ planning

/** A key's capability; `preferSet` takes the settable one when a key is both read and set. */
export function capFor(caps: readonly Capability[] | undefined, key: string, preferSet = false): Capability | undefined {
  const list = caps ?? [];
  return (preferSet ? list.find((c) => c.key === key && c.access === 'set') : undefined) ?? list.find((c) => c.key === key);
}

/** A seconds value, by its capability's unit, or by a key like durationS when there is none. */
export function isSeconds(key: string, cap: Capability | undefined): boolean {
  return cap?.unit ? cap.unit === 's' : /[a-z]S$/.test(key);
}

function planField(key: string, ps: Schema, caps: readonly Capability[], required: boolean): Field | undefined {
  const cap = capFor(caps, key, true);
  const base = { key, cap, required, default: ps.default };
  const values = ps.enum ?? (cap?.kind === 'enum' ? cap.values : undefined);
  if (values?.length) return { ...base, kind: 'enum', values };
  if (ps.type === 'integer' || ps.type === 'number') {
    const min = ps.minimum ?? cap?.min;
    const max = ps.maximum ?? cap?.max;
    const minutes = isSeconds(key, cap);
    const step = cap?.step ?? (ps.type === 'integer' ? 1 : undefined);
    const slider = !minutes && min !== undefined && max !== undefined && max - min <= 1000;
    return { ...base, kind: 'number', min, max, step, unit: minutes ? undefined : cap?.unit, integer: ps.type === 'integer', minutes, slider };
  }
  if (ps.type === 'boolean') return { ...base, kind: 'boolean' };
  return undefined;
}

/**
 * A command's form, or null when the card cannot offer it: an optional free-text parameter is left
 * out, but a required one means the command needs a page of its own (a broadcast needs audio).
 */
export function planCommand(cmd: CommandInfo, caps: readonly Capability[]): Plan | null {
  const schema = schemaOf(cmd.params);
  const fields: Field[] = [];
  for (const [key, ps] of Object.entries(schema.properties)) {
    const required = schema.required.includes(key);
    const f = planField(key, ps, caps, required);
    if (f) fields.push(f);
    else if (required) return null;
  }
  return { action: cmd.action, fields };
}

// ------------------------------------------------------------------ words

export function actionLabel(action: string): string {
  const k = `action.${action}`;
  return isKey(k) ? t(k) : action;
}

/** A parameter's name: its capability's label, else the shared key labels. */
export function paramLabel(caps: readonly Capability[] | undefined, key: string): string {
  const cap = capFor(caps, key, true);
  return cap ? pick(cap.label, key) : keyLabel(key);
}

function fieldLabel(f: Field): string {
  const label = f.cap ? pick(f.cap.label, f.key) : keyLabel(f.key);
  if (f.kind === 'number' && f.minutes) return t('inMinutes', { label });
  if (f.kind === 'number' && f.unit) return t('withUnit', { label, unit: f.unit });
  return label;
}

const decimals = (step: number | undefined) => (step === undefined || Number.isInteger(step) ? 0 : (String(step).split('.')[1]?.length ?? 0));

/** Bounds as the reader types them (minutes for a seconds value). */
function shownBounds(f: Extract<Field, { kind: 'number' }>): { min?: number; max?: number; unit: string } {
  if (!f.minutes) return { min: f.min, max: f.max, unit: f.unit ?? '' };
  return { min: f.min === undefined ? 0 : Math.ceil(f.min / 60), max: f.max === undefined ? undefined : Math.floor(f.max / 60), unit: t('unit.min') };
}

// ------------------------------------------------------------------ checking

type Problem = 'required' | 'nan' | 'whole' | 'low' | 'high';
type Draft = Record<string, string | boolean>;

function problemText(f: Field, p: Problem): string {
  if (p === 'required') return t('fieldRequired');
  if (p === 'nan') return t('notANumber');
  if (p === 'whole') return t('wholeNumber');
  const b = f.kind === 'number' ? shownBounds(f) : { unit: '' };
  const fmt = (n: number | undefined) => fmtNum(n ?? 0, f.kind === 'number' && !f.minutes ? decimals(f.step) : 2);
  return (p === 'low' ? t('atLeast', { min: fmt(b.min), unit: b.unit }) : t('atMost', { max: fmt(b.max), unit: b.unit })).replace(' .', '.');
}

/** The typed value of one field, or what is wrong with the input (`bad`: the browser could not read a number). */
export function readField(f: Field, raw: string | boolean, bad = false): { value?: ParamValue; problem?: Problem } {
  if (f.kind === 'boolean') return { value: raw === true };
  const s = String(raw).trim();
  if (bad) return { problem: 'nan' };
  if (s === '') return f.required ? { problem: 'required' } : {};
  if (f.kind === 'enum') return f.values.includes(s) ? { value: s } : { problem: 'required' };
  const n = Number(s.replace(',', '.')); // a decimal comma, as Vietnamese writes it
  if (!Number.isFinite(n)) return { problem: 'nan' };
  const value = f.minutes ? Math.round(n * 60) : n;
  if (f.integer && !Number.isInteger(value)) return { problem: 'whole' };
  if (f.min !== undefined && value < f.min) return { problem: 'low' };
  if (f.max !== undefined && value > f.max) return { problem: 'high' };
  return { value };
}

/** Where a field starts: what the device last reported (never a commanded value), else the schema's default. */
function startValue(f: Field, reported: Record<string, unknown> | undefined): string | boolean {
  const r = reported?.[f.key];
  if (f.kind === 'boolean') return typeof r === 'boolean' ? r : f.default === true;
  if (f.kind === 'number' && f.minutes) return typeof f.default === 'number' ? String(f.default / 60) : '';
  if (typeof r === 'number' || typeof r === 'string') return String(r);
  if (typeof f.default === 'number' || typeof f.default === 'string') return String(f.default);
  return f.kind === 'enum' && f.required ? (f.values[0] ?? '') : '';
}

// ------------------------------------------------------------------ the form

export interface CommandFormProps {
  command: CommandInfo;
  capabilities: readonly Capability[];
  /** Makes the inputs' ids unique on the page (e.g. the device id). */
  idPrefix: string;
  /** What the device last reported, keyed like the parameters: where the inputs start. */
  reported?: Record<string, unknown>;
  /** The request is in flight: the button waits. */
  busy?: boolean;
  /** The server's answer to the last send (a refusal), marking the inputs it names. */
  message?: MessageFn | undefined;
  onSubmit: (params: Params) => void;
}

export function CommandForm({ command, capabilities, idPrefix, reported, busy = false, message, onSubmit }: CommandFormProps) {
  const plan = useMemo(() => planCommand(command, capabilities), [command, capabilities]);
  // Where each input starts is read once: a live report does not overwrite what is being typed.
  const draft = useSignal<Draft>(Object.fromEntries((plan?.fields ?? []).map((f) => [f.key, startValue(f, reported)])));
  const bad = useSignal<Set<string>>(new Set()); // inputs the browser could not read as a number
  const problems = useSignal<{ key: string; problem: Problem }[]>([]);
  const edited = useSignal<Set<string>>(new Set());
  useEffect(() => void (edited.value = new Set()), [message]);
  if (!plan) return null;
  const { action, fields } = plan;
  const testid = (f: Field) => `cmd-${action}-${f.key}`;
  const id = (f: Field) => `f-${idPrefix}-${action}-${f.key}`;

  const local: MessageFn | undefined = problems.value.length
    ? (): Message => ({
        kind: 'error',
        title: t('badRequest'),
        lines: problems.value.map((p) => `${paramLabel(capabilities, p.key)}: ${problemText(fields.find((f) => f.key === p.key)!, p.problem)}`),
        fields: problems.value.map((p) => p.key),
      })
    : undefined;
  const shown = local ?? message;
  const problemOf = (f: Field) => (edited.value.has(f.key) ? undefined : problems.value.find((p) => p.key === f.key));
  const isInvalid = (f: Field) => (!edited.value.has(f.key) && invalid(shown, f.key)) || undefined;

  const set = (f: Field, v: string | boolean, badInput = false) => {
    draft.value = { ...draft.value, [f.key]: v };
    const b = new Set(bad.value);
    if (badInput) b.add(f.key);
    else b.delete(f.key);
    bad.value = b;
    if (!edited.value.has(f.key)) edited.value = new Set([...edited.value, f.key]);
  };

  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const params: Params = {};
    const found: { key: string; problem: Problem }[] = [];
    for (const f of fields) {
      const r = readField(f, draft.value[f.key] ?? '', bad.value.has(f.key));
      if (r.problem) found.push({ key: f.key, problem: r.problem });
      else if (r.value !== undefined) params[f.key] = r.value;
    }
    problems.value = found;
    edited.value = new Set();
    if (found.length === 0) onSubmit(params);
  };

  const button = (
    <button type="submit" class="btn" data-testid={`cmd-${action}`} disabled={busy} aria-busy={busy}>
      {actionLabel(action)}
    </button>
  );
  const box = <Msg msg={shown} testid={`cmd-error-${action}`} />;
  if (fields.length === 0) {
    return (
      <form class="cmd-form bare" noValidate data-testid={`cmd-form-${action}`} data-action={action} onSubmit={submit}>
        {button}
        {box}
      </form>
    );
  }

  const hints = fields.flatMap((f) => {
    if (f.kind !== 'number') return [];
    const b = shownBounds(f);
    if (b.min === undefined || b.max === undefined) return [];
    const d = f.minutes ? 0 : decimals(f.step);
    return [
      <small key={f.key} id={`${id(f)}-hint`} class="hint">
        {t('range', { min: fmtNum(b.min, d), max: fmtNum(b.max, d), unit: b.unit }).trim()}
      </small>,
    ];
  });

  return (
    <form class="cmd-form" noValidate data-testid={`cmd-form-${action}`} data-action={action} onSubmit={submit}>
      <div class="fields">
        {fields.map((f) => {
          const p = problemOf(f);
          const msgId = `${id(f)}-msg`;
          const fieldMsg = p ? (
            <small id={msgId} class="field-msg" data-testid={`${testid(f)}-msg`}>
              {problemText(f, p.problem)}
            </small>
          ) : null;
          const common = { id: id(f), name: f.key, 'data-param': f.key, 'data-testid': testid(f), 'aria-invalid': isInvalid(f) };
          if (f.kind === 'boolean') {
            return (
              <div key={f.key} class="field check" data-param={f.key}>
                <input {...common} type="checkbox" checked={draft.value[f.key] === true} onInput={(e) => set(f, e.currentTarget.checked)} />
                <label for={id(f)}>{fieldLabel(f)}</label>
                {fieldMsg}
              </div>
            );
          }
          if (f.kind === 'enum') {
            return (
              <div key={f.key} class="field" data-param={f.key}>
                <label for={id(f)}>{fieldLabel(f)}</label>
                <select {...common} required={f.required} aria-describedby={p ? msgId : undefined} value={String(draft.value[f.key] ?? '')} onInput={(e) => set(f, e.currentTarget.value)}>
                  {f.required ? null : <option value="">{t('optional')}</option>}
                  {f.values.map((v) => (
                    <option key={v} value={v}>
                      {valueLabel(f.key, v) ?? v}
                    </option>
                  ))}
                </select>
                {fieldMsg}
              </div>
            );
          }
          const b = shownBounds(f);
          const hinted = b.min !== undefined && b.max !== undefined;
          const describedBy = [hinted ? `${id(f)}-hint` : '', p ? msgId : ''].filter(Boolean).join(' ') || undefined;
          const value = String(draft.value[f.key] ?? '');
          const input = (
            <input
              {...common}
              type="number"
              required={f.required}
              inputMode={f.minutes || !f.integer ? 'decimal' : 'numeric'}
              min={b.min}
              max={b.max}
              step={f.minutes ? 'any' : (f.step ?? 'any')}
              value={value}
              aria-describedby={describedBy}
              onInput={(e) => set(f, e.currentTarget.value, e.currentTarget.validity?.badInput === true)}
            />
          );
          return (
            <div key={f.key} class="field" data-param={f.key}>
              <label for={id(f)}>{fieldLabel(f)}</label>
              {f.slider ? (
                <div class="slider">
                  <input
                    type="range"
                    min={b.min}
                    max={b.max}
                    step={f.step ?? 'any'}
                    value={value === '' || Number.isNaN(Number(value)) ? undefined : value}
                    aria-label={paramLabel(capabilities, f.key)}
                    data-testid={`${testid(f)}-range`}
                    onInput={(e) => set(f, e.currentTarget.value)}
                  />
                  {input}
                </div>
              ) : (
                input
              )}
              {fieldMsg}
            </div>
          );
        })}
        <div class="field submit">{button}</div>
        {hints}
      </div>
      {box}
    </form>
  );
}
