// Every indicator is checked the same way: its definition is complete in both languages, its unit,
// scale and target agree, and what it maps to never claims to certify. The period helpers too,
// and every finding code has its words on the pages.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { strings } from '../../dashboards/app/src/lib/strings.js';
import { indicators, meets, valueOf } from '../../controller/indicators/index.js';
import { addMonths, monthKey, monthSpan, parseMonth } from '../../controller/indicators/period.js';
import { boundedJson } from '../../controller/indicators/service.js';

describe.each(indicators.map((d) => [d.id, d] as const))('indicator %s', (_id, d) => {
  it('has an id, names and a definition paragraph in both languages', () => {
    expect(d.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
    for (const l of [d.name, d.numerator, d.denominator]) {
      expect(l.vi.length).toBeGreaterThan(3);
      expect(l.en.length).toBeGreaterThan(3);
    }
    expect(d.definition.vi.length).toBeGreaterThan(60);
    expect(d.definition.en.length).toBeGreaterThan(60);
  });

  it('has a unit, scale and target that agree', () => {
    expect(d.scale).toBe(d.unit === '%' ? 100 : 1);
    if (d.target && d.unit === '%') {
      expect(d.target.value).toBeGreaterThanOrEqual(0);
      expect(d.target.value).toBeLessThanOrEqual(100);
    }
    expect(['day', 'month']).toContain(d.period);
    expect(['hamlet', 'commune']).toContain(d.scope);
  });

  it('maps to a criterion, in both languages, without claiming to certify it', () => {
    if (!d.mapsTo) return;
    expect(d.mapsTo.vi.length).toBeGreaterThan(3);
    expect(d.mapsTo.en.length).toBeGreaterThan(3);
    expect(`${d.mapsTo.en} ${d.definition.en}`).not.toMatch(/certif/i);
    expect(`${d.mapsTo.vi} ${d.definition.vi}`).not.toMatch(/chứng nhận/i);
  });
});

describe('indicators', () => {
  it('have unique ids', () => {
    expect(new Set(indicators.map((d) => d.id)).size).toBe(indicators.length);
  });

  it('give no value for nothing to measure, and judge a value against the target', () => {
    const pct = { scale: 100, target: { op: '>=' as const, value: 90 } };
    expect(valueOf(pct, { numerator: 0, denominator: 0 })).toBeNull();
    expect(valueOf(pct, { numerator: 9, denominator: 10 })).toBe(90);
    expect(meets(pct, 90)).toBe(true);
    expect(meets(pct, 89.9)).toBe(false);
    expect(meets(pct, null)).toBeUndefined();
    expect(meets({ target: { op: '<=', value: 5 } }, 4)).toBe(true);
    expect(meets({}, 4)).toBeUndefined();
  });
});

describe('months', () => {
  it('parse, step across a year and span the site’s local month', () => {
    expect(parseMonth('2026-10')).toEqual({ year: 2026, month: 10 });
    expect(() => parseMonth('2026-13')).toThrow();
    expect(monthKey(addMonths({ year: 2026, month: 12 }, 1))).toBe('2027-01');
    expect(monthKey(addMonths({ year: 2026, month: 1 }, -1))).toBe('2025-12');
    const s = monthSpan({ year: 2026, month: 10 }, 'Asia/Ho_Chi_Minh');
    // Midnight on 1 October at UTC+7 is 17:00 UTC on 30 September; 31 days later the next month.
    expect(s.from.toISOString()).toBe('2026-09-30T17:00:00.000Z');
    expect(s.to.toISOString()).toBe('2026-10-31T17:00:00.000Z');
  });
});

describe('stored findings', () => {
  it('stay parseable when too many: the last give way to a count of them', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ hamlet: 'thon-dong', device: `den-${i}`, code: 'light-not-heard' }));
    const json = boundedJson(many);
    expect(json.length).toBeLessThanOrEqual(16_000);
    const back = JSON.parse(json) as { code: string; params?: { count: number } }[];
    const more = back.at(-1)!;
    expect(more.code).toBe('more-findings');
    expect(back.length - 1 + more.params!.count).toBe(2000);
    expect(JSON.parse(boundedJson(many.slice(0, 3)))).toEqual(many.slice(0, 3));
  });
});

describe('docs/INDICATORS.md', () => {
  it('lists every indicator by id', async () => {
    const doc = await readFile(new URL('../../docs/INDICATORS.md', import.meta.url), 'utf8');
    for (const d of indicators) expect(doc, d.id).toContain(`(\`${d.id}\`)`);
  });
});

describe('findings in words', () => {
  it('every finding code the indicators give has a sentence on the overview and the report', async () => {
    const dir = new URL('../../controller/indicators/', import.meta.url);
    const files = ['defs/radio.ts', 'defs/lighting.ts', 'defs/irrigation.ts', 'defs/plane.ts', 'service.ts'];
    const codes = new Set<string>();
    for (const f of files) for (const m of (await readFile(new URL(f, dir), 'utf8')).matchAll(/\bcode: '([a-z0-9-]+)'/g)) codes.add(m[1]!);
    expect(codes.size).toBeGreaterThan(20);
    const missing = [...codes].filter((c) => !(`ov.finding.${c}` in strings));
    expect(missing).toEqual([]);
  });
});
