// Alerts in words: every alert code of the server (controller/alert-codes.ts) has a sentence in
// each language here; a new code fails the type check until it has both.
import type { AlertCode, AlertWhat } from '../../../controller/alert-codes.js';
import type { Alert } from './api.js';
import { lang, type Lang } from './lib/i18n.js';

/** Names for the ids an alert carries, from what the page knows (its devices, the site's zones). */
export interface AlertNames {
  device: (id: string) => string;
  zone: (id: string) => string;
}

type Words = { [C in AlertCode]: (w: Extract<AlertWhat, { code: C }>, n: AlertNames) => string };

const WORDS: Record<Lang, Words> = {
  vi: {
    'light-lamp-failure': (w, n) => `Hỏng bóng: ${n.device(w.device)}`,
    'light-dimming-failure': (w, n) => `Không điều chỉnh được độ sáng: ${n.device(w.device)}`,
    'light-unexpected-on': (w, n) => `Sáng khi đã tắt: ${n.device(w.device)}`,
    'light-offline': (w, n) => `Mất kết nối: ${n.device(w.device)}`,
    'flow-leak': (w, n) => `Có thể rò nước: ${n.device(w.device)} báo ${w.flowLpm} L/phút khi van đang đóng`,
    'flow-none': (w, n) => `Không có nước: ${n.device(w.device)} đang mở mà chỉ ${w.flowLpm} L/phút`,
    'irrigation-run-failed': (w, n) => `Lượt tưới ở ${n.zone(w.zone)} không chạy được (${n.device(w.device)}: ${w.status})`,
    'storage-spool-full': (w) => `Cơ sở dữ liệu không kết nối được, bộ đệm đầy: đã bỏ ${w.dropped} điểm cũ nhất`,
    'radio-offline': (w, n) => `Cụm loa mất kết nối: ${n.device(w.device)}`,
    'radio-amplifier': (w, n) => `Hỏng bộ khuếch đại: ${n.device(w.device)}`,
    'broker-auth-failures': (w, n) => `${w.clientId ? n.device(w.clientId) : `Địa chỉ ${w.ip}`}: ${w.count} lần đăng nhập sai trong một phút (dò mật khẩu?)`,
    'broker-denied-topics': (w, n) => `${w.clientId ? n.device(w.clientId) : `Địa chỉ ${w.ip}`}: ${w.count} lần gửi hoặc đăng ký sai chủ đề trong một phút`,
    'broker-rate-limited': (w, n) => `${w.clientId ? n.device(w.clientId) : `Địa chỉ ${w.ip}`}: bị ngắt ${w.count} lần vì gửi quá nhanh trong một phút`,
    // The rule's own words, as its owner wrote them.
    rule: (w) => `Quy tắc “${w.name}”: ${w.text}`,
    scene: (w) => `Kịch bản “${w.name}”: ${w.text}`,
  },
  en: {
    'light-lamp-failure': (w, n) => `Lamp failed: ${n.device(w.device)}`,
    'light-dimming-failure': (w, n) => `Does not dim: ${n.device(w.device)}`,
    'light-unexpected-on': (w, n) => `Lit while switched off: ${n.device(w.device)}`,
    'light-offline': (w, n) => `Offline: ${n.device(w.device)}`,
    'flow-leak': (w, n) => `Possible leak: ${n.device(w.device)} reports ${w.flowLpm} L/min while closed`,
    'flow-none': (w, n) => `No water: ${n.device(w.device)} is open with only ${w.flowLpm} L/min`,
    'irrigation-run-failed': (w, n) => `A run in ${n.zone(w.zone)} failed (${n.device(w.device)}: ${w.status})`,
    'storage-spool-full': (w) => `Database unreachable and the buffer full: ${w.dropped} oldest points dropped`,
    'radio-offline': (w, n) => `Loudspeaker cluster offline: ${n.device(w.device)}`,
    'radio-amplifier': (w, n) => `Amplifier fault: ${n.device(w.device)}`,
    'broker-auth-failures': (w, n) => `${w.clientId ? n.device(w.clientId) : `Address ${w.ip}`}: ${w.count} failed sign-ins in a minute (password guessing?)`,
    'broker-denied-topics': (w, n) => `${w.clientId ? n.device(w.clientId) : `Address ${w.ip}`}: ${w.count} refused topics in a minute`,
    'broker-rate-limited': (w, n) => `${w.clientId ? n.device(w.clientId) : `Address ${w.ip}`}: disconnected ${w.count} times in a minute for sending too fast`,
    rule: (w) => `Rule “${w.name}”: ${w.text}`,
    scene: (w) => `Scene “${w.name}”: ${w.text}`,
  },
};

export function alertText(what: AlertWhat, names: AlertNames): string {
  return (WORDS[lang.value][what.code] as (w: AlertWhat, n: AlertNames) => string)(what, names);
}

/** The alerts of one device, newest first. */
export function AlertList({ alerts, names }: { alerts: Alert[]; names: AlertNames }) {
  if (alerts.length === 0) return null;
  return (
    <ul class="alerts" data-testid="device-alerts" aria-live="polite">
      {alerts.map((a) => (
        <li data-alert-key={a.key} data-severity={a.severity} class={`alert ${a.severity}`}>
          {alertText(a.what, names)}
        </li>
      ))}
    </ul>
  );
}
