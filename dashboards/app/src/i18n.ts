// Every string of the app, Vietnamese first. `en` must have every key of `vi` (a missing one
// fails the type check); error codes from the server are keys here too.
import { signal } from '@preact/signals';

const vi = {
  title: 'Lịch sử',
  back: 'Về bảng thiết bị',
  metric: 'Chỉ số',
  range: 'Khoảng thời gian',
  'range.1h': '1 giờ',
  'range.24h': '24 giờ',
  'range.7d': '7 ngày',
  'range.30d': '30 ngày',
  'range.custom': 'Tự chọn',
  from: 'Từ',
  to: 'Đến',
  apply: 'Xem',
  resetZoom: 'Bỏ phóng to',
  csv: 'Tải CSV',
  loading: 'Đang tải…',
  empty: 'Không có số liệu trong khoảng này.',
  mean: 'Trung bình',
  min: 'Thấp nhất',
  max: 'Cao nhất',
  time: 'Thời điểm',
  buckets: '{n} điểm, mỗi điểm {step}',
  noDevice: 'Chưa chọn thiết bị.',
  noMetric: 'Thiết bị này không có chỉ số dạng số.',
  zoomHint: 'Kéo trên biểu đồ để phóng to; chạm để đọc giá trị.',
  'error.not-found': 'Không tìm thấy thiết bị.',
  'error.forbidden': 'Bạn không có quyền xem thiết bị này.',
  'error.invalid': 'Khoảng thời gian không hợp lệ.',
  'error.unknown-metric': 'Thiết bị không có chỉ số này.',
  'error.metric-not-numeric': 'Chỉ số này không vẽ được biểu đồ.',
  'error.other': 'Không tải được số liệu ({code}).',
  language: 'English',
  'stream.connecting': 'Đang kết nối…',
  'stream.live': 'Trực tiếp',
  'stream.reconnecting': 'Mất kết nối, đang thử lại…',
} as const;

export type Key = keyof typeof vi;

const en: Record<Key, string> = {
  title: 'History',
  back: 'Back to devices',
  metric: 'Metric',
  range: 'Range',
  'range.1h': '1 hour',
  'range.24h': '24 hours',
  'range.7d': '7 days',
  'range.30d': '30 days',
  'range.custom': 'Custom',
  from: 'From',
  to: 'To',
  apply: 'Show',
  resetZoom: 'Reset zoom',
  csv: 'Download CSV',
  loading: 'Loading…',
  empty: 'No data in this range.',
  mean: 'Mean',
  min: 'Min',
  max: 'Max',
  time: 'Time',
  buckets: '{n} points, each {step}',
  noDevice: 'No device chosen.',
  noMetric: 'This device has no numeric metric.',
  zoomHint: 'Drag on the chart to zoom; tap to read values.',
  'error.not-found': 'Device not found.',
  'error.forbidden': 'You may not see this device.',
  'error.invalid': 'That range is not valid.',
  'error.unknown-metric': 'The device has no such metric.',
  'error.metric-not-numeric': 'This metric cannot be charted.',
  'error.other': 'Could not load the data ({code}).',
  language: 'Tiếng Việt',
  'stream.connecting': 'Connecting…',
  'stream.live': 'Live',
  'stream.reconnecting': 'Disconnected, retrying…',
};

export type Lang = 'vi' | 'en';
// The same choice as the other pages keep.
export const lang = signal<Lang>(localStorage.getItem('village.lang') === 'en' ? 'en' : 'vi');

export function setLang(l: Lang): void {
  lang.value = l;
  localStorage.setItem('village.lang', l);
  document.documentElement.lang = l;
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  const s: string = (lang.value === 'en' ? en : vi)[key];
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

/** A server error code as a sentence; unknown codes fall back to a generic one that names the code. */
export function errorText(code: string): string {
  const key = `error.${code}`;
  return key in vi ? t(key as Key) : t('error.other', { code });
}

export const locale = () => (lang.value === 'en' ? 'en-GB' : 'vi-VN');
