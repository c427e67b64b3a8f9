// @vitest-environment happy-dom
// Alerts in words: each server code has a sentence in both languages, naming the device and zone
// by the names the page gives, never by their ids.
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertWhat } from '../../../controller/alert-codes.js';
import { AlertList, alertText } from '../src/alerts.js';
import { setLang } from '../src/lib/i18n.js';

const names = { device: (id: string) => `«${id} name»`, zone: (id: string) => `«${id} zone»` };
const EVERY: AlertWhat[] = [
  { code: 'light-lamp-failure', device: 'l1' },
  { code: 'light-dimming-failure', device: 'l1' },
  { code: 'light-unexpected-on', device: 'l1' },
  { code: 'light-offline', device: 'l1' },
  { code: 'flow-leak', device: 'v1', flowLpm: 3 },
  { code: 'flow-none', device: 'v1', flowLpm: 0 },
  { code: 'irrigation-run-failed', zone: 'z1', device: 'v1', status: 'rejected' },
  { code: 'storage-spool-full', dropped: 12 },
  { code: 'radio-offline', device: 's1' },
  { code: 'radio-amplifier', device: 's1' },
];

afterEach(() => {
  cleanup();
  setLang('vi');
});

describe('alert words', () => {
  it('puts every code in words in both languages, with names instead of ids', () => {
    for (const lang of ['vi', 'en'] as const) {
      setLang(lang);
      const seen = new Set<string>();
      for (const w of EVERY) {
        const s = alertText(w, names);
        seen.add(s);
        if ('device' in w) expect(s, w.code).toContain(`«${w.device} name»`);
        if ('zone' in w) expect(s, w.code).toContain(`«${w.zone} zone»`);
        expect(s).not.toMatch(/\bundefined\b/);
      }
      expect(seen.size).toBe(EVERY.length); // no two codes share a sentence
    }
    setLang('vi');
    expect(alertText(EVERY[4]!, names)).toBe('Có thể rò nước: «v1 name» báo 3 L/phút khi van đang đóng');
    setLang('en');
    expect(alertText(EVERY[4]!, names)).toBe('Possible leak: «v1 name» reports 3 L/min while closed');
  });

  it('lists a device’s alerts with their key and severity', () => {
    render(<AlertList alerts={[{ key: 'flow.leak.v1', what: EVERY[4]!, severity: 'critical', message: 'x', startedAt: new Date().toISOString(), device: 'v1' }]} names={names} />);
    const li = screen.getByTestId('device-alerts').querySelector('li')!;
    expect(li.getAttribute('data-alert-key')).toBe('flow.leak.v1');
    expect(li.getAttribute('data-severity')).toBe('critical');
    expect(li.textContent).toContain('Có thể rò nước');
  });
});
