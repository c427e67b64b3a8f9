// The program editor shared by irrigation and lighting: name and id (the id follows the name
// until typed), when the program is on (a calendar and start times, for irrigation), and an
// ordered list of steps whose row the page draws (a zone and minutes; a time and a light level).
// Everything typed stays as typed (strings) until the page turns it into the request body, so a
// refusal marks the inputs it names and the reader corrects them in place.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Program } from '../../../../controller/api/contract/irrigation.js';
import { t, type Key } from '../lib/i18n.js';
import { slug } from '../lib/format.js';
import { invalid, Msg, refusal, type MessageFn } from './Msg.js';

// ---------------------------------------------------------------- times of day

export type WhenKind = 'at' | 'sunrise' | 'sunset';

/** A time of day as typed: a fixed HH:MM, or sunrise/sunset with an offset in minutes. */
export interface WhenDraft {
  kind: WhenKind;
  at: string;
  offset: string;
}

/** A time of day as the API has it (irrigation starts, lighting steps). */
export type WhenApi = { at: string } | { astro: 'sunrise' | 'sunset'; offsetMin: number };

/** Blank is undefined; anything else is the number typed (NaN goes to the server as null, which refuses it by path). */
export const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

export function whenDraft(w: { at?: string; astro?: 'sunrise' | 'sunset'; offsetMin?: number }, fallbackAt = '06:00'): WhenDraft {
  if (w.astro) return { kind: w.astro, at: fallbackAt, offset: String(w.offsetMin ?? 0) };
  return { kind: 'at', at: w.at ?? fallbackAt, offset: '0' };
}

export function whenBody(w: WhenDraft): WhenApi {
  return w.kind === 'at' ? { at: w.at } : { astro: w.kind, offsetMin: num(w.offset) ?? 0 };
}

export interface WhenFieldsProps {
  /** Element ids: `${idBase}-kind-${index}`, `-at-`, `-offset-`. */
  idBase: string;
  /** Test ids: `${testBase}-kind-${index}`, `-at-`, `-offset-`. */
  testBase: string;
  index: number;
  value: WhenDraft;
  onChange: (w: WhenDraft) => void;
  /** The kinds in the order offered (irrigation puts sunrise first, lighting sunset). */
  kinds: readonly WhenKind[];
  words: { label: string; kind: (k: WhenKind) => string; time: string; offset: string };
  /** The offset's bound either side, in minutes. */
  maxOffset: number;
  /** aria-invalid of the time (`at`) and the offset (`offsetMin`) inputs, and the kind. */
  invalid: (field: '' | 'at' | 'offsetMin') => true | undefined;
}

/** A fixed time or one relative to sunrise or sunset, as a kind select and its one input. */
export function WhenFields(p: WhenFieldsProps) {
  const { idBase, testBase, index: i, value: w } = p;
  return (
    <>
      <div class="field">
        <label for={`${idBase}-kind-${i}`}>{p.words.label}</label>
        <select
          id={`${idBase}-kind-${i}`}
          data-testid={`${testBase}-kind-${i}`}
          value={w.kind}
          aria-invalid={p.invalid('')}
          onChange={(e) => p.onChange({ ...w, kind: e.currentTarget.value as WhenKind })}
        >
          {p.kinds.map((k) => (
            <option key={k} value={k}>
              {p.words.kind(k)}
            </option>
          ))}
        </select>
      </div>
      {w.kind === 'at' ? (
        <div class="field">
          <label for={`${idBase}-at-${i}`}>{p.words.time}</label>
          <input
            id={`${idBase}-at-${i}`}
            type="time"
            value={w.at}
            data-testid={`${testBase}-at-${i}`}
            aria-invalid={p.invalid('at')}
            onInput={(e) => p.onChange({ ...w, at: e.currentTarget.value })}
          />
        </div>
      ) : (
        <div class="field">
          <label for={`${idBase}-offset-${i}`}>{p.words.offset}</label>
          <input
            id={`${idBase}-offset-${i}`}
            type="number"
            inputMode="numeric"
            min={-p.maxOffset}
            max={p.maxOffset}
            step={1}
            value={w.offset}
            data-testid={`${testBase}-offset-${i}`}
            aria-invalid={p.invalid('offsetMin')}
            onInput={(e) => p.onChange({ ...w, offset: e.currentTarget.value })}
          />
        </div>
      )}
    </>
  );
}

// ---------------------------------------------------------------- calendars

export type Calendar = Program['calendar'];
export type CalendarKind = Calendar['kind'];

/** A calendar as typed: every kind's fields are kept, so switching kind and back loses nothing. */
export interface CalendarDraft {
  kind: CalendarKind;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  everyDays: string;
  from: string;
  date: string;
}

export function calendarDraft(c: Calendar | undefined, today: string): CalendarDraft {
  return {
    kind: c?.kind ?? 'weekly',
    days: c?.kind === 'weekly' ? [...c.days] : [1, 2, 3, 4, 5, 6, 7],
    everyDays: c?.kind === 'interval' ? String(c.everyDays) : '2',
    from: c?.kind === 'interval' ? c.from : today,
    date: c?.kind === 'once' ? c.date : today,
  };
}

/** The calendar to send; a number left blank goes as NaN (null in JSON), for the server to refuse by its path. */
export function calendarBody(d: CalendarDraft): Calendar {
  if (d.kind === 'weekly') return { kind: 'weekly', days: [...d.days].sort((a, b) => a - b) };
  if (d.kind === 'interval') return { kind: 'interval', everyDays: num(d.everyDays) ?? Number.NaN, from: d.from };
  return { kind: 'once', date: d.date };
}

const CAL_KINDS: readonly CalendarKind[] = ['weekly', 'interval', 'once'];
const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

function CalendarFields({ d, set, bad }: { d: CalendarDraft; set: (c: CalendarDraft) => void; bad: (path: string) => true | undefined }) {
  return (
    <fieldset class="fs">
      <legend>{t('irr.form.calendar')}</legend>
      <div class="field">
        <label for="pf-kind">{t('irr.form.kind')}</label>
        <select id="pf-kind" data-testid="program-kind" value={d.kind} aria-invalid={bad('calendar.kind')} onChange={(e) => set({ ...d, kind: e.currentTarget.value as CalendarKind })}>
          {CAL_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`irr.form.kind.${k}`)}
            </option>
          ))}
        </select>
      </div>
      {d.kind === 'weekly' ? (
        <fieldset class="days" aria-invalid={bad('calendar.days')}>
          <legend>{t('irr.form.cal.days')}</legend>
          {DAYS.map((i) => (
            <span class="day" key={i}>
              <input
                id={`pf-day-${i}`}
                type="checkbox"
                value={i}
                data-testid={`program-day-${i}`}
                checked={d.days.includes(i)}
                onChange={(e) => set({ ...d, days: e.currentTarget.checked ? [...new Set([...d.days, i])].sort((a, b) => a - b) : d.days.filter((x) => x !== i) })}
              />
              <label for={`pf-day-${i}`} title={t(`irr.dayLong.${i}`)}>
                {t(`irr.day.${i}`)}
              </label>
            </span>
          ))}
        </fieldset>
      ) : d.kind === 'interval' ? (
        <>
          <div class="field">
            <label for="pf-every">{t('irr.form.cal.everyDays')}</label>
            <input
              id="pf-every"
              type="number"
              inputMode="numeric"
              min={1}
              max={60}
              step={1}
              value={d.everyDays}
              data-testid="program-every-days"
              aria-invalid={bad('calendar.everyDays')}
              onInput={(e) => set({ ...d, everyDays: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="pf-from">{t('irr.form.cal.from')}</label>
            <input id="pf-from" type="date" value={d.from} data-testid="program-from" aria-invalid={bad('calendar.from')} onInput={(e) => set({ ...d, from: e.currentTarget.value })} />
          </div>
        </>
      ) : (
        <div class="field">
          <label for="pf-date">{t('irr.form.cal.date')}</label>
          <input id="pf-date" type="date" value={d.date} data-testid="program-date" aria-invalid={bad('calendar.date')} onInput={(e) => set({ ...d, date: e.currentTarget.value })} />
        </div>
      )}
    </fieldset>
  );
}

// ---------------------------------------------------------------- the editor

/**
 * A program as typed. `enabled`, `calendar` and `starts` are there only for programs that have
 * them (irrigation); the editor shows a part when the draft has it. `more` is the page's own
 * fields (irrigation's water level and weather), drawn by `extra`.
 */
export interface ProgramDraft<S, X = undefined> {
  id: string;
  name: string;
  enabled?: boolean;
  calendar?: CalendarDraft;
  starts?: WhenDraft[];
  steps: S[];
  more: X;
}

/** The page's words (`irr.form.*`, `lit.form.*`); those with {n} get the step's number or the maximum. */
export interface EditorWords {
  create: Key;
  editTitle: Key;
  name: Key;
  id: Key;
  idHint: Key;
  idFixed: Key;
  idMissing: Key;
  idTaken: Key;
  steps: Key;
  stepsHint: Key;
  addStep: Key;
  moveUp: Key;
  moveDown: Key;
  removeStep: Key;
  remove: Key;
  save: Key;
  cancel: Key;
  /** The name, id and enabled box in a titled fieldset (irrigation) rather than a plain block. */
  basics?: Key;
  /** The delete button, when the page passes `onDelete`. */
  delete?: Key;
}

/** aria-invalid for a path under the row or part (`zone`, `level`, `at` …); '' is the row itself. */
export type Bad = (path: string) => true | undefined;

export interface StepRowProps<S> {
  step: S;
  index: number;
  set: (s: S) => void;
  invalid: Bad;
}

/** A check of the page's own, as a path and words that follow the language. */
export interface LocalIssue {
  path: string;
  text: () => string;
}

export interface ProgramEditorProps<S, X = undefined> {
  mode: 'create' | 'edit';
  initial: ProgramDraft<S, X>;
  words: EditorWords;
  /** Ids of the existing programs: a new program may not take one. */
  takenIds: readonly string[];
  steps: {
    max: number;
    /** The new step "Add a step" appends (a copy of the last, say). */
    add: (steps: readonly S[]) => S;
    /**
     * The fields of step i; the editor draws the number before them and up/down/remove after.
     * Called as a function (not mounted as a component), so the page may close over its data.
     */
    render: (p: StepRowProps<S>) => ComponentChildren;
    /** The id of step i's first input, focused after adding or moving it. */
    focusId: (i: number) => string;
  };
  /** Irrigation's start times: at most `max`. */
  starts?: { max: number };
  /** The page's own fieldsets after the steps, on `draft.more`. */
  extra?: (more: X, set: (x: X) => void, invalid: Bad) => ComponentChildren;
  /** Checks before sending, beyond the id's (which the editor makes). */
  validate?: (d: ProgramDraft<S, X>) => LocalIssue[];
  /** Words for an API path ("steps.0.durationS") in a refusal. */
  label: (path: string) => string;
  /** Sends the program; a throw (ApiError) is shown in the form with the inputs it names. */
  onSave: (id: string, d: ProgramDraft<S, X>) => Promise<void>;
  onCancel: () => void;
  onDelete?: () => void | Promise<void>;
}

const START_KINDS: readonly WhenKind[] = ['at', 'sunrise', 'sunset'];

function localError(issues: LocalIssue[], label: (path: string) => string): MessageFn {
  return () => ({ kind: 'error', title: t('badRequest'), lines: issues.map((i) => `${label(i.path)}: ${i.text()}`), fields: issues.map((i) => i.path) });
}

function move<T>(list: readonly T[], i: number, j: number): T[] {
  const out = [...list];
  [out[i], out[j]] = [out[j] as T, out[i] as T];
  return out;
}

export function ProgramEditor<S, X = undefined>(p: ProgramEditorProps<S, X>) {
  const { words: w, mode } = p;
  const [d, setD] = useState<ProgramDraft<S, X>>(p.initial);
  const [idTouched, setIdTouched] = useState(mode === 'edit');
  const [msg, setMsg] = useState<MessageFn | null>(null);
  const [busy, setBusy] = useState(false);
  const focusNext = useRef<string | null>(null);
  const head = useRef<HTMLHeadingElement>(null);
  const errBox = useRef<HTMLDivElement>(null);

  useEffect(() => head.current?.focus(), []);
  // After adding, moving or removing, focus goes where the reader's attention is.
  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  });

  const patch = (x: Partial<ProgramDraft<S, X>>) => setD((cur) => ({ ...cur, ...x }));
  const bad = (path: string) => invalid(msg, path);
  const sub = (base: string) => (path: string) => bad(path ? `${base}.${path}` : base);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const id = d.id.trim();
    const issues: LocalIssue[] = [];
    if (!id) issues.push({ path: 'id', text: () => t(w.idMissing) });
    else if (mode === 'create' && p.takenIds.includes(id)) issues.push({ path: 'id', text: () => t(w.idTaken, { id }) });
    issues.push(...(p.validate?.(d) ?? []));
    if (issues.length) {
      setMsg(() => localError(issues, p.label));
      return;
    }
    setBusy(true);
    setMsg(null);
    try {
      await p.onSave(id, d);
    } catch (err) {
      setMsg(() => refusal(err, { label: p.label }));
      requestAnimationFrame(() => errBox.current?.scrollIntoView?.({ block: 'nearest' }));
    } finally {
      setBusy(false);
    }
  };

  const nameId = (
    <>
      <div class="field grow">
        <label for="pf-name">{t(w.name)}</label>
        <input
          id="pf-name"
          type="text"
          value={d.name}
          autocomplete="off"
          data-testid="program-name"
          aria-invalid={bad('name')}
          onInput={(e) => {
            const name = e.currentTarget.value;
            patch(mode === 'create' && !idTouched ? { name, id: slug(name) } : { name });
          }}
        />
      </div>
      <div class="field grow">
        <label for="pf-id">{t(w.id)}</label>
        <input
          id="pf-id"
          type="text"
          value={d.id}
          autocomplete="off"
          spellcheck={false}
          readOnly={mode === 'edit'}
          data-testid="program-id"
          aria-describedby="pf-id-hint"
          aria-invalid={bad('id')}
          onInput={(e) => {
            setIdTouched(true);
            patch({ id: e.currentTarget.value });
          }}
        />
        <small id="pf-id-hint" class="hint">
          {t(mode === 'create' ? w.idHint : w.idFixed)}
        </small>
      </div>
      {d.enabled !== undefined ? (
        <div class="field check">
          <input id="pf-enabled" type="checkbox" data-testid="program-enabled-input" checked={d.enabled} onChange={(e) => patch({ enabled: e.currentTarget.checked })} />
          <label for="pf-enabled">{t('irr.form.enabled')}</label>
        </div>
      ) : null}
    </>
  );

  const starts = d.starts;
  const maxStarts = p.starts?.max ?? 4;

  return (
    <form class="program-form" novalidate data-testid="program-form" aria-labelledby="program-form-h" onSubmit={submit}>
      <h3 id="program-form-h" tabIndex={-1} ref={head}>
        {mode === 'create' ? t(w.create) : t(w.editTitle, { name: d.name })}
      </h3>
      {w.basics ? (
        <fieldset class="fs">
          <legend>{t(w.basics)}</legend>
          {nameId}
        </fieldset>
      ) : (
        <div class="fs plain">{nameId}</div>
      )}

      {d.calendar ? <CalendarFields d={d.calendar} set={(calendar) => patch({ calendar })} bad={bad} /> : null}

      {starts ? (
        <fieldset class="fs">
          <legend>{t('irr.form.starts')}</legend>
          {starts.map((s, i) => (
            <div class="row" data-testid="program-start" key={i}>
              <WhenFields
                idBase="pf-start"
                testBase="program-start"
                index={i}
                value={s}
                kinds={START_KINDS}
                maxOffset={240}
                words={{ label: t('irr.form.startN', { n: i + 1 }), kind: (k) => t(`irr.form.startKind.${k}`), time: t('irr.form.time'), offset: t('irr.form.offset') }}
                invalid={sub(`starts.${i}`)}
                onChange={(x) => patch({ starts: starts.map((y, j) => (j === i ? x : y)) })}
              />
              <div class="field submit">
                <button
                  type="button"
                  class="btn btn-light btn-small"
                  aria-label={t('irr.form.removeStart', { n: i + 1 })}
                  disabled={starts.length <= 1}
                  onClick={() => {
                    focusNext.current = 'pf-add-start';
                    patch({ starts: starts.filter((_, j) => j !== i) });
                  }}
                >
                  {t('irr.form.remove')}
                </button>
              </div>
            </div>
          ))}
          <div class="btn-row">
            <button
              id="pf-add-start"
              type="button"
              class="btn btn-light btn-small"
              data-testid="program-add-start"
              disabled={starts.length >= maxStarts}
              onClick={() => {
                focusNext.current = `pf-start-kind-${starts.length}`;
                patch({ starts: [...starts, { kind: 'at', at: '17:00', offset: '0' }] });
              }}
            >
              {t('irr.form.addStart')}
            </button>
          </div>
          <small class="hint">{t('irr.form.startsHint', { n: maxStarts })}</small>
        </fieldset>
      ) : null}

      <fieldset class="fs">
        <legend>{t(w.steps)}</legend>
        {d.steps.map((s, i) => {
          const n = i + 1;
          const to = (j: number) => {
            focusNext.current = p.steps.focusId(j);
            patch({ steps: move(d.steps, i, j) });
          };
          return (
            <div class="row" data-testid="program-step" key={i}>
              <span class="step-n" aria-hidden="true">
                {n}.
              </span>
              {p.steps.render({ step: s, index: i, set: (x) => patch({ steps: d.steps.map((y, j) => (j === i ? x : y)) }), invalid: sub(`steps.${i}`) })}
              <div class="step-tools">
                <button type="button" class="btn btn-light btn-small" aria-label={t(w.moveUp, { n })} title={t(w.moveUp, { n })} disabled={i === 0} onClick={() => to(i - 1)}>
                  ↑
                </button>
                <button
                  type="button"
                  class="btn btn-light btn-small"
                  aria-label={t(w.moveDown, { n })}
                  title={t(w.moveDown, { n })}
                  disabled={i === d.steps.length - 1}
                  onClick={() => to(i + 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  class="btn btn-light btn-small"
                  aria-label={t(w.removeStep, { n })}
                  disabled={d.steps.length <= 1}
                  onClick={() => {
                    focusNext.current = 'pf-add-step';
                    patch({ steps: d.steps.filter((_, j) => j !== i) });
                  }}
                >
                  {t(w.remove)}
                </button>
              </div>
            </div>
          );
        })}
        <div class="btn-row">
          <button
            id="pf-add-step"
            type="button"
            class="btn btn-light btn-small"
            data-testid="program-add-step"
            disabled={d.steps.length >= p.steps.max}
            onClick={() => {
              focusNext.current = p.steps.focusId(d.steps.length);
              patch({ steps: [...d.steps, p.steps.add(d.steps)] });
            }}
          >
            {t(w.addStep)}
          </button>
        </div>
        <small class="hint">{t(w.stepsHint, { n: p.steps.max })}</small>
      </fieldset>

      {p.extra?.(d.more, (more) => patch({ more }), bad)}

      <div ref={errBox}>
        <Msg msg={msg} testid="program-error" />
      </div>
      <div class="btn-row">
        <button type="submit" class="btn" data-testid="program-save" disabled={busy}>
          {t(w.save)}
        </button>
        <button type="button" class="btn btn-light" data-testid="program-cancel" onClick={p.onCancel}>
          {t(w.cancel)}
        </button>
        {p.onDelete && mode === 'edit' && w.delete ? (
          <button type="button" class="btn btn-danger" data-testid="program-form-delete" onClick={() => void p.onDelete?.()}>
            {t(w.delete)}
          </button>
        ) : null}
      </div>
    </form>
  );
}
