// A rule validated as a whole (zod) and against the site (devices, metrics, groups, commands).
import { describe, expect, test } from 'vitest';
import { checkRule, Rule } from '../../controller/rules/schema.js';
import { testSite } from '../helpers/site.js';

const base = {
  id: 'nong-qua',
  name: 'Nhà màng quá nóng',
  owner: 'admin',
  when: { kind: 'metric', select: { zone: 'nha-mang-1', trait: 'soil-sensor' }, metric: 'airTempC', op: '>', value: 38, forS: 600, clear: { value: 35 } },
  then: [{ kind: 'alert', severity: 'warning', message: '{device}: {value} °C' }],
};
const issues = (x: unknown) => {
  const r = Rule.safeParse(x);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('Rule schema', () => {
  test('a whole rule parses, with defaults', () => {
    const r = Rule.parse(base);
    expect(r).toMatchObject({ enabled: true, mode: 'single', when: { aggregate: 'any' } });
    expect(checkRule(r, testSite())).toEqual([]);
  });

  test('refuses inconsistent conditions', () => {
    expect(issues({ ...base, when: { ...base.when, op: 'between', min: 30, max: 20 } })).toContain('when.min: between needs min < max');
    expect(issues({ ...base, when: { ...base.when, op: '>', value: undefined } })).toContain('when.value: > needs a value');
    expect(issues({ ...base, when: { ...base.when, clear: { value: 40 } } })).toContain('when.clear.value: clear value must be at or below the firing value');
    expect(issues({ ...base, when: { ...base.when, op: 'stale', value: undefined, clear: undefined } })).toContain('when.staleMin: stale needs staleMin');
    expect(issues({ ...base, when: { kind: 'time', at: '25:00' } })[0]).toMatch(/^when/);
    expect(issues({ ...base, when: { kind: 'time', at: '06:00', astro: 'sunset' } })).toContain('when.at: give either at or astro');
    expect(issues({ ...base, maxRepeats: 3 })).toContain('maxRepeats: maxRepeats needs repeatEveryS');
    expect(issues({ ...base, then: [{ kind: 'webhook', url: 'ftp://x' }] }).length).toBeGreaterThan(0);
    expect(issues({ ...base, then: [{ kind: 'reboot-the-world' }] }).length).toBeGreaterThan(0);
    expect(issues({ ...base, surprise: 1 }).length).toBeGreaterThan(0);
  });

  test('refuses what the site does not have: devices, metrics of the selected type, groups, commands', () => {
    const site = testSite();
    const check = (x: object) => checkRule(Rule.parse({ ...base, ...x }), site).map((i) => `${i.path}: ${i.message}`);
    expect(check({ when: { ...base.when, select: { devices: ['gh-99'] } } })).toEqual(['when.select.devices.0: unknown device gh-99']);
    expect(check({ when: { ...base.when, metric: 'flowLpm' } })).toEqual(['when.metric: greenhouse-sensor has no metric flowLpm']);
    expect(check({ when: { ...base.when, select: { type: 'street-light' }, metric: 'lampStatus' } })).toEqual(["when.metric: street-light's lampStatus is not a number"]);
    expect(check({ when: { ...base.when, select: { zone: 'nowhere' } } })).toEqual(['when.select.zone: unknown zone nowhere']);
    expect(check({ then: [{ kind: 'lighting-override', group: 'no-group', level: 100, untilMin: 60 }] })).toEqual(['then.0.group: unknown light group no-group']);
    expect(check({ then: [{ kind: 'command', device: 'valve-01', action: 'explode', params: {} }] })[0]).toMatch(/^then\.0\.action: not a valid irrigation-valve command/);
    // A changed rule watches any metric, even a word.
    expect(check({ when: { kind: 'metric', select: { type: 'street-light' }, metric: 'lampStatus', op: 'changed' } })).toEqual([]);
  });
});
