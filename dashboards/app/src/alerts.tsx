// Alerts in words: every alert code of the server (controller/alert-codes.ts) has a sentence in
// each language here; a new code fails the type check until it has both.
import type { AlertCode, AlertWhat } from '../../../controller/alert-codes.js';
import type { Alert } from './api.js';
import { lang, type Lang } from './lib/i18n.js';

type Words = { [C in AlertCode]: (w: Extract<AlertWhat, { code: C }>, name: string) => string };

const WORDS: Record<Lang, Words> = {
  vi: {
    'light-lamp-failure': (_w, n) => `Hỏng bóng: ${n}`,
    'light-dimming-failure': (_w, n) => `Không điều chỉnh được độ sáng: ${n}`,
    'light-unexpected-on': (_w, n) => `Sáng khi đã tắt: ${n}`,
    'light-offline': (_w, n) => `Mất kết nối: ${n}`,
    'flow-leak': (w, n) => `Có thể rò nước: ${n} báo ${w.flowLpm} L/phút khi van đang đóng`,
    'flow-none': (w, n) => `Không có nước: ${n} đang mở mà chỉ ${w.flowLpm} L/phút`,
    'irrigation-run-failed': (w) => `Lượt tưới ở ${w.zone} không chạy được (${w.device}: ${w.status})`,
    'storage-spool-full': (w) => `Cơ sở dữ liệu không kết nối được, bộ đệm đầy: đã bỏ ${w.dropped} điểm cũ nhất`,
    'radio-offline': (_w, n) => `Cụm loa mất kết nối: ${n}`,
    'radio-amplifier': (_w, n) => `Hỏng bộ khuếch đại: ${n}`,
  },
  en: {
    'light-lamp-failure': (_w, n) => `Lamp failed: ${n}`,
    'light-dimming-failure': (_w, n) => `Does not dim: ${n}`,
    'light-unexpected-on': (_w, n) => `Lit while switched off: ${n}`,
    'light-offline': (_w, n) => `Offline: ${n}`,
    'flow-leak': (w, n) => `Possible leak: ${n} reports ${w.flowLpm} L/min while closed`,
    'flow-none': (w, n) => `No water: ${n} is open with only ${w.flowLpm} L/min`,
    'irrigation-run-failed': (w) => `A run in ${w.zone} failed (${w.device}: ${w.status})`,
    'storage-spool-full': (w) => `Database unreachable and the buffer full: ${w.dropped} oldest points dropped`,
    'radio-offline': (_w, n) => `Loudspeaker cluster offline: ${n}`,
    'radio-amplifier': (_w, n) => `Amplifier fault: ${n}`,
  },
};

export function alertText(what: AlertWhat, name: string): string {
  return (WORDS[lang.value][what.code] as (w: AlertWhat, n: string) => string)(what, name);
}

/** The alerts of one device, newest first. */
export function AlertList({ alerts, name }: { alerts: Alert[]; name: string }) {
  if (alerts.length === 0) return null;
  return (
    <ul class="alerts" data-testid="device-alerts" aria-live="polite">
      {alerts.map((a) => (
        <li data-alert-key={a.key} data-severity={a.severity} class={`alert ${a.severity}`}>
          {alertText(a.what, name)}
        </li>
      ))}
    </ul>
  );
}
