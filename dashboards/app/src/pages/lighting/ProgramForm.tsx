// Lighting's use of the shared program editor: a step is a time of day (fixed, or sunset/sunrise
// ± minutes) and a level. A lighting program has no calendar or start times of its own: the
// groups' calendars choose one per night.
import { signal } from '@preact/signals';
import type { MessageFn } from '../../components/Msg.js';
import { num, ProgramEditor, whenBody, whenDraft, WhenFields, type EditorWords, type ProgramDraft, type StepRowProps, type WhenDraft, type WhenKind } from '../../components/ProgramEditor.js';
import { t } from '../../lib/i18n.js';
import { lightingApi, type Program, type Step } from './api.js';
import { loadPrograms, programs } from './store.js';
import { pathLabel } from './words.js';

const MAX_STEPS = 16;
const OK_SHOWN_MS = 8000;
/** Sunset first: a lighting night starts in the evening. */
const KINDS: readonly WhenKind[] = ['at', 'sunset', 'sunrise'];

interface StepDraft {
  when: WhenDraft;
  level: string;
}
type Draft = ProgramDraft<StepDraft>;

/** The program being edited or created; undefined when the editor is closed. */
export const editing = signal<{ mode: 'create' | 'edit'; initial: Draft } | undefined>(undefined);
/** The note under the program list: a refused delete, or the program just saved. */
export const listMsg = signal<MessageFn | undefined>(undefined);

export function showListMsg(fn: MessageFn | undefined, ok = false): void {
  listMsg.value = fn;
  if (ok) setTimeout(() => listMsg.value === fn && (listMsg.value = undefined), OK_SHOWN_MS);
}

const stepDraft = (s: Step): StepDraft => ({ when: whenDraft(s, '18:00'), level: String(s.level) });

/** A new program starts as sunset −10 → 23:00 → sunrise +10. */
const NEW_STEPS: StepDraft[] = [
  { when: { kind: 'sunset', at: '18:00', offset: '-10' }, level: '100' },
  { when: { kind: 'at', at: '23:00', offset: '0' }, level: '50' },
  { when: { kind: 'sunrise', at: '06:00', offset: '10' }, level: '0' },
];

export function openEditor(p: Program | undefined): void {
  editing.value = p
    ? { mode: 'edit', initial: { id: p.id, name: p.name, steps: p.steps.map(stepDraft), more: undefined } }
    : { mode: 'create', initial: { id: '', name: '', steps: NEW_STEPS, more: undefined } };
}

/** The body as typed; a level left blank or not a number goes as null, refused by its path. */
function stepBody(s: StepDraft): Step {
  const level = num(s.level) ?? Number.NaN;
  return { ...whenBody(s.when), level };
}

const WORDS: EditorWords = {
  create: 'lit.form.create',
  editTitle: 'lit.form.editTitle',
  name: 'lit.form.name',
  id: 'lit.form.id',
  idHint: 'lit.form.idHint',
  idFixed: 'lit.form.idFixed',
  idMissing: 'lit.form.idMissing',
  idTaken: 'lit.form.idTaken',
  steps: 'lit.form.steps',
  stepsHint: 'lit.form.stepsHint',
  addStep: 'lit.form.addStep',
  moveUp: 'lit.form.moveUp',
  moveDown: 'lit.form.moveDown',
  removeStep: 'lit.form.removeStep',
  remove: 'lit.form.remove',
  save: 'lit.form.save',
  cancel: 'lit.form.cancel',
};

function StepFields({ step, index: i, set, invalid }: StepRowProps<StepDraft>) {
  const n = i + 1;
  return (
    <>
      <WhenFields
        idBase="pf-step"
        testBase="program-step"
        index={i}
        value={step.when}
        kinds={KINDS}
        maxOffset={180}
        words={{ label: t('lit.form.stepKind', { n }), kind: (k) => t(`lit.form.kind.${k}`), time: t('lit.form.time'), offset: t('lit.form.offset') }}
        invalid={invalid}
        onChange={(when) => set({ ...step, when })}
      />
      <div class="field">
        <label for={`pf-step-level-${i}`}>{t('lit.form.level')}</label>
        <input
          id={`pf-step-level-${i}`}
          type="number"
          inputMode="numeric"
          min={0}
          max={100}
          step={1}
          value={step.level}
          data-testid={`program-step-level-${i}`}
          aria-invalid={invalid('level')}
          onInput={(e) => set({ ...step, level: e.currentTarget.value })}
        />
      </div>
    </>
  );
}

const focusSoon = (selector: string) => requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus());

export function ProgramForm() {
  const e = editing.value;
  if (!e) return null;
  const close = () => (editing.value = undefined);
  const save = async (id: string, d: Draft) => {
    const saved = await lightingApi.putProgram(id, { name: d.name, steps: d.steps.map(stepBody) });
    close();
    await loadPrograms().catch(() => undefined); // else the list catches up within a minute
    showListMsg(() => ({ kind: 'ok', title: t('lit.form.saved', { name: saved.name }) }), true);
    focusSoon(`#program-list [data-program-id="${CSS.escape(id)}"] h3`);
  };
  return (
    <ProgramEditor<StepDraft>
      key={`${e.mode}|${e.initial.id}`}
      mode={e.mode}
      initial={e.initial}
      words={WORDS}
      takenIds={programs.value.map((p) => p.id)}
      steps={{
        max: MAX_STEPS,
        add: () => ({ when: { kind: 'at', at: '22:00', offset: '0' }, level: '50' }),
        render: (p) => <StepFields {...p} />,
        focusId: (i) => `pf-step-kind-${i}`,
      }}
      label={pathLabel}
      onSave={save}
      onCancel={() => {
        close();
        focusSoon('#program-new');
      }}
    />
  );
}
