// @vitest-environment happy-dom
// The command form built from a type's capabilities and a command's JSON Schema: the right input
// for each parameter (with unit and bounds), bad input refused on the field with what was typed
// kept, and typed values handed to the submit.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Capability } from '../../../controller/api/contract/devices.js';
import { CommandForm, planCommand, type CommandInfo } from '../src/components/CommandForm.js';
import type { MessageFn } from '../src/components/Msg.js';
import { setLang } from '../src/lib/i18n.js';

afterEach(() => {
  cleanup();
  setLang('vi');
});

const label = (vi: string, en: string) => ({ vi, en });
const caps: Capability[] = [
  { key: 'level', label: label('Độ sáng', 'Dim level'), access: 'set', kind: 'number', unit: '%', min: 0, max: 100, step: 1 },
  { key: 'durationS', label: label('Thời gian mở', 'Open for'), access: 'set', kind: 'number', unit: 's', min: 1, max: 14400, step: 1 },
  { key: 'priority', label: label('Mức ưu tiên', 'Priority'), access: 'set', kind: 'enum', values: ['normal', 'emergency'] },
  { key: 'on', label: label('Bật', 'On'), access: 'set', kind: 'boolean' },
];
// As z.toJSONSchema writes a command's params.
const command: CommandInfo = {
  action: 'set',
  params: {
    type: 'object',
    properties: {
      level: { type: 'integer', minimum: 0, maximum: 100 },
      durationS: { type: 'integer', minimum: 1, maximum: 14400 },
      priority: { type: 'string', enum: ['normal', 'emergency'] },
      on: { type: 'boolean' },
      note: { type: 'string' },
    },
    required: ['level', 'priority'],
    additionalProperties: false,
  },
};

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const labelOf = (el: HTMLElement) => document.querySelector(`label[for="${el.id}"]`)?.textContent;

describe('CommandForm', () => {
  it('renders a number with unit and bounds, a seconds value in minutes, an enum and a boolean; free text is left out', () => {
    render(<CommandForm command={command} capabilities={caps} idPrefix="light-01" reported={{ level: 40 }} onSubmit={() => {}} />);
    const level = input('cmd-set-level');
    expect(level.type).toBe('number');
    expect([level.min, level.max, level.step]).toEqual(['0', '100', '1']);
    expect(level.value).toBe('40'); // starts from what the device reported
    expect(labelOf(level)).toBe('Độ sáng (%)');
    expect(document.getElementById(level.getAttribute('aria-describedby')!)?.textContent).toBe('Từ 0 đến 100 %');
    expect(input('cmd-set-level-range').type).toBe('range');

    const minutes = input('cmd-set-durationS');
    expect(labelOf(minutes)).toBe('Thời gian mở (phút)');
    expect([minutes.min, minutes.max]).toEqual(['1', '240']);

    const priority = screen.getByTestId('cmd-set-priority') as HTMLSelectElement;
    expect(priority.tagName).toBe('SELECT');
    expect([...priority.options].map((o) => o.value)).toEqual(['normal', 'emergency']);
    expect(input('cmd-set-on').type).toBe('checkbox');
    expect(document.querySelector('[data-param="note"]')).toBeNull();
    expect(screen.getByTestId('cmd-set').textContent).toBe('Đặt');
  });

  it('offers no form when a required parameter cannot be typed (a broadcast needs audio)', () => {
    const play: CommandInfo = { action: 'play', params: { type: 'object', properties: { audioUrl: { type: 'string' } }, required: ['audioUrl'] } };
    expect(planCommand(play, caps)).toBeNull();
    const { container } = render(<CommandForm command={play} capabilities={caps} idPrefix="sp" onSubmit={() => {}} />);
    expect(container.innerHTML).toBe('');
  });

  it('refuses bad input with a message on the field, keeps what was typed, and sends nothing', async () => {
    const onSubmit = vi.fn();
    render(<CommandForm command={command} capabilities={caps} idPrefix="light-01" onSubmit={onSubmit} />);
    const level = input('cmd-set-level');
    fireEvent.input(level, { target: { value: '150' } });
    fireEvent.click(screen.getByTestId('cmd-set'));
    await Promise.resolve();
    expect(onSubmit).not.toHaveBeenCalled();
    expect(level.value).toBe('150');
    expect(level.getAttribute('aria-invalid')).toBe('true');
    const msg = screen.getByTestId('cmd-set-level-msg');
    expect(msg.textContent).toBe('Không được lớn hơn 100 %.');
    expect(level.getAttribute('aria-describedby')).toContain(msg.id);
    const box = screen.getByTestId('cmd-error-set');
    expect(box.textContent).toBe('Dữ liệu chưa hợp lệ:Độ sáng: Không được lớn hơn 100 %.');

    // The message follows the language; typing again clears the field's mark.
    setLang('en');
    await Promise.resolve();
    expect(screen.getByTestId('cmd-error-set').textContent).toBe('Invalid input:Dim level: Must be at most 100 %.');
    fireEvent.input(level, { target: { value: '7.5' } });
    await Promise.resolve();
    expect(level.hasAttribute('aria-invalid')).toBe(false);
    fireEvent.click(screen.getByTestId('cmd-set'));
    await Promise.resolve();
    expect(screen.getByTestId('cmd-set-level-msg').textContent).toBe('Please enter a whole number.');
    expect(onSubmit).not.toHaveBeenCalled();

    fireEvent.input(level, { target: { value: '' } });
    fireEvent.click(screen.getByTestId('cmd-set'));
    await Promise.resolve();
    expect(screen.getByTestId('cmd-set-level-msg').textContent).toBe('Please enter a value.');
  });

  it('calls the submit with typed values: numbers, seconds from minutes, the enum, the boolean', async () => {
    const onSubmit = vi.fn();
    render(<CommandForm command={command} capabilities={caps} idPrefix="x" onSubmit={onSubmit} />);
    fireEvent.input(input('cmd-set-level'), { target: { value: '37' } });
    fireEvent.input(input('cmd-set-durationS'), { target: { value: '2,5' } });
    fireEvent.input(screen.getByTestId('cmd-set-priority'), { target: { value: 'emergency' } });
    fireEvent.input(input('cmd-set-on'), { target: { checked: true } });
    fireEvent.click(screen.getByTestId('cmd-set'));
    await Promise.resolve();
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]![0]).toEqual({ level: 37, durationS: 150, priority: 'emergency', on: true });
    expect(screen.getByTestId('cmd-error-set').textContent).toBe('');
  });

  it('shows the server refusal, marks the input it names, and waits while busy', async () => {
    const refusal: MessageFn = () => ({ kind: 'error', title: 'Lệnh bị từ chối:', lines: ['Độ sáng: quá cao'], fields: ['level'] });
    const { rerender } = render(<CommandForm command={command} capabilities={caps} idPrefix="x" busy onSubmit={() => {}} />);
    expect((screen.getByTestId('cmd-set') as HTMLButtonElement).disabled).toBe(true);
    rerender(<CommandForm command={command} capabilities={caps} idPrefix="x" message={refusal} onSubmit={() => {}} />);
    await Promise.resolve();
    expect(screen.getByTestId('cmd-error-set').textContent).toBe('Lệnh bị từ chối:Độ sáng: quá cao');
    expect(input('cmd-set-level').getAttribute('aria-invalid')).toBe('true');
    expect(input('cmd-set-durationS').hasAttribute('aria-invalid')).toBe(false);
  });
});
