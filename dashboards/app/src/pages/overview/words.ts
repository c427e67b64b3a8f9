// The overview's words and numbers: months at the site, a figure with its unit, the target, the
// change on last month, and a finding in words from its code.
import { fmtNum, fmtTime, siteParts, withUnit } from '../../lib/format.js';
import { isKey, locale, t } from '../../lib/i18n.js';
import type { Definition, Finding } from './api.js';

const key = (year: number, month: number): string => `${year}-${String(month).padStart(2, '0')}`;

/** The month ("YYYY-MM") at the site at this instant. */
export function monthAt(ms: number): string {
  const p = siteParts(ms);
  return key(p.year, p.month);
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return key(Math.floor(i / 12), (i % 12) + 1);
}

/** "tháng 10 năm 2026" / "October 2026". */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 15)));
}

/** A unit as the reader writes it ('count' has none). */
export function unitText(unit: Definition['unit']): string {
  if (unit === 'h' || unit === 's' || unit === 'count') return t(`ov.unit.${unit}`);
  return unit;
}

export const fmtFigure = (d: Definition, value: number): string => withUnit(fmtNum(value, 1), unitText(d.unit) || undefined);

/** The figure with its unit, or a dash when there was nothing to divide by. */
export const valueText = (d: Definition, value: number | null): string => (value === null ? '—' : fmtFigure(d, value));

export const targetText = (d: Definition): string => (d.target ? `${d.target.op === '>=' ? '≥' : '≤'} ${fmtFigure(d, d.target.value)}` : '');

export type TargetState = 'met' | 'not-met' | 'none';
export const targetState = (met: boolean | undefined): TargetState => (met === undefined ? 'none' : met ? 'met' : 'not-met');

export function targetWords(d: Definition, met: boolean | undefined): string {
  if (!d.target) return t('ov.noTarget');
  if (met === undefined) return t('ov.noValue');
  return t(met ? 'ov.met' : 'ov.notMet', { target: targetText(d) });
}

/** Whether a change is for the better: up when the target is a floor, down when it is a ceiling. */
export function changeDirection(d: Definition, delta: number): 'better' | 'worse' | 'flat' {
  if (delta === 0 || !d.target) return 'flat';
  return (delta > 0) === (d.target.op === '>=') ? 'better' : 'worse';
}

/** "+10 điểm %", "0", or null without both figures; a percentage changes by points, anything else in its unit. */
export function deltaWords(d: Definition, value: number | null, prev: number | null | undefined): string | null {
  if (value === null || prev === null || prev === undefined) return null;
  const delta = Math.round((value - prev) * 10) / 10;
  if (delta === 0) return '0';
  const n = `${delta > 0 ? '+' : '−'}${fmtNum(Math.abs(delta), 1)}`;
  return withUnit(n, (d.unit === '%' ? t('ov.points') : unitText(d.unit)) || undefined);
}

/** "+10 điểm % so với tháng trước". */
export function changeWords(d: Definition, value: number | null, prev: number | null | undefined): string {
  const change = deltaWords(d, value, prev);
  if (change === null) return t('ov.noPrev');
  return change === '0' ? t('ov.noChange') : t('ov.change', { change });
}

export interface Names {
  hamlet: (id: string) => string;
  device: (id: string) => string;
  zone: (id: string) => string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T/;

/** A device trait or an alert code by its name, where the page has one; else as given. */
function named(param: string, v: string): string {
  const k = param === 'trait' ? `ov.trait.${v}` : param === 'alert' ? `ov.alert.${v}` : '';
  return k && isKey(k) ? t(k) : v;
}

/** A finding's parameters as a reader writes them: numbers in the language, times at the site, zones by name. */
function paramWords(params: Finding['params'], names: Names): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params ?? {}).map(([k, v]) => [k, typeof v === 'number' ? fmtNum(v, 1) : k === 'zone' ? names.zone(v) : ISO.test(v) ? fmtTime(v) : named(k, v)]),
  );
}

/** A finding in words; a code this page does not know yet is named, with its parameters. */
export function findingWords(f: Finding, names: Names): string {
  const hamlet = f.hamlet ? names.hamlet(f.hamlet) : t('ov.commune');
  const device = f.device ? names.device(f.device) : '';
  const k = `ov.finding.${f.code}`;
  const words = paramWords(f.params, names);
  if (k !== 'ov.finding.other' && isKey(k)) return t(k, { hamlet, device, ...words });
  const params = Object.entries(words).map(([p, v]) => `${p}: ${v}`);
  const where = [f.hamlet ? hamlet : '', device].filter(Boolean).join(', ');
  return t('ov.finding.other', { where: where ? `${where}: ` : '', code: f.code, params: params.length ? ` (${params.join(', ')})` : '' });
}
