// The programs: what each does and when it runs next, and (for those who may) the shared program
// editor with irrigation's step row (a zone and minutes) and its water level and weather fields.
import { useEffect } from 'preact/hooks';
import { Msg, refusal } from '../../components/Msg.js';
import {
  calendarBody,
  calendarDraft,
  num,
  ProgramEditor,
  whenBody,
  whenDraft,
  type EditorWords,
  type ProgramDraft,
  type StepRowProps,
} from '../../components/ProgramEditor.js';
import { dayKey, fmtDuration, fmtNum, fmtTime, withUnit } from '../../lib/format.js';
import { serverNow } from '../../lib/http.js';
import { t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { irr, type ProgramItem } from './api.js';
import { editor, listMsg, loadPrograms, programs, showListOk, zoneName, zones } from './store.js';
import { calendarText, noteText, pathLabel, startText } from './words.js';

const MAX_STARTS = 4;
const MAX_STEPS = 32;

interface Step {
  zone: string;
  minutes: string;
}
interface Water {
  level: string;
  weather: boolean;
}
type Draft = ProgramDraft<Step, Water>;

const WORDS: EditorWords = {
  create: 'irr.form.create',
  editTitle: 'irr.form.editTitle',
  basics: 'irr.form.basics',
  name: 'irr.form.name',
  id: 'irr.form.id',
  idHint: 'irr.form.idHint',
  idFixed: 'irr.form.idFixed',
  idMissing: 'irr.form.idMissing',
  idTaken: 'irr.form.idTaken',
  steps: 'irr.form.steps',
  stepsHint: 'irr.form.stepsHint',
  addStep: 'irr.form.addStep',
  moveUp: 'irr.form.moveUp',
  moveDown: 'irr.form.moveDown',
  removeStep: 'irr.form.removeStep',
  remove: 'irr.form.remove',
  save: 'irr.form.save',
  cancel: 'irr.form.cancel',
};

function draftOf(p: ProgramItem | undefined): Draft {
  const today = dayKey(serverNow());
  return {
    id: p?.id ?? '',
    name: p?.name ?? '',
    enabled: p?.enabled ?? true,
    calendar: calendarDraft(p?.calendar, today),
    starts: p ? p.starts.map((s) => whenDraft(s)) : [{ kind: 'at', at: '06:00', offset: '0' }],
    steps: p ? p.steps.map((s) => ({ zone: s.zone, minutes: String(s.durationS / 60) })) : [{ zone: zones.value[0]?.id ?? '', minutes: '5' }],
    more: { level: String(p?.waterLevelPct ?? 100), weather: !!p?.weatherAdjust },
  };
}

/** A number typed as is: blank or mistyped goes as NaN (null in JSON), refused by the server at its path. */
const typed = (s: string) => num(s) ?? Number.NaN;

function body(d: Draft) {
  return {
    name: d.name,
    enabled: d.enabled ?? true,
    calendar: calendarBody(d.calendar ?? calendarDraft(undefined, dayKey(serverNow()))),
    starts: (d.starts ?? []).map(whenBody),
    steps: d.steps.map((s) => ({ zone: s.zone, durationS: Math.round(typed(s.minutes) * 60) })),
    waterLevelPct: typed(d.more.level),
    weatherAdjust: d.more.weather,
  };
}

function StepRow({ step: s, index: i, set, invalid }: StepRowProps<Step>) {
  const list = zones.value;
  return (
    <>
      <div class="field">
        <label for={`pf-step-zone-${i}`}>{t('irr.form.stepZone', { n: i + 1 })}</label>
        <select id={`pf-step-zone-${i}`} data-testid={`program-step-zone-${i}`} value={s.zone} aria-invalid={invalid('zone')} onChange={(e) => set({ ...s, zone: e.currentTarget.value })}>
          {list.map((z) => (
            <option key={z.id} value={z.id}>
              {z.name}
            </option>
          ))}
          {s.zone && !list.some((z) => z.id === s.zone) ? <option value={s.zone}>{s.zone}</option> : null}
        </select>
      </div>
      <div class="field">
        <label for={`pf-step-min-${i}`}>{t('irr.form.minutes')}</label>
        <input
          id={`pf-step-min-${i}`}
          type="number"
          inputMode="decimal"
          min={1}
          step="any"
          value={s.minutes}
          data-testid={`program-step-minutes-${i}`}
          aria-invalid={invalid('durationS')}
          onInput={(e) => set({ ...s, minutes: e.currentTarget.value })}
        />
      </div>
    </>
  );
}

function WaterFields(w: Water, set: (w: Water) => void, invalid: (path: string) => true | undefined) {
  return (
    <fieldset class="fs">
      <legend>{t('irr.form.water')}</legend>
      <div class="field">
        <label for="pf-level">{t('irr.form.levelPct')}</label>
        <input
          id="pf-level"
          type="number"
          inputMode="numeric"
          min={0}
          max={250}
          step={1}
          value={w.level}
          data-testid="program-level"
          aria-describedby="pf-level-hint"
          aria-invalid={invalid('waterLevelPct')}
          onInput={(e) => set({ ...w, level: e.currentTarget.value })}
        />
      </div>
      <small id="pf-level-hint" class="hint">
        {t('irr.form.levelHint')}
      </small>
      <div class="field check">
        <input id="pf-weather" type="checkbox" data-testid="program-weather" checked={w.weather} onChange={(e) => set({ ...w, weather: e.currentTarget.checked })} />
        <label for="pf-weather">{t('irr.form.weather')}</label>
      </div>
    </fieldset>
  );
}

/** After a save the form is gone: focus goes to the program saved. */
function focusProgram(id: string): void {
  const head = document.querySelector<HTMLElement>(`[data-program-id="${CSS.escape(id)}"] h3`);
  head?.setAttribute('tabindex', '-1');
  head?.focus();
}

function Editor() {
  const e = editor.value;
  if (!e) return null;
  const program = e.mode === 'edit' ? e.program : undefined;
  const close = () => {
    editor.value = null;
    requestAnimationFrame(() => document.getElementById('program-new')?.focus());
  };
  const save = async (id: string, d: Draft) => {
    const saved = await irr.putProgram(id, body(d));
    editor.value = null;
    await loadPrograms().catch(() => undefined);
    showListOk(() => ({ kind: 'ok', title: t('irr.form.saved', { name: saved.name }) }));
    requestAnimationFrame(() => focusProgram(id));
  };
  return (
    <ProgramEditor<Step, Water>
      key={program?.id ?? '(new)'}
      mode={e.mode}
      initial={draftOf(program)}
      words={WORDS}
      takenIds={programs.value.map((p) => p.id)}
      starts={{ max: MAX_STARTS }}
      steps={{ max: MAX_STEPS, add: () => ({ zone: zones.value[0]?.id ?? '', minutes: '5' }), render: StepRow, focusId: (i) => `pf-step-zone-${i}` }}
      extra={WaterFields}
      label={pathLabel}
      onSave={save}
      onCancel={close}
    />
  );
}

async function deleteProgram(p: ProgramItem): Promise<void> {
  if (!window.confirm(t('irr.confirmDelete', { name: p.name }))) return;
  try {
    await irr.deleteProgram(p.id);
    listMsg.value = null;
    const e = editor.value;
    if (e?.mode === 'edit' && e.program.id === p.id) editor.value = null;
  } catch (err) {
    listMsg.value = refusal(err, { label: pathLabel });
  }
  await loadPrograms().catch(() => undefined);
}

function Item({ p }: { p: ProgramItem }) {
  const steps = p.steps.map((s) => `${zoneName(s.zone)} ${fmtDuration(s.durationS)}`);
  const level = p.effectiveLevelPct !== p.waterLevelPct ? t('irr.levelAdjusted', { pct: p.waterLevelPct, now: p.effectiveLevelPct }) : withUnit(fmtNum(p.waterLevelPct), '%');
  const kv = (key: string, label: string, value: string) => (
    <div class="kv-row" data-key={key}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  return (
    <li class={`program ${p.enabled ? '' : 'is-off'}`} data-program-id={p.id}>
      <div class="program-head">
        <h3 class="dev-name">{p.name}</h3>
        <span class={`badge ${p.enabled ? 'badge-on' : 'badge-off'}`} data-testid="program-enabled">
          {p.enabled ? t('irr.on') : t('irr.off')}
        </span>
      </div>
      <dl class="kv">
        {kv('calendar', t('irr.form.calendar'), calendarText(p.calendar))}
        {kv('starts', t('irr.form.starts'), p.starts.map(startText).join(', '))}
        {kv('steps', t('irr.form.steps'), steps.join(' → '))}
        {kv('level', t('irr.form.level'), level)}
        {kv('next', t('irr.nextStart'), p.nextStartAt ? fmtTime(p.nextStartAt) : p.enabled ? t('irr.noNext') : t('irr.off'))}
      </dl>
      {p.weatherAdjust ? <p class="note">{[t('irr.weatherOn'), noteText(p.levelNoteCode, p.levelNote)].filter(Boolean).join(' · ')}</p> : null}
      <p class="note">
        <code>{p.id}</code>
      </p>
      {can('irrigation.programs') ? (
        <div class="btn-row">
          <button type="button" class="btn btn-light btn-small" data-testid="program-edit" onClick={() => (editor.value = { mode: 'edit', program: p })}>
            {t('irr.edit')}
          </button>
          <button type="button" class="btn btn-danger btn-small" data-testid="program-delete" onClick={() => void deleteProgram(p)}>
            {t('irr.delete')}
          </button>
        </div>
      ) : null}
    </li>
  );
}

export function Programs() {
  const list = programs.value;
  const open = !!editor.value;
  // Leaving the page with the editor open and coming back: nothing to keep.
  useEffect(() => () => void (editor.value = null), []);
  return (
    <section id="programs" class="panel" aria-labelledby="programs-h">
      <div class="panel-head">
        <h2 id="programs-h">{t('irr.programs')}</h2>
        {can('irrigation.programs') && !open ? (
          <button id="program-new" type="button" class="btn btn-light" data-testid="program-new" onClick={() => (editor.value = { mode: 'create' })}>
            {t('irr.newProgram')}
          </button>
        ) : null}
      </div>
      <ul id="program-list" class="programs" data-testid="program-list">
        {list.length ? list.map((p) => <Item key={p.id} p={p} />) : <li class="empty">{t('irr.noPrograms')}</li>}
      </ul>
      <Msg msg={listMsg.value} testid="program-list-error" id="program-list-error" />
      <div id="program-editor">
        <Editor />
      </div>
    </section>
  );
}
