// @vitest-environment happy-dom
// The overview's pure helpers: months, a figure with its unit and target, the change on last
// month, and findings in words in both languages, a code this page does not know yet named.
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/lib/i18n.js';
import type { Definition } from '../src/pages/overview/api.js';
import { addMonths, changeDirection, changeWords, findingWords, targetWords, valueText } from '../src/pages/overview/words.js';

const pct: Definition = {
  id: 'x',
  name: { vi: 'X', en: 'X' },
  definition: { vi: '', en: '' },
  numerator: { vi: '', en: '' },
  denominator: { vi: '', en: '' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  target: { op: '>=', value: 90 },
};
const hours: Definition = { ...pct, unit: 'h', target: { op: '<=', value: 2 } };
const names = {
  hamlet: (id: string) => ({ 'thon-a': 'Thôn A' })[id] ?? id,
  device: (id: string) => ({ 'den-2': 'Đèn 2', 'loa-b': 'Loa B' })[id] ?? id,
  zone: (id: string) => ({ 'nha-mang-1': 'Nhà màng 1' })[id] ?? id,
};
/** Collapses the no-break spaces between a number and its unit. */
const plain = (s: string) => s.replace(/\s/g, ' ');

afterEach(() => setLang('vi'));

describe('overview words', () => {
  it('counts months across a year', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-10', -11)).toBe('2025-11');
  });

  it('writes a figure with its unit, its target, and the change on last month', () => {
    expect(plain(valueText(pct, 200 / 3))).toBe('66,7 %');
    expect(valueText(pct, null)).toBe('—');
    expect(plain(targetWords(pct, false))).toBe('Chưa đạt mục tiêu ≥ 90 %');
    expect(targetWords(pct, undefined)).toBe('Không có số liệu');
    expect(targetWords({ ...pct, target: undefined }, undefined)).toBe('Không đặt mục tiêu');
    expect(plain(changeWords(pct, 50, 100))).toBe('−50 điểm % so với tháng trước');
    expect(changeWords(pct, 50, 50)).toBe('Không đổi so với tháng trước');
    expect(changeWords(pct, 50, undefined)).toBe('Tháng trước chưa có số liệu');
    expect(plain(changeWords(hours, 3, 1.5))).toBe('+1,5 giờ so với tháng trước');
    // Up is better against a floor, worse against a ceiling.
    expect(changeDirection(pct, 5)).toBe('better');
    expect(changeDirection(hours, 5)).toBe('worse');
    setLang('en');
    expect(plain(changeWords(pct, 50, 100))).toBe('−50 points on last month');
    expect(plain(targetWords(pct, true))).toBe('Target ≥ 90 % met');
  });

  it('puts findings in words, and names a code it does not know with its parameters', () => {
    expect(findingWords({ hamlet: 'thon-a', code: 'no-cluster' }, names)).toBe('Thôn A: chưa có cụm loa nào.');
    expect(findingWords({ hamlet: 'thon-a', device: 'den-2', code: 'light-not-heard' }, names)).toBe('Thôn A: đèn Đèn 2 không gửi số liệu trong 24 giờ cuối tháng.');
    expect(findingWords({ hamlet: 'thon-a', device: 'van-1', code: 'valve-stuck', params: { days: 3 } }, names)).toBe('Thôn A, van-1: vấn đề “valve-stuck” (days: 3).');
    expect(findingWords({ code: 'other' }, names)).toBe('vấn đề “other”.');
    setLang('en');
    expect(findingWords({ hamlet: 'thon-a', device: 'loa-b', code: 'cluster-not-heard' }, names)).toBe('Thôn A: the cluster Loa B did not report with its amplifier working this month.');
    expect(findingWords({ code: 'pump-dry', params: { days: 3 } }, names)).toBe('issue “pump-dry” (days: 3).');
  });

  it('puts each area’s findings in words, with numbers in the language and zones by name', () => {
    expect(findingWords({ hamlet: 'thon-a', device: 'loa-b', code: 'cluster-offline', params: { hours: 72.5 } }, names)).toBe('Thôn A: cụm loa Loa B mất kết nối tổng cộng 72,5 giờ.');
    expect(findingWords({ hamlet: 'thon-a', code: 'zone-watered-by-hand', params: { zone: 'nha-mang-1', handPct: 40 } }, names)).toBe('Thôn A: khu Nhà màng 1 tưới tay 40 % thời gian.');
    expect(findingWords({ code: 'rain-skips', params: { starts: 3, m3: 1.25 } }, names)).toBe('3 lượt tưới bỏ qua vì mưa, tiết kiệm khoảng 1,3 m³.');
    // A time is shown at the site, never as the server's ISO text.
    const failed = findingWords({ hamlet: 'thon-a', device: 'den-2', code: 'lamp-failed', params: { failures: 2, first: '2026-10-03T12:30:00.000Z' } }, names);
    expect(failed).toMatch(/^Thôn A: đèn Đèn 2 hỏng bóng 2 lần, lần đầu .+\.$/);
    expect(failed).not.toContain('2026-10-03T');
    setLang('en');
    expect(findingWords({ code: 'more-findings', params: { count: 12 } }, names)).toBe('and 12 more.');
    expect(findingWords({ hamlet: 'thon-a', device: 'den-2', code: 'device-offline', params: { hours: 5 } }, names)).toBe('Thôn A: the device Đèn 2 was offline 5 hours.');
  });
});
