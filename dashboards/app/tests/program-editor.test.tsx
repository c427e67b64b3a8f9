// @vitest-environment happy-dom
// The program editor shared by irrigation and lighting: steps are added, moved and removed; a
// start switches between a fixed time and sunrise; bad input is refused with what was typed kept;
// and what is saved is what was typed.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { calendarBody, calendarDraft, num, ProgramEditor, whenBody, type EditorWords, type ProgramDraft } from '../src/components/ProgramEditor.js';
import { ApiError } from '../src/lib/http.js';
import { setLang } from '../src/lib/i18n.js';

afterEach(() => {
  cleanup();
  setLang('vi');
});

interface Step {
  zone: string;
  minutes: string;
}

const words: EditorWords = {
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

const initial: ProgramDraft<Step> = {
  id: '',
  name: '',
  enabled: true,
  calendar: calendarDraft(undefined, '2025-06-01'),
  starts: [{ kind: 'at', at: '06:00', offset: '0' }],
  steps: [{ zone: 'a', minutes: '5' }],
  more: undefined,
};

function setup(onSave = vi.fn(async (_id: string, _d: ProgramDraft<Step>) => {})) {
  render(
    <ProgramEditor<Step>
      mode="create"
      initial={initial}
      words={words}
      takenIds={['sang-som']}
      starts={{ max: 4 }}
      label={(p) => p}
      steps={{
        max: 3,
        add: (steps) => ({ zone: 'b', minutes: steps.at(-1)?.minutes ?? '5' }),
        focusId: (i) => `zone-${i}`,
        render: ({ step, index, set, invalid }) => (
          <>
            <select id={`zone-${index}`} data-testid={`zone-${index}`} value={step.zone} onChange={(e) => set({ ...step, zone: e.currentTarget.value })}>
              <option value="a">A</option>
              <option value="b">B</option>
            </select>
            <input data-testid={`min-${index}`} value={step.minutes} aria-invalid={invalid('durationS')} onInput={(e) => set({ ...step, minutes: e.currentTarget.value })} />
          </>
        ),
      }}
      onSave={onSave}
      onCancel={() => {}}
    />,
  );
  return onSave;
}

const type = (testid: string, value: string) => fireEvent.input(screen.getByTestId(testid), { target: { value } });
const val = (testid: string) => (screen.getByTestId(testid) as HTMLInputElement).value;
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('ProgramEditor', () => {
  it('adds, moves and removes steps, within the bounds', async () => {
    setup();
    expect(screen.getAllByTestId('program-step')).toHaveLength(1);
    // One step left: it cannot be removed.
    expect((screen.getByRole('button', { name: 'Bỏ bước 1' }) as HTMLButtonElement).disabled).toBe(true);
    type('min-0', '7');
    fireEvent.click(screen.getByTestId('program-add-step'));
    fireEvent.click(screen.getByTestId('program-add-step'));
    expect(screen.getAllByTestId('program-step')).toHaveLength(3);
    expect(val('zone-1')).toBe('b');
    expect(val('min-2')).toBe('7'); // a copy of the last
    expect((screen.getByTestId('program-add-step') as HTMLButtonElement).disabled).toBe(true);
    // Step 1 down: it is second now, and focused.
    fireEvent.click(screen.getByRole('button', { name: 'Đưa bước 1 xuống sau' }));
    expect(val('zone-0')).toBe('b');
    expect(val('zone-1')).toBe('a');
    expect(document.activeElement?.id).toBe('zone-1');
    fireEvent.click(screen.getByRole('button', { name: 'Bỏ bước 3' }));
    expect(screen.getAllByTestId('program-step')).toHaveLength(2);
    expect(document.activeElement?.id).toBe('pf-add-step');
  });

  it('switches a start from a fixed time to sunrise and back, keeping both values', () => {
    setup();
    expect(val('program-start-at-0')).toBe('06:00');
    fireEvent.change(screen.getByTestId('program-start-kind-0'), { target: { value: 'sunrise' } });
    expect(screen.queryByTestId('program-start-at-0')).toBeNull();
    type('program-start-offset-0', '-15');
    fireEvent.change(screen.getByTestId('program-start-kind-0'), { target: { value: 'at' } });
    expect(val('program-start-at-0')).toBe('06:00');
    fireEvent.change(screen.getByTestId('program-start-kind-0'), { target: { value: 'sunrise' } });
    expect(val('program-start-offset-0')).toBe('-15');
    fireEvent.click(screen.getByTestId('program-add-start'));
    expect(screen.getAllByTestId('program-start')).toHaveLength(2);
  });

  it('refuses bad input, marks it and keeps what was typed', async () => {
    const onSave = vi.fn(async (_id: string, _d: ProgramDraft<Step>) => {
      throw new ApiError(400, { statusCode: 400, error: 'Bad Request', code: 'invalid', message: 'bad', issues: [{ path: 'body.steps.0.durationS', message: 'too small' }] });
    });
    setup(onSave);
    // No name and no id: refused here, nothing sent.
    fireEvent.submit(screen.getByTestId('program-form'));
    await flush();
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByTestId('program-error').textContent).toContain('hãy nhập mã');
    expect(screen.getByTestId('program-id').getAttribute('aria-invalid')).toBe('true');
    // An id that exists: refused too.
    type('program-id', 'sang-som');
    fireEvent.submit(screen.getByTestId('program-form'));
    await flush();
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByTestId('program-error').textContent).toContain('sang-som');
    // The server refuses a step: that input is marked, everything typed stays.
    type('program-id', 'thu');
    type('min-0', '0');
    fireEvent.submit(screen.getByTestId('program-form'));
    await flush();
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('program-error').textContent).toContain('steps.0.durationS: too small');
    expect(screen.getByTestId('min-0').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('program-id').hasAttribute('aria-invalid')).toBe(false);
    expect(val('min-0')).toBe('0');
    expect(val('program-id')).toBe('thu');
    expect(screen.getByTestId('program-form')).toBeTruthy();
  });

  it('takes the id from the name until the id is typed, and submits the typed program', async () => {
    const onSave = setup();
    type('program-name', 'Tưới sáng sớm');
    expect(val('program-id')).toBe('tuoi-sang-som');
    fireEvent.click(screen.getByTestId('program-day-7'));
    fireEvent.change(screen.getByTestId('program-start-kind-0'), { target: { value: 'sunset' } });
    type('program-start-offset-0', '10');
    fireEvent.change(screen.getByTestId('zone-0'), { target: { value: 'b' } });
    type('min-0', '2.5');
    fireEvent.click(screen.getByTestId('program-enabled-input'));
    fireEvent.submit(screen.getByTestId('program-form'));
    await flush();
    expect(onSave).toHaveBeenCalledTimes(1);
    const [id, d] = onSave.mock.calls[0]!;
    expect(id).toBe('tuoi-sang-som');
    expect(d.name).toBe('Tưới sáng sớm');
    expect(d.enabled).toBe(false);
    expect(calendarBody(d.calendar!)).toEqual({ kind: 'weekly', days: [1, 2, 3, 4, 5, 6] });
    expect(d.starts!.map(whenBody)).toEqual([{ astro: 'sunset', offsetMin: 10 }]);
    expect(d.steps).toEqual([{ zone: 'b', minutes: '2.5' }]);
    expect(num(d.steps[0]!.minutes)).toBe(2.5);
    // A typed id is kept when the name changes afterwards.
    type('program-id', 'rieng');
    type('program-name', 'Khác');
    expect(val('program-id')).toBe('rieng');
  });

  it('follows the language toggle', async () => {
    setup();
    expect(screen.getByTestId('program-save').textContent).toBe('Lưu chương trình');
    setLang('en');
    await flush();
    expect(screen.getByTestId('program-save').textContent).toBe('Save program');
  });
});
