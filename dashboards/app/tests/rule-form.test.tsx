// @vitest-environment happy-dom
// The rule editor: each operator shows the fields it needs and sends only those; the body it builds
// (minutes typed, seconds sent); the selection offers only the metrics every picked device has; a
// refusal's issues are shown under the fields they name; the save button says whether the form as
// it is now was tested.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Device, DeviceTypeInfo } from '../../../controller/api/contract/devices.js';
import type { RuleTestResult } from '../../../controller/api/contract/rules.js';
import { site } from '../src/components/Shell.js';
import { ApiError } from '../src/lib/http.js';
import { siteTz } from '../src/lib/format.js';
import { setLang } from '../src/lib/i18n.js';
import { emptyDraft, type Body } from '../src/pages/rules/draft.js';
import { RuleForm, type FormContext } from '../src/pages/rules/RuleForm.js';

afterEach(() => {
  cleanup();
  setLang('vi');
});

const cap = (key: string, vi: string, unit?: string, kind: 'number' | 'boolean' = 'number') => ({ key, label: { vi, en: key }, access: 'read' as const, kind, unit });
const types: DeviceTypeInfo[] = [
  { type: 'greenhouse-sensor', label: { vi: 'Cảm biến nhà màng', en: 'Greenhouse sensor' }, traits: ['soil-sensor'], capabilities: [cap('airTempC', 'Nhiệt độ không khí', '°C'), cap('humidityPct', 'Độ ẩm', '%')], commands: [], reportEveryS: 60, offlineAfterS: 300 },
  { type: 'weather-station', label: { vi: 'Trạm thời tiết', en: 'Weather station' }, traits: ['weather'], capabilities: [cap('airTempC', 'Nhiệt độ không khí', '°C'), cap('rainMm', 'Mưa', 'mm')], commands: [], reportEveryS: 60, offlineAfterS: 300 },
];
const dev = (id: string, type: string, zone?: string): Device =>
  ({ id, type, name: `Tên ${id}`, hamlet: 'thon-a', zone, attributes: {}, availability: 'online', config: {}, pending: [], recent: [] }) as Device;
const devices = [dev('gh-01', 'greenhouse-sensor', 'nha-mang-1'), dev('gh-02', 'greenhouse-sensor', 'nha-mang-2'), dev('ws-01', 'weather-station')];

function ctx(o: Partial<FormContext> = {}): FormContext {
  return { devices, types: new Map(types.map((x) => [x.type, x])), groups: [], zoneRequired: false, may: { command: false, webhook: false, rainDelay: false, lighting: false }, ...o };
}

const result: RuleTestResult = { from: 0, to: 1, readings: 120, events: 0, truncated: false, fired: [{ at: Date.UTC(2026, 10, 10, 1, 30), target: 'gh-01', device: 'gh-01', value: 39, repeat: 0, clearedAt: Date.UTC(2026, 10, 10, 1, 50) }], open: [] };

function setup(o: { onSave?: (id: string, b: Body) => Promise<void>; test?: (b: Body, from: number, to: number) => Promise<RuleTestResult>; ctx?: FormContext } = {}) {
  site.value = { site: { id: 'x', name: 'Xã', lat: 21, lon: 105, tz: 'Asia/Ho_Chi_Minh' }, hamlets: [{ id: 'thon-a', name: 'Thôn A' }], zones: [{ id: 'nha-mang-1', name: 'Nhà màng 1', hamlet: 'thon-a' }, { id: 'nha-mang-2', name: 'Nhà màng 2', hamlet: 'thon-a' }], waterSources: [] };
  siteTz.value = 'Asia/Ho_Chi_Minh';
  const onSave = vi.fn(o.onSave ?? (async () => {}));
  const test = vi.fn(o.test ?? (async () => result));
  render(<RuleForm mode="create" initial={emptyDraft()} takenIds={['old']} ctx={o.ctx ?? ctx()} onSave={onSave} onCancel={() => {}} test={test} />);
  return { onSave, test };
}

const input = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });
const choose = (id: string, value: string) => fireEvent.change(screen.getByTestId(id), { target: { value } });
const options = (id: string) => [...(screen.getByTestId(id) as HTMLSelectElement).options].map((o) => o.value);

describe('the rule form', () => {
  it('shows the fields each operator needs', () => {
    setup();
    expect(screen.queryByTestId('rule-value')).not.toBeNull();
    expect(screen.queryByTestId('rule-min')).toBeNull();
    choose('rule-op', 'between');
    expect(screen.queryByTestId('rule-value')).toBeNull();
    expect(screen.queryByTestId('rule-min')).not.toBeNull();
    expect(screen.queryByTestId('rule-max')).not.toBeNull();
    choose('rule-op', 'stale');
    expect(screen.queryByTestId('rule-min')).toBeNull();
    expect(screen.queryByTestId('rule-stale')).not.toBeNull();
    // No clear band, and no average, for stale.
    expect(screen.queryByTestId('rule-clear')).toBeNull();
    expect(options('rule-aggregate')).toEqual(['any', 'all']);
    choose('rule-op', 'changed');
    expect(screen.queryByTestId('rule-stale')).toBeNull();
    expect(screen.queryByTestId('rule-value')).toBeNull();
  });

  it('offers the metrics every picked device has, and the traits the devices have', () => {
    setup();
    // Everything: both types share only the air temperature.
    expect(options('rule-metric')).toEqual(['airTempC']);
    expect(options('rule-trait')).toEqual(['', 'soil-sensor', 'weather']);
    choose('rule-type', 'greenhouse-sensor');
    expect(options('rule-metric')).toEqual(['airTempC', 'humidityPct']);
    choose('rule-zone', 'nha-mang-2');
    expect(screen.getByTestId('rule-picked').textContent).toContain('Tên gh-02');
  });

  it('a farmer picks one of their zones: no "any zone", and an event rule watches that zone', async () => {
    site.value = undefined;
    const onSave = vi.fn(async (_id: string, _b: Body) => {});
    siteTz.value = 'Asia/Ho_Chi_Minh';
    site.value = { site: { id: 'x', name: 'Xã', lat: 21, lon: 105, tz: 'Asia/Ho_Chi_Minh' }, hamlets: [], zones: [{ id: 'nha-mang-2', name: 'Nhà màng 2', hamlet: 'thon-a' }], waterSources: [] };
    render(<RuleForm mode="create" initial={emptyDraft({ zone: 'nha-mang-2' })} takenIds={[]} ctx={ctx({ zoneRequired: true })} onSave={onSave} onCancel={() => {}} test={async () => result} />);
    expect(options('rule-zone')).toEqual(['nha-mang-2']);
    input('rule-name', 'Mất kết nối');
    choose('rule-kind', 'event');
    fireEvent.submit(screen.getByTestId('rule-form'));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0]![1].when).toEqual({ kind: 'event', event: 'device-offline', forMin: 10, select: { zone: 'nha-mang-2' } });
  });

  it('builds the body from what was typed: minutes sent as seconds, only the operator’s fields', async () => {
    const { onSave } = setup();
    input('rule-name', 'Nhà màng quá nóng');
    choose('rule-type', 'greenhouse-sensor');
    choose('rule-zone', 'nha-mang-1');
    choose('rule-metric', 'airTempC');
    input('rule-value', '38');
    input('rule-for', '10');
    fireEvent.click(screen.getByTestId('rule-clear-on'));
    input('rule-clear-value', '35');
    input('rule-clear-for', '5');
    input('rule-action-message-0', '{device}: {value} °C');
    input('rule-cooldown', '30');
    fireEvent.click(screen.getByTestId('rule-add-window'));
    fireEvent.submit(screen.getByTestId('rule-form'));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0]![0]).toBe('nha-mang-qua-nong');
    expect(onSave.mock.calls[0]![1]).toEqual({
      name: 'Nhà màng quá nóng',
      enabled: true,
      when: { kind: 'metric', select: { type: 'greenhouse-sensor', zone: 'nha-mang-1' }, metric: 'airTempC', op: '>', value: 38, aggregate: 'any', forS: 600, clear: { value: 35, forS: 300 } },
      only: { windows: [{ ranges: [{ from: '06:00', to: '18:00' }] }] },
      then: [{ kind: 'alert', severity: 'warning', message: '{device}: {value} °C' }],
      cooldownS: 1800,
      mode: 'single',
    });
  });

  it('builds an event rule and a time rule', async () => {
    const { onSave } = setup();
    input('rule-name', 'x');
    choose('rule-kind', 'event');
    input('rule-event-for', '15');
    fireEvent.submit(screen.getByTestId('rule-form'));
    await waitFor(() => expect(onSave).toHaveBeenCalledTimes(1));
    expect(onSave.mock.calls[0]![1].when).toEqual({ kind: 'event', event: 'device-offline', forMin: 15 });
    choose('rule-kind', 'time');
    choose('rule-time-kind', 'sunset');
    input('rule-offset', '-30');
    fireEvent.click(screen.getByTestId('rule-time-day-7'));
    fireEvent.submit(screen.getByTestId('rule-form'));
    await waitFor(() => expect(onSave).toHaveBeenCalledTimes(2));
    expect(onSave.mock.calls[1]![1].when).toEqual({ kind: 'time', astro: 'sunset', offsetMin: -30, days: [1, 2, 3, 4, 5, 6] });
  });

  it('shows the server’s issues under the fields they name, in words', async () => {
    const refuse = async () => {
      throw new ApiError(400, { statusCode: 400, error: 'Bad Request', code: 'invalid', message: 'invalid rule', issues: [{ path: 'when.clear.value', message: 'clear value must be at or below the firing value' }, { path: 'body.then.0.message', message: 'Too small: expected string to have >=1 characters' }] });
    };
    setup({ onSave: refuse });
    input('rule-name', 'x');
    input('rule-value', '30');
    fireEvent.click(screen.getByTestId('rule-clear-on'));
    input('rule-clear-value', '40');
    fireEvent.submit(screen.getByTestId('rule-form'));
    await waitFor(() => expect(screen.queryByTestId('issue-when.clear.value')).not.toBeNull());
    expect(screen.getByTestId('issue-when.clear.value').textContent).toContain('Ngưỡng hết phải thấp hơn hoặc bằng ngưỡng kích hoạt.');
    expect(screen.getByTestId('rule-clear-value').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('rule-action-message-0').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('rule-value').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByTestId('rule-error').textContent).toContain('Ngưỡng hết');
  });

  it('a test refused maps `rule.` paths to the fields; a test run marks the save button until the form changes', async () => {
    let refuse = true;
    const { test } = setup({
      test: async () => {
        if (refuse) throw new ApiError(400, { statusCode: 400, error: 'Bad Request', code: 'invalid', message: 'x', issues: [{ path: 'rule.when.value', message: '> needs a value' }] });
        return result;
      },
    });
    expect(screen.getByTestId('rule-save').dataset.tested).toBe('no');
    fireEvent.click(screen.getByTestId('rule-test-run'));
    await waitFor(() => expect(screen.getByTestId('rule-value').getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByTestId('issue-when.value').textContent).toContain('Hãy nhập giá trị.');
    refuse = false;
    input('rule-value', '38');
    fireEvent.click(screen.getByTestId('rule-test-range-24h'));
    fireEvent.click(screen.getByTestId('rule-test-run'));
    await waitFor(() => expect(screen.queryByTestId('rule-test-result')).not.toBeNull());
    const [, from, to] = test.mock.calls[1]!;
    expect(to - from).toBe(86_400_000);
    expect(screen.getByTestId('rule-test-count').textContent).toContain('Sẽ kích hoạt 1 lần');
    // 01:30 UTC is 08:30 at the site; the device by name.
    expect(screen.getByTestId('rule-test-firing').textContent).toMatch(/08:30.*Tên gh-01.*39\u00a0°C.*hết lúc .*08:50/);
    expect(screen.getByTestId('rule-value').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByTestId('rule-save').dataset.tested).toBe('yes');
    input('rule-value', '37');
    expect(screen.getByTestId('rule-save').dataset.tested).toBe('no');
    expect(screen.queryByTestId('rule-test-changed')).not.toBeNull();
  });

  it('offers a webhook only to who may post one', () => {
    setup();
    expect(options('rule-action-kind-0')).toEqual(['alert']);
    cleanup();
    setup({ ctx: ctx({ may: { command: true, webhook: true, rainDelay: false, lighting: false } }) });
    expect(options('rule-action-kind-0')).toEqual(['alert', 'command', 'webhook']);
  });
});
