// @vitest-environment happy-dom
// The lighting page's pure helpers: dates typed as the reader writes them and sent as the API's,
// API paths in words, and a light's one-word status from its report and its alerts' codes.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../src/api.js';
import type { Light } from '../src/pages/lighting/api.js';
import { addDays, dayFromApi, dayToApi, lightStatus, pathLabel, whenText } from '../src/pages/lighting/words.js';

const light = (o: Partial<Light>): Light => ({ id: 'light-01', state: null, telemetry: null, desired: null, ...o });
const lampFailure = (device: string): Alert => ({
  key: `light.lampFailure.${device}`,
  what: { code: 'light-lamp-failure', device },
  severity: 'critical',
  message: 'x',
  startedAt: new Date(0).toISOString(),
});

describe('lighting words', () => {
  it('turns day/month into MM-DD and back; a day that does not exist is sent as typed', () => {
    expect(dayToApi('30/04')).toBe('04-30');
    expect(dayToApi('1/5/2026')).toBe('2026-05-01');
    expect(dayToApi('29/02')).toBe('02-29');
    expect(dayToApi('32/13')).toBe('32/13');
    expect(dayToApi('31/04/2026')).toBe('31/04/2026');
    expect(dayFromApi('04-30')).toBe('30/04');
    expect(dayFromApi('2026-05-01')).toBe('01/05/2026');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('names the fields of a refusal', () => {
    expect(pathLabel('steps.1.level')).toBe('Bước 2 · Độ sáng (%)');
    expect(pathLabel('steps.0.astro')).toBe('Bước 1');
    expect(pathLabel('rules.1.to')).toBe('Quy tắc 2 · Đến ngày');
    expect(pathLabel('default')).toBe('Các đêm còn lại dùng');
    expect(pathLabel('something.else')).toBe('something.else');
  });

  it('gives each light one status: offline, failed (alert code or lampStatus), on, off or unknown', () => {
    expect(lightStatus(light({ availability: 'offline', state: { level: 40 } }), [])).toBe('offline');
    expect(lightStatus(light({ state: { level: 40 } }), [lampFailure('light-01')])).toBe('failed');
    expect(lightStatus(light({ state: { level: 40 } }), [lampFailure('light-02')])).toBe('on');
    expect(lightStatus(light({ state: { level: 0 }, telemetry: { lampStatus: 'cyclingFailure' } }), [])).toBe('failed');
    expect(lightStatus(light({ state: { level: 0 } }), [])).toBe('off');
    expect(lightStatus(light({}), [])).toBe('unknown');
  });

  it('puts a step in words', () => {
    expect(whenText({ at: '23:00', level: 50 })).toBe('23:00');
    expect(whenText({ astro: 'sunset', offsetMin: -10, level: 100 })).toBe('Hoàng hôn − 10\u00a0phút');
    expect(whenText({ astro: 'sunrise', offsetMin: 0, level: 0 })).toBe('Bình minh');
  });
});
