// Each group's calendar: ordered rules (days of the week, a date range, a lunar date) naming a
// program, and the program for any other night; and its editor. A date is typed day/month as the
// reader writes it and sent as the API's MM-DD; one that does not exist is sent as typed, so the
// server's refusal names it and the form keeps it.
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { invalid, Msg, refusal, type MessageFn } from '../../components/Msg.js';
import { ApiError } from '../../lib/http.js';
import { t, type Key } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { lightingApi, type CalendarBody, type Group, type Rule } from './api.js';
import { localError } from './note.js';
import { RowTools, swapped } from './RowTools.js';
import { groupName, groups, programName, programs } from './store.js';
import { dayFromApi, dayToApi, pathLabel, ruleWhen } from './words.js';

const MAX_RULES = 64;
const OK_SHOWN_MS = 8000;

type Kind = Rule['kind'];
interface RuleDraft {
  /** Stable across moves, so each row keeps its inputs. */
  key: number;
  kind: Kind;
  days: number[];
  from: string;
  to: string;
  month: string;
  day: string;
  nights: string;
  program: string;
}
interface Draft {
  group: string;
  rules: RuleDraft[];
  def: string;
}

let nextKey = 1;
function ruleDraft(r?: Rule): RuleDraft {
  const base: RuleDraft = { key: nextKey++, kind: 'weekdays', days: [6, 7], from: '', to: '', month: '1', day: '1', nights: '3', program: programs.value[0]?.id ?? '' };
  if (!r) return base;
  if (r.kind === 'weekdays') return { ...base, kind: r.kind, days: [...r.days], program: r.program };
  if (r.kind === 'dates') return { ...base, kind: r.kind, from: dayFromApi(r.from), to: dayFromApi(r.to), program: r.program };
  return { ...base, kind: 'lunar', month: String(r.month), day: String(r.day), nights: String(r.days), program: r.program };
}

type RuleBody = NonNullable<CalendarBody['rules']>[number];

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** The body as typed. What the form cannot turn into a number is sent as NaN → null, and refused. */
function calendarBody(d: Draft): CalendarBody {
  return {
    rules: d.rules.map((r): RuleBody => {
      if (r.kind === 'weekdays') return { kind: 'weekdays', days: [...r.days].sort((a, b) => a - b), program: r.program };
      if (r.kind === 'dates') return { kind: 'dates', from: dayToApi(r.from), to: dayToApi(r.to), program: r.program };
      return { kind: 'lunar', month: num(r.month) ?? Number.NaN, day: num(r.day) ?? Number.NaN, days: num(r.nights) ?? 1, program: r.program };
    }),
    default: d.def,
  };
}

const editor = signal<Draft | undefined>(undefined);
const listMsg = signal<MessageFn | undefined>(undefined);

function showListMsg(fn: MessageFn | undefined, ok = false): void {
  listMsg.value = fn;
  if (ok) setTimeout(() => listMsg.value === fn && (listMsg.value = undefined), OK_SHOWN_MS);
}

function open(g: Group): void {
  const first = programs.value[0];
  if (!first) return showListMsg(localError(() => t('lit.cal.needProgram')));
  showListMsg(undefined);
  editor.value = { group: g.id, rules: (g.calendar?.rules ?? []).map(ruleDraft), def: g.calendar?.default ?? first.id };
}

export function Calendars() {
  const control = can('lighting.control');
  return (
    <section id="calendars" class="panel" aria-labelledby="calendars-h">
      <h2 id="calendars-h">{t('lit.calendars')}</h2>
      <ul id="calendar-list" class="programs" data-testid="calendar-list">
        {groups.value.length ? (
          groups.value.map((g) => {
            const c = g.calendar;
            return (
              <li key={g.id} class="program" data-calendar-group={g.id}>
                <div class="program-head">
                  <h3 class="dev-name">{g.name}</h3>
                </div>
                {c ? (
                  <ol class="rules">
                    {c.rules.map((r, i) => (
                      <li key={i} data-kind={r.kind}>
                        {t('lit.cal.rule', { when: ruleWhen(r), program: programName(r.program) })}
                      </li>
                    ))}
                    <li class="rule-default">{t('lit.cal.otherNights', { name: programName(c.default) })}</li>
                  </ol>
                ) : (
                  <p class="note">{t('lit.cal.none')}</p>
                )}
                {control ? (
                  <div class="btn-row">
                    <button type="button" class="btn btn-light btn-small" data-testid="calendar-edit" onClick={() => open(g)}>
                      {c ? t('lit.cal.edit') : t('lit.cal.create')}
                    </button>
                  </div>
                ) : null}
              </li>
            );
          })
        ) : (
          <li class="empty">{t('lit.noGroups')}</li>
        )}
      </ul>
      <Msg id="calendar-list-error" testid="calendar-list-error" msg={listMsg.value} />
      <div id="calendar-editor">{editor.value ? <CalendarForm key={editor.value.group} draft={editor.value} /> : null}</div>
    </section>
  );
}

function ProgramSelect({ id, value, testid, bad, onChange }: { id: string; value: string; testid: string; bad?: true; onChange: (v: string) => void }) {
  const ps = programs.value;
  return (
    <select id={id} data-testid={testid} value={value} aria-invalid={bad} onChange={(e) => onChange(e.currentTarget.value)}>
      {ps.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
      {value && !ps.some((p) => p.id === value) ? <option value={value}>{value}</option> : null}
    </select>
  );
}

/** Only an issue at exactly this path (a select standing for the whole rule). */
const exactly = (msg: MessageFn | undefined, path: string): true | undefined => msg?.().fields?.includes(path) || undefined;

function CalendarForm({ draft }: { draft: Draft }) {
  const error = useSignal<MessageFn | undefined>(undefined);
  const busy = useSignal(false);
  const focusNext = useRef<string | undefined>('#calendar-form-h');
  useEffect(() => {
    if (!focusNext.current) return;
    document.querySelector<HTMLElement>(focusNext.current)?.focus();
    focusNext.current = undefined;
  });
  const d = draft;
  const update = (next: Partial<Draft>, focus?: string) => {
    focusNext.current = focus;
    editor.value = { ...d, ...next };
  };
  const setRule = (i: number, patch: Partial<RuleDraft>, focus?: string) => update({ rules: d.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) }, focus);
  const close = () => {
    editor.value = undefined;
  };
  const msg = error.value;

  const save = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    try {
      const cal = await lightingApi.putCalendar(d.group, calendarBody(d));
      const name = groupName(d.group);
      groups.value = groups.value.map((g) => (g.id === d.group ? { ...g, calendar: cal } : g));
      close();
      showListMsg(() => ({ kind: 'ok', title: t('lit.cal.saved', { name }) }), true);
    } catch (err) {
      // The server speaks of MM-DD; the reader typed day/month: say again how to write a date.
      const dateIssue = err instanceof ApiError && (err.body.issues ?? []).some((i) => /^(body\.)?rules\.\d+\.(from|to)$/.test(i.path));
      const base = refusal(err, { label: pathLabel });
      error.value = () => {
        const m = base();
        return dateIssue ? { ...m, lines: [...(m.lines ?? []), t('lit.cal.dateHint')] } : m;
      };
      busy.value = false;
      requestAnimationFrame(() => document.querySelector('[data-testid="calendar-error"]')?.scrollIntoView({ block: 'nearest' }));
    }
  };

  return (
    <form class="program-form" noValidate data-testid="calendar-form" data-group={d.group} aria-labelledby="calendar-form-h" onSubmit={save}>
      <h3 id="calendar-form-h" tabIndex={-1}>
        {t('lit.cal.title', { name: groupName(d.group) })}
      </h3>
      <fieldset class="fs">
        <legend>{t('lit.cal.rules')}</legend>
        {d.rules.map((r, i) => {
          const n = i + 1;
          const p = `rules.${i}`;
          return (
            <div key={r.key} class="row" data-testid="calendar-rule">
              <span class="step-n" aria-hidden="true">{`${n}.`}</span>
              <div class="field">
                <label for={`cf-kind-${i}`}>{t('lit.cal.ruleKind', { n })}</label>
                <select id={`cf-kind-${i}`} data-testid={`calendar-rule-kind-${i}`} value={r.kind} aria-invalid={exactly(msg, p)} onChange={(e) => setRule(i, { kind: e.currentTarget.value as Kind }, `#cf-kind-${i}`)}>
                  {(['weekdays', 'dates', 'lunar'] as const).map((k) => (
                    <option key={k} value={k}>
                      {t(`lit.cal.kind.${k}`)}
                    </option>
                  ))}
                </select>
              </div>
              {r.kind === 'weekdays' ? (
                <fieldset class="days" aria-invalid={invalid(msg, `${p}.days`)}>
                  <legend>{t('lit.cal.days')}</legend>
                  {[1, 2, 3, 4, 5, 6, 7].map((x) => (
                    <span key={x} class="day">
                      <input
                        id={`cf-day-${i}-${x}`}
                        type="checkbox"
                        value={x}
                        data-testid={`calendar-rule-day-${i}-${x}`}
                        checked={r.days.includes(x)}
                        onChange={(e) => setRule(i, { days: e.currentTarget.checked ? [...new Set([...r.days, x])].sort((a, b) => a - b) : r.days.filter((y) => y !== x) })}
                      />
                      <label for={`cf-day-${i}-${x}`} title={t(`irr.dayLong.${x}` as Key)}>
                        {t(`irr.day.${x}` as Key)}
                      </label>
                    </span>
                  ))}
                </fieldset>
              ) : r.kind === 'dates' ? (
                <>
                  {(['from', 'to'] as const).map((k) => (
                    <div key={k} class="field">
                      <label for={`cf-${k}-${i}`}>{t(`lit.cal.${k}`)}</label>
                      <input
                        id={`cf-${k}-${i}`}
                        type="text"
                        inputMode="numeric"
                        placeholder={k === 'from' ? '30/04' : '01/05'}
                        size={10}
                        value={r[k]}
                        data-testid={`calendar-rule-${k}-${i}`}
                        aria-describedby={`cf-date-hint-${i}`}
                        aria-invalid={invalid(msg, `${p}.${k}`)}
                        onInput={(e) => setRule(i, { [k]: e.currentTarget.value })}
                      />
                    </div>
                  ))}
                  <small id={`cf-date-hint-${i}`} class="hint">
                    {t('lit.cal.dateHint')}
                  </small>
                </>
              ) : (
                (
                  [
                    ['day', 'lit.cal.lunarDay', 30, 'day'],
                    ['month', 'lit.cal.lunarMonth', 12, 'month'],
                    ['nights', 'lit.cal.lunarDays', 15, 'days'],
                  ] as const
                ).map(([k, label, max, path]) => (
                  <div key={k} class="field">
                    <label for={`cf-${k}-${i}`}>{t(label)}</label>
                    <input
                      id={`cf-${k}-${i}`}
                      type="number"
                      inputMode="numeric"
                      min={1}
                      max={max}
                      step={1}
                      value={r[k]}
                      data-testid={`calendar-rule-${k}-${i}`}
                      aria-invalid={invalid(msg, `${p}.${path}`)}
                      onInput={(e) => setRule(i, { [k]: e.currentTarget.value })}
                    />
                  </div>
                ))
              )}
              <div class="field">
                <label for={`cf-program-${i}`}>{t('lit.cal.program')}</label>
                <ProgramSelect id={`cf-program-${i}`} testid={`calendar-rule-program-${i}`} value={r.program} bad={invalid(msg, `${p}.program`)} onChange={(v) => setRule(i, { program: v })} />
              </div>
              <RowTools
                i={i}
                count={d.rules.length}
                min={0}
                labels={{ up: t('lit.cal.moveUp', { n }), down: t('lit.cal.moveDown', { n }), remove: t('lit.cal.removeRule', { n }) }}
                move={(a, b) => update({ rules: swapped(d.rules, a, b) }, `#cf-kind-${b}`)}
                remove={(j) => update({ rules: d.rules.filter((_, k) => k !== j) }, '#cf-add-rule')}
              />
            </div>
          );
        })}
        <div class="btn-row">
          <button id="cf-add-rule" type="button" class="btn btn-light btn-small" data-testid="calendar-add-rule" disabled={d.rules.length >= MAX_RULES} onClick={() => update({ rules: [...d.rules, ruleDraft()] }, `#cf-kind-${d.rules.length}`)}>
            {t('lit.cal.addRule')}
          </button>
        </div>
        <small class="hint">{t('lit.cal.hint')}</small>
      </fieldset>
      <div class="fs plain">
        <div class="field">
          <label for="cf-default">{t('lit.cal.default')}</label>
          <ProgramSelect id="cf-default" testid="calendar-default" value={d.def} bad={invalid(msg, 'default')} onChange={(v) => update({ def: v })} />
        </div>
      </div>
      <Msg msg={msg} testid="calendar-error" />
      <div class="btn-row">
        <button type="submit" class="btn" data-testid="calendar-save" disabled={busy.value}>
          {t('lit.cal.save')}
        </button>
        <button type="button" class="btn btn-light" data-testid="calendar-cancel" onClick={close}>
          {t('lit.form.cancel')}
        </button>
      </div>
    </form>
  );
}
